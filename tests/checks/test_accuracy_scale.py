"""The documented accuracy scale and the trusted accuracy measurement."""
import os

import numpy as np
import pytest

from autograder.checks.accuracy import (STEPS, ErrorThreshold, Threshold, assert_step,
                                        classification_accuracy)

SCALE = Threshold(floor=0.80, target=0.96)


@pytest.mark.parametrize("accuracy, credit", [
    (0.5, 0.0), (0.80, 0.0), (0.839, 0.0), (0.84, 0.25), (0.88, 0.5), (0.919, 0.5),
    (0.92, 0.75), (0.96, 1.0), (0.999, 1.0), (float("nan"), 0.0),
])
def test_credit_is_linear_in_steps(accuracy, credit):
    assert SCALE.credit(accuracy) == credit
    passed = sum(SCALE.step_reached(accuracy, step) for step in range(1, STEPS + 1))
    assert passed / STEPS == credit


@pytest.mark.parametrize("floor, target", [(0.9, 0.8), (0.5, 0.5), (-0.1, 0.5), (0.5, 1.2)])
def test_bad_thresholds_are_refused(floor, target):
    with pytest.raises(ValueError, match="floor < target"):
        Threshold(floor, target)


def test_a_step_says_where_the_model_is():
    with pytest.raises(AssertionError, match=r"accuracy 0.8500 on the grader's held-out data is "
                                             r"below 0.8800 \(step 2 of 4: no credit at 0.8000"):
        assert_step(0.85, SCALE, 2)
    assert_step(0.85, SCALE, 1)


ERRORS = ErrorThreshold(floor=60.0, target=20.0)  # an MAE in thousands of dollars


@pytest.mark.parametrize("mae, credit", [
    (100.0, 0.0), (60.0, 0.0), (50.1, 0.0), (50.0, 0.25), (35.0, 0.5), (30.0, 0.75), (20.0, 1.0),
    (3.0, 1.0), (float("nan"), 0.0), (float("inf"), 0.0),
])
def test_an_error_scale_gives_credit_as_the_error_falls(mae, credit):
    assert ERRORS.credit(mae) == credit


@pytest.mark.parametrize("floor, target", [(20.0, 60.0), (5.0, 5.0), (10.0, -1.0), (float("inf"), 5.0)])
def test_bad_error_thresholds_are_refused(floor, target):
    with pytest.raises(ValueError, match="target < floor"):
        ErrorThreshold(floor, target)


def test_an_error_step_says_where_the_model_is():
    with pytest.raises(AssertionError, match=r"MAE 41.30 on the grader's held-out data is above "
                                             r"40.00 \(step 2 of 4: no credit at 60.00 or above, "
                                             r"full credit at 20.00\)"):
        assert_step(41.3, ERRORS, 2, "MAE", number=".2f")
    assert_step(41.3, ERRORS, 1, "MAE")


class _Fixed:
    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=float)

    def predict(self, x, batch_size=None, verbose=0):
        return self.scores[: len(x)]


def test_accuracy_from_scores_labels_and_one_hot():
    scores = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]
    x = np.zeros((4, 3))
    assert classification_accuracy(_Fixed(scores), x, np.array([0, 1, 1, 1])) == 0.75
    assert classification_accuracy(_Fixed(scores), x, np.eye(2)[[0, 1, 0, 1]]) == 1.0
    assert classification_accuracy(_Fixed([[0.7], [0.2], [0.9]]), x[:3], np.array([1, 0, 0])) == 2 / 3
    with pytest.raises(AssertionError, match="one row of scores per input"):
        classification_accuracy(_Fixed([1.0, 2.0]), x[:2], np.array([0, 1]))


@pytest.mark.slow
def test_a_trained_model_is_measured_on_grader_data():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    keras = pytest.importorskip("keras")
    from reference.data import digits_stand_in

    (xt, yt), (xs, ys) = digits_stand_in()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    untrained = classification_accuracy(model, xs, ys)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(xt, yt, epochs=10, verbose=0)
    trained = classification_accuracy(model, xs, ys)
    assert untrained < 0.3 < 0.9 < trained
    assert SCALE.credit(untrained) == 0.0


