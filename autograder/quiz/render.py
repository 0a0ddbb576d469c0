"""HTML for question texts: the escaped prompt, matrices as tables, code as <pre>.

Prompts are plain text; everything here escapes it, so a prompt can never inject
markup. Tables carry inline styles because LMS question text cannot rely on a
style sheet (Moodle and Canvas keep simple inline border/padding styles).
"""
from __future__ import annotations

from html import escape as _escape

from autograder.quiz.model import Figure, Item, format_number

TABLE_OPEN = '<table border="1" cellpadding="4" style="border-collapse:collapse">'
MARKED_CELL = '<td style="background:#ffe9a8"><b>{}</b></td>'


def escape(text: str) -> str:
    """Escape text content (& < >); quotes need no escaping outside attributes."""
    return _escape(text, quote=False)


def matrix_html(matrix, decimals: int = 0, mark: tuple[int, int] | None = None,
                caption: str | None = None) -> str:
    rows = []
    for r, row in enumerate(matrix):
        cells = "".join(
            MARKED_CELL.format(escape(format_number(v, decimals))) if mark == (r, c)
            else f"<td>{escape(format_number(v, decimals))}</td>"
            for c, v in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'{TABLE_OPEN}{cap}{"".join(rows)}</table>'


def code_html(code: str) -> str:
    return f"<pre>{escape(code)}</pre>"


def figure_html(figure: Figure) -> str:
    label = f"<p>{escape(figure.label)}:</p>"
    if figure.matrix is not None:
        return label + matrix_html(figure.matrix)
    return label + code_html(figure.code or "")


def question_html(item: Item) -> str:
    """The question text as HTML: prompt paragraph, then its figures."""
    return f"<p>{escape(item.prompt)}</p>" + "".join(figure_html(f) for f in item.figures)


def option_html(item: Item, value, text: str) -> str:
    """An option or answer: a matrix as a table, anything else as escaped text."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return matrix_html(value, item.decimals)
    return escape(text)
