"""Text from a student's kernel, made safe to keep: it is data, shown as it was, bounded."""
from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls: they garble a terminal or a report.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MESSAGE_LIMIT = 8000  # characters of one message a results.json, a report or a cell keeps


def clean(text: str, limit: int | None = MESSAGE_LIMIT) -> str:
    """`text` with lone surrogates (which no UTF-8 file can hold) replaced by U+FFFD, control
    characters by "?", and everything past `limit` characters cut, saying how much."""
    if not isinstance(text, str):
        text = str(text)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = CONTROL.sub("?", text.replace("\r\n", "\n").replace("\r", "\n"))
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}... [{len(text) - limit:,} more characters cut]"
    return text


POINT_DIGITS = 2  # scores as every output shows them: the terminal, the reports, the LMS files


def points(value) -> str:
    """A score as every output shows it: 3.33, 15, 0.67 (never 3.3334 in one place and 3.33 in
    another)."""
    return f"{round(float(value), POINT_DIGITS):g}"


def wrapped(text: str, indent: str = "", width: int = 100) -> list[str]:
    """`text` as whole words on lines of `width` (later lines indented by `indent`); nothing cut."""
    import textwrap

    return textwrap.wrap(text, width=width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [""]


def headline(message: str | None) -> str:
    """The first line of a check's message, with its first item when that line is a heading
    ("build_model() differs from the exercise: layer 2: expected ...")."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return ""
    if lines[0].endswith(":") and len(lines) > 1:
        return f"{lines[0]} {lines[1].lstrip('- ')}"
    return lines[0]


def shown(value) -> str:
    """A value as a student would write it: numpy scalars as plain numbers (0.2, not
    np.float64(0.2)), inside tuples and lists too."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, tuple):
        inner = ", ".join(shown(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return repr(value)
