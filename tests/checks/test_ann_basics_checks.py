"""ann-basics' own proofs, beyond what tests/checks/test_assignments.py proves for every
assignment: a grouped cell (the activations) when one of its functions is deleted, a
caller's hint naming the student's wrong helper, and the mistaken backpropagation the
gradient-step hints recompute.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from autograder import assignments
from autograder.bridge import LocalStudent
from autograder.checks.runner import checks_module, run_checks, score_groups
from autograder.mutants import load_catalogue
from reference import mlp

ANN = assignments.load(Path(__file__).resolve().parents[2], "ann-basics")
checks = checks_module(ANN)
catalogue = load_catalogue(ANN)


def failures(outcomes, cell: str) -> list:
    return [o for o in outcomes if o.grade_id == cell and not o.passed]


def test_deleted_grouped_function_costs_its_checks_and_its_callers_only():
    namespace = ANN.solution_namespace()
    del namespace["sigmoid"]
    outcomes = run_checks(ANN, LocalStudent(namespace))
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
    wrong = next(m for m in catalogue.mutants if m.name == mutant)
    namespace = ANN.solution_namespace()
    namespace.update(wrong.replaces)
    outcomes = failures(run_checks(ANN, LocalStudent(namespace), grade_id=f"test_{caller}"),
                        f"test_{caller}")
    assert outcomes
    for outcome in outcomes:
        assert f"{caller} uses your {wrong.first}()" in outcome.message, outcome.message


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



def test_a_hint_is_named_only_when_the_input_tells_the_mistakes_apart():
    import numpy as np

    mae = lambda y, p: float(np.mean(np.abs(np.asarray(y, float) - np.asarray(p, float))))  # noqa: E731
    # one error of 2: the MAE, the RMSE and the error's magnitude are all 2
    with pytest.raises(AssertionError) as one_error:
        checks._check_loss(LocalStudent({"mse": mae}), "mse", [0.0], [2.0])
    assert "Likely mistake" not in str(one_error.value)
    with pytest.raises(AssertionError, match="Likely mistake: this is the MAE"):
        checks._check_loss(LocalStudent({"mse": mae}), "mse", [0.0, 0.0], [1.0, 3.0])
    # accuracy on one example: any wrong answer is 1 - accuracy
    axis0 = lambda t, p: float(np.mean(np.argmax(t, axis=0) == np.argmax(p, axis=0)))  # noqa: E731
    with pytest.raises(AssertionError) as one_row:
        checks._check_accuracy(LocalStudent({"accuracy": axis0}), [[0, 1]], [[0.9, 0.1]])
    assert "error rate" not in str(one_row.value)
