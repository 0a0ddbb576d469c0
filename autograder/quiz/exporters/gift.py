"""GIFT (Moodle's text format).

Escaping: `~ = # { } :` get a backslash, a backslash is written `\\`, a newline
`\n`; a blank line ends a question. Question text is HTML (`[html]`), numeric
answers `{#=%100%key:tol#feedback =%0%mistake:tol#feedback ...}` (key first,
Moodle grades the first interval that contains the response), multiple choice
`{=key#feedback ~wrong#feedback ...}`.
"""
from __future__ import annotations

from autograder.quiz.model import GENERATOR_VERSION, Item, format_number, rounded
from autograder.quiz.render import question_html

SPECIAL = "~=#{}:"


def gift_escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _num(value, decimals: int) -> str:
    return format_number(rounded(value, decimals), decimals)


def _tol(item: Item) -> str:
    return format_number(float(item.tolerance), item.decimals) if item.tolerance else "0"


def gift_question(item: Item) -> str:
    item = item.lms_item()
    head = f"::{gift_escape(item.name)}::[html]{gift_escape(question_html(item))}"
    if item.kind == "numeric":
        parts = []
        for o in item.options:
            weight = "%100%" if o.correct else "%0%"
            parts.append(f"={weight}{_num(o.value, item.decimals)}:{_tol(item)}"
                         f"#{gift_escape(o.feedback)}")
        return f"{head}{{#\n\t" + "\n\t".join(parts) + "\n}"
    parts = [("=" if o.correct else "~") + gift_escape(o.text) + "#" + gift_escape(o.feedback)
             for o in item.options]
    return f"{head}{{\n\t" + "\n\t".join(parts) + "\n}"


def export_gift(items, *, title: str, quiz_seed) -> bytes:
    blocks = [f"// {title}; generator version {GENERATOR_VERSION}",
              f"$CATEGORY: $course$/top/{' '.join(title.split())}"]
    for item in items:
        blocks.append(f"// {item.family}, variant {item.variant}, seed {item.seed}\n"
                      + gift_question(item))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
