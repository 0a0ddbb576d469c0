"""The conv-pooling hidden checks, proven on the solutions and on known-wrong students.

Every check run goes through `run_checks`, as grading does: the reference solution
and the notebook's own solution cells get full marks, each mutant of the catalogue
loses points exactly where it should with a message naming its mistake, a deleted
function scores 0 on its cell, and a regrade gives identical outcomes.

A mutant runs the cells that can reach the function it replaces: its own and those
of the functions calling it (the call graph is read from the solution's code and
must match the catalogue). When nothing else calls it, the run is limited to its
own cell: every other cell would execute exactly the reference's code on the same
derandomized inputs, which test_reference_solution_gets_full_marks already scores.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from autograder.bridge import LocalStudent
from autograder.checks.runner import run_checks, score_groups
from reference.assignments import solution_namespace

ASSIGNMENT = "conv-pooling"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOK = ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
TOTAL_POINTS = 15


def _load(name: str, path: Path):
    """Import a plain module by path (the catalogue, the notebook builder)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


catalogue = _load("mutants_conv_pooling", HERE / "mutants_conv_pooling.py")
CELLS = catalogue.ALL_CELLS

_RUNS: dict[str, list] = {}


def _grade(namespace: dict, key: str | None = None, grade_id: str | None = None) -> tuple[dict[str, float], list]:
    """Run the checks (all, or one cell's) against the namespace's functions (cached under `key`)."""
    if key is None or key not in _RUNS:
        outcomes = run_checks(ASSIGNMENT, LocalStudent(namespace), grade_id=grade_id)
        if key is None:
            return score_groups(outcomes), outcomes
        _RUNS[key] = outcomes
    return score_groups(_RUNS[key]), _RUNS[key]


def _failures(outcomes, cell: str) -> list:
    return [o for o in outcomes if o.grade_id == cell and not o.passed]