def test_one_unit_is_a_sigmoid_or_a_logit_and_rows_may_be_logits():
    x, y = np.zeros((4, 3)), np.array([1, 0, 1, 0])
    probabilities = _Fixed([[0.9], [0.2], [0.6], [0.4]])
    assert classification_accuracy(probabilities, x, y) == 1.0           # p > 0.5
    assert classification_accuracy(_Fixed([[1.0], [0.0], [1.0], [1.0]]), x, y) == 0.75  # saturated
    logits = _Fixed([[2.5], [-1.0], [0.3], [-0.2]])
    assert classification_accuracy(logits, x, y) == 1.0                  # outside [0, 1]: logits
    assert classification_accuracy(_Fixed([[0.3], [-0.1], [0.2], [0.4]]), x, y,
                                   from_logits=True) == 0.75             # > 0
    assert classification_accuracy(_Fixed([[0.3], [0.1], [0.7], [0.4]]), x, y,
                                   from_logits=False) == 0.75            # > 0.5
    rows = _Fixed([[-3.0, 2.0], [1.5, -0.5], [0.0, 4.0], [7.0, 2.0]])   # logits: argmax
    assert classification_accuracy(rows, x, y) == 1.0


def test_a_one_unit_model_is_read_from_its_output_layer():
    keras = pytest.importorskip("keras")
    x, y = np.array([[0.2], [0.4], [-0.3], [-1.0]]), np.array([1, 1, 0, 0])

    def model(activation):
        m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation=activation)])
        m.set_weights([np.array([[1.0]]), np.array([0.0])])  # the output is x (through sigmoid)
        return m

    assert classification_accuracy(model(None), x, y) == 1.0        # a logit: x > 0
    assert classification_accuracy(model("sigmoid"), x, y) == 1.0  # sigmoid(x) > 0.5
    with_layer = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1),
                                   keras.layers.Activation("sigmoid")])
    with_layer.set_weights([np.array([[1.0]]), np.array([0.0])])
    assert classification_accuracy(with_layer, x, y) == 1.0


# --------------------------------------------------------------------------- chance, from the data

def test_chance_is_derived_from_the_output_or_the_labels():
    from autograder.checks.trained_models import chance_level

    labels = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1])
    assert chance_level(labels, 10) == 0.1
    assert chance_level(labels) == 0.1                       # 10 classes in the labels
    assert chance_level(np.eye(4)[[0, 1, 2, 3, 3]]) == 0.25  # one-hot rows
    binary = np.array([1, 0, 0, 0])
    assert chance_level(binary, 1) == 0.75                   # one sigmoid unit: the majority
    assert chance_level(binary) == 0.75 == chance_level(binary, 2)


@pytest.mark.parametrize("accuracy, units, labels, message", [
    (0.056, 10, np.arange(10), r"its accuracy 0.0560 is below chance \(10%\)"),
    (0.15, 10, np.arange(10), r"its accuracy 0.1500 is barely above chance \(10%\)"),
    (0.5, 1, np.array([0, 1, 1, 1]), r"its accuracy 0.5000 is below chance \(75%\)"),
    (0.8, 1, np.array([0, 1, 1, 1]), r"its accuracy 0.8000 is barely above chance \(75%\)"),
])
def test_an_untrained_model_is_told_where_it_is(monkeypatch, accuracy, units, labels, message):
    from autograder.checks import trained_models

    monkeypatch.setattr(trained_models, "held_out", lambda name, encode=None: (None, labels, "", False))
    student = type("Student", (), {})()
    student._dlgrade_memo = {"accuracy:data": (True, accuracy)}
    with pytest.raises(AssertionError, match="`model` looks untrained: " + message):
        trained_models.assert_trained(student, "data", units)
    student._dlgrade_memo = {"accuracy:data": (True, 0.9 if units == 1 else 0.5)}
    trained_models.assert_trained(student, "data", units)


def test_what_the_checks_measured_is_read_back_from_their_memo():
    from autograder.checks.trained_models import measured, memo

    class Student:
        pass

    student = Student()
    memo(student, "accuracy:mnist", lambda: np.float32(0.5))
    memo(student, "errors", lambda: (17.9, 23.4))
    memo(student, "trained", lambda: object())  # a model: no figure

    def fails():
        raise AssertionError("could not run")

    with pytest.raises(AssertionError):
        memo(student, "accuracy:cifar10", fails)
    assert measured(student) == {"accuracy:mnist": 0.5, "errors[0]": 17.9, "errors[1]": 23.4}
