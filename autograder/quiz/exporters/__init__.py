"""Quiz exporters: Moodle XML, GIFT, Canvas QTI 1.2 (zip), HTML preview, JSON.

Every exporter is deterministic (same items -> byte-identical output): no clocks,
fixed zip timestamps, sorted zip entries, insertion-ordered attributes.

Matrix items: the HTML preview and JSON show the whole matrix; the LMS formats
(Moodle XML, GIFT, QTI) ask for ONE named cell as a numeric question (see
`Item.lms_item` / `model.cell_item`), the cell where the most modelled mistakes
are visible. LMS numeric questions cannot hold a matrix, and one well-chosen cell
keeps the per-mistake feedback that per-cell sub-questions would dilute.
"""
from __future__ import annotations

from typing import Callable, Sequence

from autograder.quiz.model import Item

FORMATS = ("moodle", "gift", "qti", "html", "json")
EXTENSIONS = {"moodle": ".xml", "gift": ".gift.txt", "qti": ".zip", "html": ".html", "json": ".json"}


def _exporter(fmt: str) -> Callable[..., bytes]:
    if fmt == "moodle":
        from autograder.quiz.exporters.moodle import export_moodle as fn
    elif fmt == "gift":
        from autograder.quiz.exporters.gift import export_gift as fn
    elif fmt == "qti":
        from autograder.quiz.exporters.qti import export_qti as fn
    elif fmt == "html":
        from autograder.quiz.exporters.html import export_html as fn
    elif fmt == "json":
        from autograder.quiz.exporters.jsonfmt import export_json as fn
    else:
        raise ValueError(f"unknown quiz format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return fn


def default_title(quiz_seed) -> str:
    return f"dlgrade quiz (seed {quiz_seed})"


def export(items: Sequence[Item], fmt: str, *, quiz_seed=None, title: str | None = None) -> bytes:
    """Serialise items in one format; returns the file's bytes."""
    fn = _exporter(fmt)
    items = list(items)
    if not items:
        raise ValueError("no quiz items to export")
    if quiz_seed is None:
        quiz_seed = items[0].quiz_seed
    return fn(items, title=title or default_title(quiz_seed), quiz_seed=quiz_seed)
