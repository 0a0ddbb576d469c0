"""Moodle XML (question/format/xml).

Numeric items are `numerical` questions: the key first with fraction 100 and
the absolute tolerance, then each mistake with fraction 0 and its own feedback
(intervals kept disjoint, so Moodle's first-matching-interval rule credits only
the key), then `*` with fraction 0 as the catch-all feedback. Multiple choice is
`multichoice` (single answer, shuffled by Moodle), key first. HTML goes in CDATA.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from autograder.quiz.exporters.xmlwrite import CData, sub, tostring
from autograder.quiz.model import Item, format_number, rounded
from autograder.quiz.render import escape, question_html

# Grades Moodle accepts for an answer (question/format.php: the allowed fractions).
ALLOWED_FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
                     "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111",
                     "10", "5", "0")


def _text(parent, tag: str, text: str, html: bool = True, **attrib) -> ET.Element:
    el = sub(parent, tag, **attrib)
    sub(el, "text", CData(text) if html else text)
    return el


def _feedback(parent, text: str) -> None:
    _text(parent, "feedback", f"<p>{escape(text)}</p>", format="html")


def moodle_question(quiz: ET.Element, item: Item) -> None:
    item = item.lms_item()
    qtype = "numerical" if item.kind == "numeric" else "multichoice"
    q = sub(quiz, "question", type=qtype)
    _text(q, "name", item.name, html=False)
    _text(q, "questiontext", question_html(item), format="html")
    _text(q, "generalfeedback", f"<p>{escape(item.explanation)}</p>", format="html")
    sub(q, "defaultgrade", "1")
    sub(q, "penalty", "0.3333333")
    sub(q, "hidden", "0")
    sub(q, "idnumber", f"{item.name}-{item.seed:016x}")
    if item.kind == "numeric":
        tol = format_number(float(item.tolerance), item.decimals) if item.tolerance else "0"
        for o in item.options:
            a = sub(q, "answer", fraction="100" if o.correct else "0", format="moodle_auto_format")
            sub(a, "text", format_number(rounded(o.value, item.decimals), item.decimals))
            sub(a, "tolerance", tol)
            _feedback(a, o.feedback)
        a = sub(q, "answer", fraction="0", format="moodle_auto_format")
        sub(a, "text", "*")
        sub(a, "tolerance", "0")
        _feedback(a, f"Not one of the usual mistakes. {item.explanation}")
        sub(q, "unitgradingtype", "0")
        sub(q, "unitpenalty", "0.1000000")
        sub(q, "showunits", "3")
        sub(q, "unitsleft", "0")
    else:
        sub(q, "single", "true")
        sub(q, "shuffleanswers", "true")
        sub(q, "answernumbering", "abc")
        for o in item.options:
            a = sub(q, "answer", fraction="100" if o.correct else "0", format="html")
            sub(a, "text", CData(f"<p>{escape(o.text)}</p>"))
            _feedback(a, o.feedback)


def export_moodle(items, *, title: str, quiz_seed) -> bytes:
    quiz = ET.Element("quiz")
    cat = sub(quiz, "question", type="category")
    _text(cat, "category", f"$course$/top/{' '.join(title.split())}", html=False)
    for item in items:
        moodle_question(quiz, item)
    return tostring(quiz)
