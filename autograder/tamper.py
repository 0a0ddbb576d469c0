"""What a submission changed in the cells students must not change.

nbgrader puts the instructor's version back while it autogrades (OverwriteCells
restores locked sources, points and cell types from the gradebook;
`add_missing_cells` puts deleted grade cells back; DeduplicateIds drops repeated
ids). This module says what it found, so the feedback can tell the student, and
the instructor can see who tried.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor


def _expected(gradebook, notebook_id: str, assignment: str) -> dict:
    """grade_id -> what the instructor's cell is: locked source, points, kind."""
    nb = gradebook.find_notebook(notebook_id, assignment)
    cells: dict[str, dict] = {}
    for cell in nb.source_cells:
        cells[cell.name] = {"locked": bool(cell.locked), "source": cell.source,
                            "grade": False, "solution": False, "points": None}
    for cell in nb.grade_cells:
        cells.setdefault(cell.name, {"locked": False, "source": None, "solution": False})
        cells[cell.name].update(grade=True, points=float(cell.max_score))
    for cell in nb.solution_cells:
        cells.setdefault(cell.name, {"locked": False, "source": None, "grade": False,
                                     "points": None})
        cells[cell.name]["solution"] = True
    return cells


def _normal(source: str | None) -> str:
    return "\n".join(line.rstrip() for line in (source or "").strip().splitlines())


def changes(gradebook, assignment: str, notebook_id: str, nb: nbformat.NotebookNode) -> list[str]:
    """Each change to a protected cell, as a sentence for the student."""
    expected = _expected(gradebook, notebook_id, assignment)
    seen = [(c, c.metadata.get("nbgrader", {})) for c in nb.cells]
    counts = Counter(meta.get("grade_id") for _, meta in seen if meta.get("grade_id"))
    notes = []
    for grade_id, want in expected.items():
        if want["grade"] and counts[grade_id] == 0:
            notes.append(f"the graded cell {grade_id} was deleted or renamed: it was put back "
                         "and graded")
        if counts[grade_id] > 1:
            notes.append(f"the cell {grade_id} appears {counts[grade_id]} times: only the last "
                         "copy was graded, the others ran as ordinary cells")
    for grade_id in sorted(set(counts) - set(expected)):
        notes.append(f"a cell carries the unknown id {grade_id!r} (a renamed cell?): it was "
                     "graded as an ordinary cell")
    checked = set()
    for cell, meta in seen:
        grade_id = meta.get("grade_id")
        if grade_id not in expected or grade_id in checked:
            continue
        checked.add(grade_id)
        want = expected[grade_id]
        if want["points"] is not None and meta.get("points") is not None \
                and float(meta.get("points")) != want["points"]:
            notes.append(f"the points of {grade_id} were changed from {want['points']:g} to "
                         f"{float(meta['points']):g}: the instructor's points were used")
        if any(bool(meta.get(flag)) != want[flag] for flag in ("grade", "solution", "locked")):
            notes.append(f"the grading metadata of {grade_id} was edited: the instructor's was "
                         "used")
        if want["locked"] and _normal(cell.source) != _normal(want["source"]):
            notes.append(f"the locked cell {grade_id} was edited: the instructor's version was "
                         "put back")
    return notes


def describe(api, assignment: str, student: str, notebooks: list[str]) -> list[str]:
    """The changes in every notebook of one submission (notebooks already validated)."""
    from nbgrader.api import Gradebook, MissingEntry

    folder = Path(api.coursedir.root) / "submitted" / student / assignment
    notes = []
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for name in notebooks:
            notebook_id = Path(name).stem
            try:
                nb = nbformat.read(str(folder / name), as_version=4)
                found = changes(gb, assignment, notebook_id, nb)
            except MissingEntry:
                continue
            prefix = f"{name}: " if len(notebooks) > 1 else ""
            notes += [prefix + note for note in found]
    return notes


class RepairCells(NbGraderPreprocessor):
    """Runs in nbgrader's sanitize pass between DeduplicateIds and OverwriteCells.

    nbgrader crashes on what tampering leaves behind (a duplicate stripped of its
    grade_id, an unknown grade_id, a test cell re-flagged as a solution: KeyError or
    "Inconsistent checksums", and the whole submission fails). Cells without a known
    grade_id become ordinary cells; known ones get the instructor's flags back, so
    OverwriteCells can restore the rest and add_missing_cells put deleted ones back.
    """

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            expected = _expected(gb, info["notebook"], info["assignment"])
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            want = expected.get(meta.get("grade_id")) if isinstance(meta, dict) else None
            if want is None:
                del cell.metadata["nbgrader"]
                continue
            for flag in ("grade", "solution", "locked"):
                meta[flag] = want[flag]
            if want["points"] is not None:
                meta["points"] = want["points"]
            else:
                meta.pop("points", None)
        return nb, resources


class CellIds(NbGraderPreprocessor):
    """Runs in nbgrader's sanitize pass after OverwriteCells: a cell nbgrader put back (a deleted
    grade cell) has no id, and nbformat warns (MissingIDFieldWarning) wherever the notebook is
    validated; each such cell gets a fresh id, one no other cell has."""

    def preprocess(self, nb, resources):
        from nbformat.corpus.words import generate_corpus_id

        if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
            return nb, resources
        taken = {cell.get("id") for cell in nb.cells}
        for cell in nb.cells:
            if not cell.get("id"):
                new = generate_corpus_id()
                while new in taken:
                    new = generate_corpus_id()
                cell["id"] = new
                taken.add(new)
        return nb, resources
