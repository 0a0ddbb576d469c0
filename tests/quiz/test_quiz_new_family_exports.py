"""lenet-alexnet-layer, receptive-field and augmentation in every export format (Moodle XML,
GIFT, Canvas QTI, HTML, JSON), numeric and multiple-choice items alike."""
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from autograder.quiz import export, generate_item
from autograder.quiz.exporters.jsonfmt import load_json
from autograder.quiz.render import escape, question_html
from test_quiz_exporters import QTI, parse_gift  # the GIFT parser written from its documentation

NEW_FAMILIES = ("lenet-alexnet-layer", "receptive-field", "augmentation")


@pytest.fixture(scope="module")
def items():
    out = [generate_item(name, v, 13) for name in NEW_FAMILIES for v in range(30)]
    kinds = {(i.family, i.kind) for i in out}
    assert {("lenet-alexnet-layer", "numeric"), ("lenet-alexnet-layer", "multichoice"),
            ("receptive-field", "numeric"), ("receptive-field", "multichoice"),
            ("augmentation", "multichoice")} <= kinds
    return out


def test_gift(items):
    _, questions = parse_gift(export(items, "gift").decode("utf-8"))
    assert len(questions) == len(items)
    for item, q in zip(items, questions):
        assert q["title"] == item.name and q["text"] == question_html(item)
        assert q["type"] == ("numerical" if item.kind == "numeric" else "multichoice")
        if item.kind == "numeric":
            assert q["answers"][0]["weight"] == "100" and q["answers"][0]["value"] == item.answer
        else:
            assert [a["text"] for a in q["answers"]] == [o.text for o in item.options]
            assert [a["correct"] for a in q["answers"]] == [o.correct for o in item.options]
        assert [a["feedback"] for a in q["answers"]] == [o.feedback for o in item.options]


def test_moodle_xml(items):
    questions = ET.fromstring(export(items, "moodle")).findall("question")[1:]
    assert len(questions) == len(items)
    for item, q in zip(items, questions):
        assert q.find("name/text").text == item.name
        assert q.get("type") == ("numerical" if item.kind == "numeric" else "multichoice")
        answers = q.findall("answer")
        assert answers[0].get("fraction") == "100"
        assert [a.get("fraction") for a in answers].count("100") == 1
        texts = [a.find("text").text for a in answers]
        if item.kind == "multichoice":  # each answer's text is HTML: <p>escaped text</p>
            assert texts == [f"<p>{escape(o.text)}</p>" for o in item.options]
        else:
            assert texts[0] == str(item.answer) and texts[-1] == "*"


def test_canvas_qti(items):
    zf = zipfile.ZipFile(io.BytesIO(export(items, "qti")))
    (href,) = [n for n in zf.namelist() if n != "imsmanifest.xml"]
    qitems = ET.fromstring(zf.read(href)).findall(f"{QTI}assessment/{QTI}section/{QTI}item")
    assert len(qitems) == len(items)
    for item, el in zip(items, qitems):
        scored = [rc for rc in el.iter(f"{QTI}respcondition") if rc.find(f"{QTI}setvar") is not None]
        if item.kind == "multichoice":
            labels = {lab.get("ident"): lab.find(f"{QTI}material/{QTI}mattext").text
                      for lab in el.iter(f"{QTI}response_label")}
            key_id = scored[0].find(f"{QTI}conditionvar/{QTI}varequal").text
            assert labels[key_id] == item.key.text and len(labels) == 4
        else:
            exact = scored[0].find(f"{QTI}conditionvar/{QTI}or/{QTI}varequal").text
            assert float(exact) == item.answer


def test_html_and_json(items):
    html = export(items, "html").decode("utf-8")
    assert "Answer key" in html and all(item.name in html for item in items)
    assert "<pre>" in html  # the model code of the CNN families
    data = export(items, "json")
    assert load_json(data) == items
