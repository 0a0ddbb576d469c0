"""The ann-basics hidden checks, proven on the solutions and on known-wrong students.

The tests are those of tests/checks/_harness.py (full marks for the reference and the
notebook's solution, every mutant of mutants_ann_basics.py caught with a message
naming its mistake, deleted functions, identical regrades), run for ann-basics.
Three cells hold several functions each (see mutants_ann_basics.CELL_OF), so the
deletions the harness tries are of functions with a cell of their own; deleting a
grouped function is tested below, as is the mistaken backpropagation the hints use.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings

from _harness import AssignmentChecks, failures, load
from autograder.bridge import LocalStudent
from autograder.checks.runner import run_checks, score_groups
from reference import mlp
from reference.assignments import solution_namespace

with warnings.catch_warnings():  # its dlgrade mark is registered only in the grader's own pytest run
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    from autograder.checks import ann_basics as checks

catalogue = load("mutants_ann_basics", Path(__file__).resolve().parent / "mutants_ann_basics.py")


class TestAnnBasicsChecks(AssignmentChecks):
    assignment = "ann-basics"
    points = {"test_activations": 4, "test_neuron": 2, "test_softmax": 2, "test_losses": 4,
              "test_metrics": 2, "test_gradient_step": 6}
    catalogue = catalogue
    deleted = ("neuron", "softmax", "gradient_step")  # a caller of the activations / two leaves
    # the default alpha 0.1: fails fixed and property checks in three cells, passes the rest
    regrade = ("leaky_relu_alpha_0_1", 6)


def test_deleted_grouped_function_costs_its_checks_and_its_callers_only():
    namespace = solution_namespace("ann-basics")
    del namespace["sigmoid"]
    outcomes = run_checks("ann-basics", LocalStudent(namespace))
    scores = score_groups(outcomes)
    assert {cell for cell, score in scores.items() if score < 1.0} == {
        "test_activations", "test_neuron", "test_gradient_step"}
    assert 0.0 < scores["test_activations"] < 1.0, "tanh, relu and the others still score"
    for cell in ("test_activations", "test_neuron", "test_gradient_step"):
        for outcome in failures(outcomes, cell):
            assert "sigmoid" in outcome.message and "not defined" in outcome.message, outcome.message


@pytest.mark.parametrize("mutant, caller", [("sigmoid_derivative_is_g", "gradient_step"),
                                            ("relu_np_max", "gradient_step"), ("relu_np_max", "neuron"),
                                            ("mse_sum", "gradient_step")])
def test_a_caller_names_the_wrong_function_it_uses(mutant, caller):
    wrong = next(m for m in catalogue.MUTANTS if m.name == mutant)
    namespace = solution_namespace("ann-basics")
    namespace[wrong.replaces] = wrong.impl
    outcomes = failures(run_checks("ann-basics", LocalStudent(namespace), grade_id=f"test_{caller}"),
                        f"test_{caller}")
    assert outcomes
    for outcome in outcomes:
        assert f"{caller} uses your {wrong.replaces}()" in outcome.message, outcome.message


def test_every_mutant_function_belongs_to_a_cell():
    assert set(catalogue.CELL_OF) == set(catalogue.CALLS)
    assert set(catalogue.CELL_OF.values()) == set(catalogue.ALL_CELLS)
    grouped = {f for f, cell in catalogue.CELL_OF.items() if cell != f"test_{f}"}
    callers = {f for f, calls in catalogue.CALLS.items() if calls}
    # the harness names a caller's cell "test_" + caller: a grouped function may only be
    # called from inside its own group or by a function with a cell of its own
    for caller in callers & grouped:
        assert all(catalogue.CELL_OF[c] == catalogue.CELL_OF[caller] for c in catalogue.CALLS[caller])


@settings(max_examples=30, derandomize=True, database=None, deadline=None)
@given(case=checks.network_cases(layers=(1, 2, 3)))
def test_mistaken_step_without_mistakes_is_the_trusted_step(case):
    x, y, weights, biases, rate, activation = case
    mine = checks._variant_step(x, y, weights, biases, rate, activation)
    trusted = mlp.mse_gradient_step(x, y, weights, biases, rate, activation)
    checks._compare_step(mine, trusted, "the hints' backpropagation")


@pytest.mark.parametrize("description, switches", checks.STEP_MISTAKES,
                         ids=[",".join(f"{k}={v}" for k, v in kw.items()) for _, kw in checks.STEP_MISTAKES])
def test_each_step_mistake_changes_the_notebook_example(description, switches):
    xor = (checks.XOR_X, checks.XOR_Y, checks.XOR_WEIGHTS, checks.XOR_BIASES, 0.5, "sigmoid")
    if switches.get("scale") == "per_example":  # the XOR net has one output: N * n_out == N
        xor = (checks.KINK_X, checks.KINK_Y, checks.KINK_WEIGHTS, checks.KINK_BIASES, 0.1, "sigmoid")
    assert not checks._same_step(checks._variant_step(*xor, **switches), mlp.mse_gradient_step(*xor))

