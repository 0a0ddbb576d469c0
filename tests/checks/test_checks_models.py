"""The hidden checks of the model assignments, proven on the notebooks' own cells.

The instructor notebook's code cells run here, in this process (the kernel's part),
with the data the grader prepares for kernels; the checks then run through
`run_checks` as in grading, with the cell times measured here and a calibration
taken from the reference run. The reference scores full marks; every mutant of
mutants_models.py loses points exactly where it should, with a message naming its
mistake. tests/engine/test_model_grading.py runs the same path through real
sandboxed kernels.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from _harness import ROOT, load
from autograder import course_data, datasets, timing
from autograder.bridge import LocalStudent
from autograder.checks.runner import run_checks, score_groups

catalogue = load("mutants_models", Path(__file__).resolve().parent / "mutants_models.py")
ASSIGNMENTS = ("mnist-ann", "fashion-ann", "hdb-regression")
POINTS = {"test_preprocess": 2, "test_model": 4, "test_accuracy": 8, "test_training_time": 2}
# The cells this file proves (hdb-regression's preprocessing cells: test_checks_hdb_regression.py).
MODEL_CELLS = {"mnist-ann": tuple(POINTS), "fashion-ann": tuple(POINTS),
               "hdb-regression": ("test_model", "test_mae", "test_training_time")}

_COURSES: dict[str, dict] = {}


def _notebook(assignment: str) -> dict:
    return json.loads((ROOT / "source" / assignment / f"{assignment}.ipynb").read_text())


def _graded_cells(assignment: str) -> tuple[str, ...]:
    return tuple(c["metadata"]["nbgrader"]["grade_id"] for c in _notebook(assignment)["cells"]
                 if c["metadata"].get("nbgrader", {}).get("grade"))


def run_notebook(assignment: str, root: Path, replaces: dict | None = None,
                 reference_seconds: float | None = None):
    """Run the notebook's kernel cells here, as the executor does: every cell, errors
    recorded and passed over. (namespace, seconds of each cell that ran cleanly)."""
    replaces = replaces or {}
    namespace: dict = {"__name__": "notebook"}
    seconds: dict[str, float] = {}
    previous = os.environ.get(course_data.DATA_DIRS_VARIABLE)
    os.environ[course_data.DATA_DIRS_VARIABLE] = os.pathsep.join(datasets.prepare(root, assignment))
    sys.path.insert(0, str(ROOT / "source" / assignment))  # its course_data.py
    try:
        for cell in _notebook(assignment)["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if cell["cell_type"] != "code" or (meta.get("grade") and not meta.get("solution")):
                continue
            source = replaces.get(cell["id"], "".join(cell["source"]))
            if callable(source):
                source = source(reference_seconds)
            start = time.perf_counter()
            try:
                exec(compile(source, f"<cell {cell['id']}>", "exec"), namespace)
            except Exception:  # noqa: BLE001 - a failing cell fails in the kernel too
                continue
            seconds[meta.get("grade_id", cell["id"])] = time.perf_counter() - start
    finally:
        sys.path.remove(str(ROOT / "source" / assignment))
        if previous is None:
            os.environ.pop(course_data.DATA_DIRS_VARIABLE, None)
        else:
            os.environ[course_data.DATA_DIRS_VARIABLE] = previous
    return namespace, seconds


def grade(assignment: str, root: Path, namespace: dict, seconds: dict):
    student = LocalStudent(namespace, context={"assignment": assignment, "course_root": root,
                                               "cell_seconds": seconds, "budgets": []})
    outcomes = run_checks(assignment, student)
    return score_groups(outcomes), outcomes, student.context["budgets"]


def course(assignment: str, tmp_path_factory) -> dict:
    """A course root with the data prepared and a calibration from the reference run."""
    if assignment not in _COURSES:
        root = tmp_path_factory.mktemp(assignment)
        namespace, seconds = run_notebook(assignment, root)
        calibration = timing.Calibration(
            assignment=assignment, cell="train", seconds=round(seconds["train"], 4),
            runs=[round(seconds["train"], 4)], warmup=0.0, device=timing.device(),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        path = timing.calibration_path(root, assignment)
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(asdict(calibration)))
        _COURSES[assignment] = {"root": root, "reference": (namespace, seconds),
                                "seconds": calibration.seconds}
    return _COURSES[assignment]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_gets_full_marks(assignment, tmp_path_factory):
    setup = course(assignment, tmp_path_factory)
    scores, outcomes, budgets = grade(assignment, setup["root"], *setup["reference"])
    assert [(o.name, o.message) for o in outcomes if not o.passed] == []
    cells = _graded_cells(assignment)
    assert scores == {cell: 1.0 for cell in cells}
    assert tuple(dict.fromkeys(o.grade_id for o in outcomes)) == cells, "notebook order"
    assert all(sum(o.grade_id == cell for o in outcomes) >= 2 for cell in MODEL_CELLS[assignment])
    assert [b["cell"] for b in budgets] == ["train"] and budgets[0]["passed"]
    assert budgets[0]["reference_seconds"] == setup["seconds"]
    # a regrade gives the same outcomes
    again = grade(assignment, setup["root"], *setup["reference"])[1]
    assert [(o.name, o.passed, o.message) for o in again] == [
        (o.name, o.passed, o.message) for o in outcomes]


def _mutants():
    return [pytest.param(a, m, id=f"{a}-{m.name}") for a in ASSIGNMENTS for m in catalogue.catalogue(a)]


@pytest.mark.slow
@pytest.mark.parametrize("assignment,mutant", _mutants())
def test_mutant_loses_points_where_it_should(assignment, mutant, tmp_path_factory):
    setup = course(assignment, tmp_path_factory)
    namespace, seconds = run_notebook(assignment, setup["root"], mutant.replaces, setup["seconds"])
    scores, outcomes, _ = grade(assignment, setup["root"], namespace, seconds)
    for cell, symptoms in mutant.loses.items():
        assert scores[cell] < 1.0, f"{mutant.name} keeps full marks on {cell}"
        messages = "\n".join(o.message for o in outcomes if o.grade_id == cell and not o.passed)
        for words in symptoms:
            assert words in messages, f"{mutant.name} on {cell}: {words!r} not in:\n{messages}"
    for cell in mutant.keeps:
        failed = [(o.name, o.message) for o in outcomes if o.grade_id == cell and not o.passed]
        assert scores[cell] == 1.0, f"{mutant.name} loses points on {cell}: {failed}"


def test_catalogue_covers_every_cell():
    for assignment in ASSIGNMENTS:
        mutants = catalogue.catalogue(assignment)
        assert len(mutants) >= 10 and len({m.name for m in mutants}) == len(mutants)
        assert {cell for m in mutants for cell in m.loses} == set(MODEL_CELLS[assignment])
        assert all(set(m.loses).isdisjoint(m.keeps) for m in mutants)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_is_built_from_the_reference_solution(assignment):
    builder = load("build_notebooks", ROOT / "source" / "build_notebooks.py")
    path = ROOT / "source" / assignment / f"{assignment}.ipynb"
    assert builder.render(assignment) == path.read_text(encoding="utf-8"), (
        "the committed notebook is stale: run python source/build_notebooks.py")
    for copy, text in builder.support_files(assignment).items():
        assert copy.read_text(encoding="utf-8") == text, f"{copy} is stale"


@pytest.mark.parametrize("assignment", ("mnist-ann", "fashion-ann"))  # hdb: its own test file
def test_notebook_cells_match_the_checks(assignment):
    nb = _notebook(assignment)
    graded = [c["metadata"]["nbgrader"] for c in nb["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade")]
    assert [(m["grade_id"], m["points"]) for m in graded] == list(POINTS.items())
    training = next(c for c in nb["cells"] if c["id"] == "train")
    assert training["metadata"]["nbgrader"]["solution"] and not training["metadata"]["nbgrader"]["grade"]
    module = __import__(f"autograder.checks.{assignment.replace('-', '_')}", fromlist=["x"])
    assert module.TRAINING_CELL == "train"
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            source = "".join(cell["source"])
            assert "autograder" not in source and "reference" not in source
            assert any(line.startswith("assert ") for line in source.splitlines())
