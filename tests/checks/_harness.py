"""The proof every assignment's hidden checks must pass, shared by tests/checks/test_checks_*.py.

A test module subclasses `AssignmentChecks` with the assignment's name, its cells'
points and its mutant catalogue (tests/checks/mutants_<assignment>.py); the tests
below then run for that assignment. Every check run goes through `run_checks`, as
grading does: the reference solution and the notebook's own solution cells get full
marks, each mutant of the catalogue loses points exactly where it should with a
message naming its mistake, a deleted function (or value) scores 0 on its cell, and
a regrade gives identical outcomes.

A mutant runs the cells that can reach what it replaces: its own and those of the
functions calling it (the call graph is read from the solution's code and must match
the catalogue). When nothing else calls it, the run is limited to its own cell: every
other cell would execute exactly the reference's code on the same derandomized
inputs, which test_reference_solution_gets_full_marks already scores.

A catalogue module defines ALL_CELLS (the grade_ids in notebook order), CALLS
(student function -> the student functions it calls) and MUTANTS (`Mutant`s below).
A function is graded in the cell "test_" + its name, unless the catalogue's
optional CELL_OF (function -> grade_id) groups it with others in one cell.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from autograder.bridge import LocalStudent
from autograder.checks.runner import run_checks, score_groups
from reference.assignments import solution_namespace

ROOT = Path(__file__).resolve().parents[2]

_RUNS: dict[tuple[str, str], list] = {}


@dataclass(frozen=True)
class Mutant:
    """A known-wrong student: `impl` replaces the function (or value) `replaces`.

    symptoms: words the failure messages of its own cell must contain;
    also_loses: the other cells that must lose points because they call it.
    """

    name: str
    replaces: str
    impl: Any
    symptoms: tuple[str, ...]
    also_loses: tuple[str, ...] = ()


def load(name: str, path: Path) -> ModuleType:
    """Import a plain module by path (a catalogue, the notebook builder)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def failures(outcomes, cell: str) -> list:
    return [o for o in outcomes if o.grade_id == cell and not o.passed]


def is_test_cell(cell: dict) -> bool:
    return cell["metadata"].get("nbgrader", {}).get("grade", False)