def _notebook() -> dict:
    """The notebook as plain JSON (nbformat costs seconds to import; the builder test uses it)."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"])
    return nb


def _is_test_cell(cell: dict) -> bool:
    return cell["metadata"].get("nbgrader", {}).get("grade", False)


def _callers(function: str) -> set[str]:
    """The cells whose function calls `function`, directly or through another one."""
    found, frontier = set(), {function}
    while frontier:
        frontier = {f for f, calls in catalogue.CALLS.items() if set(calls) & frontier} - found
        found |= frontier
    return {f"test_{f}" for f in found}


def _mutant_namespace(mutant) -> dict:
    namespace = solution_namespace(ASSIGNMENT)
    namespace[mutant.replaces] = mutant.impl
    return namespace


# --------------------------------------------------------------------------- full marks

def test_reference_solution_gets_full_marks():
    scores, outcomes = _grade(solution_namespace(ASSIGNMENT), "reference")
    failed = [(o.name, o.message) for o in outcomes if not o.passed]
    assert not failed, f"the reference solution fails checks: {failed}"
    assert scores == {cell: 1.0 for cell in CELLS}
    assert len(outcomes) >= 2 * len(CELLS), "every cell has a fixed test and property tests"


def test_notebook_is_built_from_the_reference_solution():
    builder = _load("build_notebooks", ROOT / "source" / "build_notebooks.py")
    assert builder.render(ASSIGNMENT) == NOTEBOOK.read_text(encoding="utf-8"), (
        "the committed notebook is stale: run python source/build_notebooks.py")


def test_notebook_cells_match_the_checks():
    nb = _notebook()
    assert (nb["nbformat"], nb["metadata"]["kernelspec"]["name"]) == (4, "python3")
    graded = [c["metadata"]["nbgrader"] for c in nb["cells"] if _is_test_cell(c)]
    points = {meta["grade_id"]: meta["points"] for meta in graded}
    assert tuple(points) == CELLS, "one autograded test cell per check group, in order"
    assert sum(points.values()) == TOTAL_POINTS
    for cell in nb["cells"]:
        meta, source = cell["metadata"].get("nbgrader", {}), cell["source"]
        if _is_test_cell(cell):
            assert cell["cell_type"] == "code" and meta["schema_version"] == 3
            assert meta["locked"] and not meta["solution"]
            lines = source.splitlines()
            assert lines[-1] == f"# Hidden checks: {meta['grade_id']} (run by the grader, not in your kernel)"
            assert "HIDDEN TESTS" not in source and "autograder" not in source and "reference" not in source
            assert any(line.startswith("assert ") for line in lines), "public asserts come first"
        elif meta.get("solution"):
            assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source


def test_notebook_solution_gets_full_marks_and_passes_its_public_asserts():
    nb = _notebook()
    namespace: dict = {"__name__": "notebook"}
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code_cells:  # the cells that run in the student's kernel
        if not _is_test_cell(cell):
            exec(compile(cell["source"], f"<cell {cell['id']}>", "exec"), namespace)
    scores, outcomes = _grade(namespace)
    assert scores == {cell: 1.0 for cell in CELLS}, [o.message for o in outcomes if not o.passed]
    for cell in code_cells:  # what a student runs to self-check
        if _is_test_cell(cell):
            exec(compile(cell["source"], f"<cell {cell['id']}>", "exec"), namespace)


# --------------------------------------------------------------------------- known mistakes

def test_call_graph_matches_the_solution():
    namespace = solution_namespace(ASSIGNMENT)
    read = {name: tuple(sorted(set(namespace[name].__code__.co_names) & set(catalogue.CALLS)))
            for name in catalogue.CALLS}
    assert read == {name: tuple(sorted(calls)) for name, calls in catalogue.CALLS.items()}


def test_catalogue_covers_every_cell():
    assert len(catalogue.MUTANTS) >= 8
    assert len({m.name for m in catalogue.MUTANTS}) == len(catalogue.MUTANTS)
    assert {m.cell for m in catalogue.MUTANTS} == set(CELLS)


@pytest.mark.parametrize("mutant", catalogue.MUTANTS, ids=lambda m: m.name)
def test_mutant_loses_points_where_it_should(mutant):
    reached = {mutant.cell} | _callers(mutant.replaces)
    only = mutant.cell if reached == {mutant.cell} else None
    scores, outcomes = _grade(_mutant_namespace(mutant), mutant.name, grade_id=only)
    assert set(scores) == (reached if only else set(CELLS))
    losing = {mutant.cell, *mutant.also_loses}
    wrong = {cell: score for cell, score in scores.items() if (score < 1.0) != (cell in losing)}
    assert not wrong, f"{mutant.name} should lose points on exactly {sorted(losing)}, got {scores}"
    messages = "\n".join(o.message for o in _failures(outcomes, mutant.cell))
    missing = [word for word in mutant.symptoms if word not in messages]
    assert not missing, f"{mutant.name}: the feedback does not say {missing}:\n{messages}"


@pytest.mark.parametrize("function", ["output_size", "zero_pad", "max_pool"])  # reused by all / by one / a leaf
def test_deleted_function_scores_zero_on_its_cell(function):
    namespace = solution_namespace(ASSIGNMENT)
    del namespace[function]
    cell = f"test_{function}"
    scores, outcomes = _grade(namespace, grade_id=None if _callers(function) else cell)
    assert scores[cell] == 0.0
    for outcome in _failures(outcomes, cell):
        assert f"{function}() is not defined in your notebook" in outcome.message, outcome.message
    callers = _callers(function)
    for other, score in scores.items():
        if other in callers:
            assert score < 1.0 and all("not defined" in o.message for o in _failures(outcomes, other))
        elif other != cell:
            assert score == 1.0, f"deleting {function} should not cost points on {other}"


# --------------------------------------------------------------------------- regrading

def test_regrade_gives_identical_outcomes():
    # A mutant that passes some checks and fails property tests in five cells, each
    # failure shrunk by Hypothesis: the second run must match outcome for outcome.
    mutant = next(m for m in catalogue.MUTANTS if m.name == "output_size_ceil")
    _, first = _grade(_mutant_namespace(mutant), mutant.name)
    _, again = _grade(_mutant_namespace(mutant))
    assert any(o.passed for o in first) and sum(not o.passed for o in first) >= 5
    strip = [(o.grade_id, o.name, o.weight, o.passed, o.message) for o in first]
    assert strip == [(o.grade_id, o.name, o.weight, o.passed, o.message) for o in again]
