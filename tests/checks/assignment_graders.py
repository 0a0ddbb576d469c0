"""What the assignment tests share: one in-process grader per assignment and test process
(the `grader` fixture, which conftest.py exposes), the split of the mutants between two files."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder import assignments
from autograder.mutants import load_catalogue
from autograder.validate import InProcessGrader, on_the_solution_alone

ROOT = Path(__file__).resolve().parents[2]
# The assignments whose mutants test_assignments_heavy.py proves: the heaviest to train, in a
# file of their own (`make test`'s work units, tests/conftest.py, keep each assignment's
# proofs of both files in one process, where its reference is trained once).
HEAVY = ("binary-cnn", "cifar-cnn", "timeseries-lstm", "timeseries-mlp")
_GRADERS: dict[str, InProcessGrader] = {}
# (assignment, mutant): the outcomes its mutant test graded, for the regrade test to compare a
# second grading with (both files' tests of an assignment run in one process, mutants first)
_OUTCOMES: dict[tuple[str, str], list] = {}


@pytest.fixture(scope="session")
def grader(tmp_path_factory):
    def get(name: str) -> InProcessGrader:
        if name not in _GRADERS:
            _GRADERS[name] = InProcessGrader(assignments.load(ROOT, name), tmp_path_factory.mktemp(name))
        return _GRADERS[name]
    return get


def mutant_params(names) -> list:
    """(assignment, mutant) parameters of every mutant of `names`' catalogues (slow: those that
    run the notebook)."""
    found = []
    for name in names:
        catalogue = load_catalogue(assignments.load(ROOT, name))
        for mutant in catalogue.mutants:
            fast = on_the_solution_alone(catalogue, mutant)
            found.append(pytest.param(name, mutant.name, id=f"{name}-{mutant.name}",
                                      marks=[] if fast else [pytest.mark.slow]))
    return found


def graded_outcomes(g: InProcessGrader, mutant) -> list:
    """The outcomes of `mutant`, as its mutant test graded them in this process (else graded now)."""
    key = (g.assignment.name, mutant.name)
    if key not in _OUTCOMES:
        _OUTCOMES[key] = g.grade(mutant).outcomes
    return _OUTCOMES[key]


def check_mutant(g: InProcessGrader, mutant: str) -> None:
    verdict = g.verdict(next(m for m in g.catalogue.mutants if m.name == mutant))
    _OUTCOMES[(g.assignment.name, mutant)] = verdict.graded.outcomes
    assert verdict.killed, f"{mutant} keeps full marks"
    assert verdict.proven, f"{mutant}: " + "; ".join(verdict.problems)
    # the instructor's "Flagged for review": training moved out of the timed cell is, a model
    # that simply was not trained is not
    if mutant == "trained_outside_the_timed_cell":
        assert [f["kind"] for f in verdict.graded.flags] == ["not_trained_here"]
    if mutant in ("untrained_model", "training_cell_left_as_the_stub"):
        assert verdict.graded.flags == [], verdict.graded.flags