class AssignmentChecks:
    """The tests, for the assignment a subclass names (collected as `class TestXxx(AssignmentChecks)`)."""

    assignment: str
    points: dict[str, int]  # grade_id -> points, in notebook order
    catalogue: ModuleType
    deleted: tuple[str, ...]  # the functions (or values) whose deletion is tried
    regrade: tuple[str, int]  # a mutant, and how many of its checks at least must fail
    # An assignment that also trains a model: the model's cells and functions, and the cells
    # that load its data and train it, are proven by test_checks_models.py instead.
    model_cells: tuple[str, ...] = ()
    model_functions: tuple[str, ...] = ()
    kernel_only_cells: tuple[str, ...] = ()

    def pytest_generate_tests(self, metafunc):
        if "mutant" in metafunc.fixturenames:
            metafunc.parametrize("mutant", self.catalogue.MUTANTS, ids=lambda m: m.name)
        if "deleted" in metafunc.fixturenames:
            metafunc.parametrize("deleted", self.deleted)

    # ----------------------------------------------------------------------- helpers

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(self.points)

    def _grade(self, namespace: dict, key: str | None = None, grade_id: str | None = None):
        """(scores, outcomes) of the checks (all, or one cell's) on the namespace (cached under `key`)."""
        cache = (self.assignment, key)
        if key is None or cache not in _RUNS:
            outcomes = [o for o in run_checks(self.assignment, LocalStudent(namespace), grade_id=grade_id)
                        if o.grade_id not in self.model_cells]
            if key is None:
                return score_groups(outcomes), outcomes
            _RUNS[cache] = outcomes
        return score_groups(_RUNS[cache]), _RUNS[cache]

    def _cell(self, function: str) -> str:
        """The grade_id of the cell that grades `function`."""
        return getattr(self.catalogue, "CELL_OF", {}).get(function, f"test_{function}")

    def _callers(self, function: str) -> set[str]:
        """The cells whose function calls `function`, directly or through another one."""
        found, frontier = set(), {function}
        while frontier:
            frontier = {f for f, calls in self.catalogue.CALLS.items() if set(calls) & frontier} - found
            found |= frontier
        return {self._cell(f) for f in found}

    def _run_mutant(self, mutant, key: str | None = None):
        """(cells it reaches, the one cell run or None for all, scores, outcomes)."""
        cell = self._cell(mutant.replaces)
        reached = {cell} | self._callers(mutant.replaces)
        only = cell if reached == {cell} else None
        namespace = solution_namespace(self.assignment)
        namespace[mutant.replaces] = mutant.impl
        return (reached, only, *self._grade(namespace, key, grade_id=only))

    def _notebook(self) -> dict:
        """The notebook as plain JSON (nbformat costs seconds to import; the builder test uses it)."""
        path = ROOT / "source" / self.assignment / f"{self.assignment}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            cell["source"] = "".join(cell["source"])
        return nb

    # ----------------------------------------------------------------------- full marks

    def test_reference_solution_gets_full_marks(self):
        scores, outcomes = self._grade(solution_namespace(self.assignment), "reference")
        failed = [(o.name, o.message) for o in outcomes if not o.passed]
        assert not failed, f"the reference solution fails checks: {failed}"
        assert scores == {cell: 1.0 for cell in self.cells}, scores
        assert tuple(dict.fromkeys(o.grade_id for o in outcomes)) == self.cells, "checks in notebook order"
        assert len(outcomes) >= 2 * len(self.cells), "every cell has several checks"

    def test_notebook_is_built_from_the_reference_solution(self):
        builder = load("build_notebooks", ROOT / "source" / "build_notebooks.py")
        path = ROOT / "source" / self.assignment / f"{self.assignment}.ipynb"
        assert builder.render(self.assignment) == path.read_text(encoding="utf-8"), (
            "the committed notebook is stale: run python source/build_notebooks.py")

    def test_notebook_cells_match_the_checks(self):
        nb = self._notebook()
        assert (nb["nbformat"], nb["metadata"]["kernelspec"]["name"]) == (4, "python3")
        graded = [c["metadata"]["nbgrader"] for c in nb["cells"] if is_test_cell(c)]
        points = [(meta["grade_id"], meta["points"]) for meta in graded
                  if meta["grade_id"] not in self.model_cells]
        assert points == list(self.points.items()), "one autograded test cell per check group, in order"
        assert self.catalogue.ALL_CELLS == self.cells
        for cell in nb["cells"]:
            meta, source = cell["metadata"].get("nbgrader", {}), cell["source"]
            if is_test_cell(cell):
                assert cell["cell_type"] == "code" and meta["schema_version"] == 3
                assert meta["locked"] and not meta["solution"]
                lines = source.splitlines()
                assert lines[-1] == f"# Hidden checks: {meta['grade_id']} (run by the grader, not in your kernel)"
                assert "HIDDEN TESTS" not in source and "autograder" not in source and "reference" not in source
                assert any(line.startswith("assert ") for line in lines), "public asserts come first"
            elif meta.get("solution"):
                assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source

    def test_notebook_solution_gets_full_marks_and_passes_its_public_asserts(self):
        nb = self._notebook()
        namespace: dict = {"__name__": "notebook"}
        code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        code_cells = [c for c in code_cells if c["id"] not in self.kernel_only_cells + self.model_cells]
        for cell in code_cells:  # the cells that run in the student's kernel
            if not is_test_cell(cell):
                exec(compile(cell["source"], f"<cell {cell['id']}>", "exec"), namespace)
        scores, outcomes = self._grade(namespace)
        assert scores == {cell: 1.0 for cell in self.cells}, [o.message for o in outcomes if not o.passed]
        for cell in code_cells:  # what a student runs to self-check
            if is_test_cell(cell):
                exec(compile(cell["source"], f"<cell {cell['id']}>", "exec"), namespace)

    # ----------------------------------------------------------------------- known mistakes

    def test_call_graph_matches_the_solution(self):
        namespace = solution_namespace(self.assignment)
        calls = self.catalogue.CALLS
        functions = {name for name, value in namespace.items()
                     if inspect.isfunction(value) and name not in self.model_functions}
        assert functions == set(calls), "CALLS lists every function of the solution"
        read = {name: tuple(sorted(set(namespace[name].__code__.co_names) & set(calls))) for name in calls}
        assert read == {name: tuple(sorted(called)) for name, called in calls.items()}

    def test_catalogue_covers_every_cell(self):
        mutants = self.catalogue.MUTANTS
        assert len(mutants) >= 8
        assert len({m.name for m in mutants}) == len(mutants)
        assert {self._cell(m.replaces) for m in mutants} == set(self.cells)
        assert all(set(m.also_loses) <= self._callers(m.replaces) for m in mutants), (
            "a mutant can only cost points where its function is called")

    def test_mutant_loses_points_where_it_should(self, mutant):
        reached, only, scores, outcomes = self._run_mutant(mutant, mutant.name)
        assert set(scores) == (reached if only else set(self.cells))
        cell = self._cell(mutant.replaces)
        losing = {cell, *mutant.also_loses}
        wrong = {cell: score for cell, score in scores.items() if (score < 1.0) != (cell in losing)}
        assert not wrong, f"{mutant.name} should lose points on exactly {sorted(losing)}, got {scores}"
        messages = "\n".join(o.message for o in failures(outcomes, cell))
        missing = [word for word in mutant.symptoms if word not in messages]
        assert not missing, f"{mutant.name}: the feedback does not say {missing}:\n{messages}"

    def test_deleted_function_scores_zero_on_its_cell(self, deleted):
        namespace = solution_namespace(self.assignment)
        said = f"{deleted}() is not defined" if callable(namespace.pop(deleted)) else f"{deleted} is not defined"
        cell, callers = self._cell(deleted), self._callers(deleted)
        scores, outcomes = self._grade(namespace, grade_id=None if callers else cell)
        assert scores[cell] == 0.0
        for outcome in failures(outcomes, cell):
            assert f"{said} in your notebook" in outcome.message, outcome.message
        for other, score in scores.items():
            if other in callers:
                assert score < 1.0 and all("not defined" in o.message for o in failures(outcomes, other))
            elif other != cell:
                assert score == 1.0, f"deleting {deleted} should not cost points on {other}"

    # ----------------------------------------------------------------------- regrading

    def test_regrade_gives_identical_outcomes(self):
        # A mutant that passes some checks and fails others, property tests among them,
        # each failure shrunk by Hypothesis: the second run must match outcome for outcome.
        name, least = self.regrade
        mutant = next(m for m in self.catalogue.MUTANTS if m.name == name)
        *_, first = self._run_mutant(mutant, mutant.name)
        *_, again = self._run_mutant(mutant)
        assert any(o.passed for o in first) and sum(not o.passed for o in first) >= least
        strip = [(o.grade_id, o.name, o.weight, o.passed, o.message) for o in first]
        assert strip == [(o.grade_id, o.name, o.weight, o.passed, o.message) for o in again]
