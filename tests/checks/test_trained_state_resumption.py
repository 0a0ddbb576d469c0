"""The in-process grader resumes a mutant that trains exactly what the reference trained from
the reference's state after its training cell: the same grade as a full run, in a fraction of
the time; the catalogues' mutants it applies to; a kept state changed below the training cell
sends the mutant back to a full run. (timeseries-mlp's grader: its work unit, tests/conftest.py)"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import assignments
from autograder.commands import validate as validate_command
from autograder.validate import InProcessGrader, Report, mutated_notebook

ROOT = Path(__file__).resolve().parents[2]
# the mutants whose mistakes lie only in functions no cell up to the training calls
TRAIN_AS_THE_REFERENCE = {
    "binary-cnn": {"argmax_of_one_column", "classes_swapped", "error_is_the_accuracy", "labels_not_flattened"},
    "cifar-cnn": {"confusion_matrix_transposed", "matrix_on_the_training_images", "matrix_with_the_labels_second"},
    "timeseries-mlp": {"rmse_broadcast"},
}


def named(g: InProcessGrader, name: str):
    return next(m for m in g.catalogue.mutants if m.name == name)


def details(graded):
    budgets = [{k: v for k, v in b.items() if "seconds" not in k} for b in graded.budgets]
    return (graded.scores, [(o.grade_id, o.name, o.weight, o.passed, o.message) for o in graded.outcomes],
            graded.flags, budgets)


def test_a_resumed_mutant_gets_the_grade_of_a_full_run(grader):
    g = grader("timeseries-mlp")
    reference = g.reference()
    mutant = named(g, "rmse_broadcast")
    resumed = g.grade(mutant)
    assert resumed.resumed
    kept, g._kept = g._kept, None  # the whole notebook again, training included
    try:
        full = g.grade(mutant)
    finally:
        g._kept = kept
    assert not full.resumed
    assert details(resumed) == details(full)
    assert resumed.scores != reference.scores


def test_validate_says_which_mutants_were_resumed(grader, capsys):
    g = grader("timeseries-mlp")
    report = Report(g.assignment, g.reference(), [g.verdict(named(g, "rmse_broadcast"))])
    validate_command._print(report)
    out = capsys.readouterr().out
    assert "rmse_broadcast *" in out
    assert "* 1 mutant(s) resumed after the reference's training" in out
    assert validate_command._as_json(report)["mutants"][0]["resumed"] is True


def test_a_kept_state_changed_below_the_training_cell_is_not_resumed_from(grader):
    g = grader("timeseries-mlp")
    g.reference()
    nb = mutated_notebook(g.assignment, named(g, "rmse_broadcast"), g.reference_seconds)
    assert g._resumption(nb) is not None
    name = next(n for n, v in g._kept.namespace.items() if isinstance(v, np.ndarray) and v.size)
    array = g._kept.namespace[name]
    array.flat[0] += 1  # as a cell that scales the data in place would
    try:
        assert g._resumption(nb) is None
    finally:
        array.flat[0] -= 1
    assert g._resumption(nb) is not None
    # the training cell itself changed: never resumed
    assert g._resumption(mutated_notebook(g.assignment, named(g, "trained_on_10_windows"),
                                          g.reference_seconds)) is None


@pytest.mark.parametrize("name", assignments.names(ROOT))
def test_the_catalogues_mutants_that_train_as_the_reference(name, tmp_path):
    g = InProcessGrader(assignments.load(ROOT, name), tmp_path)
    found = {m.name for m in g.catalogue.mutants if not g.fast(m) and
             g.trains_as_the_reference(mutated_notebook(g.assignment, m, 1.0, g._notebook))}
    assert found == TRAIN_AS_THE_REFERENCE.get(name, set())
