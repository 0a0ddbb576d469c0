"""hdb-regression's own proofs, beyond what tests/checks/test_assignments.py proves for
every assignment: the hints a wrong helper gives in prepare_features' cell, the mistakes
the hints recompute, each shown to differ from the right answer where it is used, and
the notebook's example data against reference/hdb.py.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import assignments, build
from autograder.bridge import LocalStudent
from autograder.checks.runner import checks_module, run_checks
from autograder.mutants import load_catalogue
from reference import hdb

HDB = assignments.load(Path(__file__).resolve().parents[2], "hdb-regression")
checks = checks_module(HDB)
catalogue = load_catalogue(HDB)


def failures(outcomes, cell: str) -> list:
    return [o for o in outcomes if o.grade_id == cell and not o.passed]


def test_the_notebook_example_data_is_the_reference_data():
    """The example cell is text in notebook.md: its categories must be reference/hdb.py's."""
    cell = next(c for c in build.notebook(HDB).cells if c.get("id") == "examples")
    namespace: dict = {}
    exec("import pandas as pd\n" + cell.source, namespace)
    assert namespace["TOWNS"] == list(hdb.TOWNS)
    assert namespace["FLAT_TYPES"] == list(hdb.FLAT_TYPES)
    assert namespace["FLAT_MODELS"] == list(hdb.FLAT_MODELS)
    rows = namespace["HDB_SAMPLE"][list(hdb.COLUMNS)].values.tolist()
    assert rows == [list(row) for row in hdb.COURSE_ROWS]


@pytest.mark.parametrize("mutant", ["storey_low_end", "lease_in_years", "one_hot_order_of_appearance"])
def test_prepare_features_names_the_wrong_helper_it_uses(mutant):
    wrong = next(m for m in catalogue.mutants if m.name == mutant)
    namespace = HDB.solution_namespace()
    namespace.update(wrong.replaces)
    outcomes = failures(run_checks(HDB, LocalStudent(namespace), grade_id="test_features"),
                        "test_features")
    assert outcomes
    for outcome in outcomes:
        assert f"prepare_features uses your {wrong.first}()" in outcome.message, outcome.message


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
    # the course example (with a constant column of zeros), a one-column matrix on which the
    # per-row mistake without keepdims broadcasts instead of raising, and a constant column
    # that is not zero (divided by its max)
    cases = [(np.array([[44.0, 11.0, 736.0, 0.0], [67.0, 2.0, 727.0, 0.0]]),
              np.array([[50.0, 5.0, 730.0, 1.0], [90.0, 20.0, 1000.0, 0.0]])),
             (np.array([[1.0], [3.0]]), np.array([[2.0]])),
             (np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([[2.0, 7.0]]))]  # a constant column, not 0
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
    df["floor_area_sqm"][0] += 0.5  # the stand-in's areas are whole; the data's need not be
    right = hdb.design_matrix(df)
    for description, mistake in checks._feature_mistakes(df, hdb.CATEGORIES):
        assert not checks.same_result_allowing_nan(mistake(), right), description
