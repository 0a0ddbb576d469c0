"""The hdb-regression hidden checks, proven on the solutions and on known-wrong students.

The tests are those of tests/checks/_harness.py (full marks for the reference and the
notebook's solution, every mutant of mutants_hdb_regression.py caught with a message
naming its mistake, deleted functions, identical regrades), run for hdb-regression;
below, the hints a wrong helper gives in prepare_features' cell, and the mistakes
the hints recompute, each shown to differ from the right answer where it is used.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from _harness import AssignmentChecks, failures, load
from autograder.bridge import LocalStudent
from autograder.checks.runner import run_checks
from reference import hdb
from reference.assignments import solution_namespace

with warnings.catch_warnings():  # its dlgrade mark is registered only in the grader's own pytest run
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    from autograder.checks import hdb_regression as checks

catalogue = load("mutants_hdb_regression", Path(__file__).resolve().parent / "mutants_hdb_regression.py")


class TestHdbRegressionChecks(AssignmentChecks):
    assignment = "hdb-regression"
    points = {"test_remaining_lease": 2, "test_storey": 1, "test_one_hot": 2, "test_scale": 2,
              "test_features": 3}
    catalogue = catalogue
    deleted = ("parse_remaining_lease", "one_hot", "scale")  # two used by prepare_features / a leaf
    # the categories sorted: right on the sorted town and flat-type lists, wrong on the flat models
    regrade = ("one_hot_sorted_categories", 3)
    model_cells = ("test_model", "test_mae", "test_training_time")  # test_checks_models.py
    model_functions = ("build_model",)
    kernel_only_cells = ("training_data", "train")


def test_every_function_belongs_to_a_cell():
    assert set(catalogue.CELL_OF) == set(catalogue.CALLS)
    assert set(catalogue.CELL_OF.values()) == set(catalogue.ALL_CELLS)


@pytest.mark.parametrize("mutant", ["storey_low_end", "lease_in_years", "one_hot_order_of_appearance"])
def test_prepare_features_names_the_wrong_helper_it_uses(mutant):
    wrong = next(m for m in catalogue.MUTANTS if m.name == mutant)
    namespace = solution_namespace("hdb-regression")
    namespace[wrong.replaces] = wrong.impl
    outcomes = failures(run_checks("hdb-regression", LocalStudent(namespace), grade_id="test_features"),
                        "test_features")
    assert outcomes
    for outcome in outcomes:
        assert f"prepare_features uses your {wrong.replaces}()" in outcome.message, outcome.message


# Each hint's mistake must change the answer on an input the checks use, or it could never be named.

def test_lease_mistakes_differ_from_the_answer():
    named, differ = set(), set()
    for text in ("61 years 04 months", "72 years 01 month", "9 months"):
        for description, mistake in checks._lease_mistakes(text):
            named.add(description)
            if mistake() != hdb.remaining_lease_months(text):
                differ.add(description)
    assert named == differ


def test_storey_mistakes_differ_from_the_answer():
    for description, mistake in checks._storey_mistakes("10 TO 12"):
        assert mistake() != hdb.storey_midpoint("10 TO 12"), description


def test_one_hot_mistakes_differ_on_the_probe():
    right = hdb.one_hot(checks.PROBE_VALUES, checks.PROBE_CATEGORIES)
    for description, mistake in checks._one_hot_mistakes(checks.PROBE_VALUES, checks.PROBE_CATEGORIES):
        assert not checks.same_result_allowing_nan(mistake(), right), description


def test_scale_mistakes_differ_from_the_answer():
    # the course example (with a constant column), and a one-column matrix on which the
    # per-row mistake without keepdims broadcasts instead of raising
    cases = [(np.array([[44.0, 11.0, 736.0, 0.0], [67.0, 2.0, 727.0, 0.0]]),
              np.array([[50.0, 5.0, 730.0, 1.0], [90.0, 20.0, 1000.0, 0.0]])),
             (np.array([[1.0], [3.0]]), np.array([[2.0]]))]
    named, differ = set(), set()
    with np.errstate(all="ignore"):
        for x_train, x_test in cases:
            right = hdb.scale_train_test(x_train, x_test)
            for description, mistake in checks._scale_mistakes(x_train, x_test):
                named.add(description)
                try:
                    wrong = mistake()
                except ValueError:  # does not apply to this input (diagnose skips it too)
                    continue
                if not checks._same_pair(wrong, right):
                    differ.add(description)
    assert named == differ


def test_feature_mistakes_differ_on_generated_sales():
    df = checks._columns(hdb.generate(6, seed=3))
    right = hdb.design_matrix(df)
    for description, mistake in checks._feature_mistakes(df, hdb.CATEGORIES):
        assert not checks.same_result_allowing_nan(mistake(), right), description
