"""reference.metrics against hand-computed values, scikit-learn and Keras."""

import math

import keras
import numpy as np
import pytest
import sklearn.metrics
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference import metrics

EXAMPLES = settings(max_examples=40)


@st.composite
def labels_and_scores(draw, max_classes=6):
    """Labels (N,), one-hot (N, C), scores (N, C) and predicted labels (N,)."""
    n, c = draw(st.integers(1, 30)), draw(st.integers(2, max_classes))
    labels = draw(arrays(np.int64, n, elements=st.integers(0, c - 1)))
    scores = draw(arrays(np.float64, (n, c), elements=st.floats(-5, 5, allow_subnormal=False)))
    predicted = draw(arrays(np.int64, n, elements=st.integers(0, c - 1)))
    return labels, np.eye(c)[labels], scores, predicted


def keras_metric(metric, y_true, y_pred):
    metric.update_state(y_true, y_pred)
    return float(metric.result())


# Hand-computed values

def test_accuracy_and_error_of_labels():
    assert metrics.accuracy([0, 1, 2, 1], [0, 2, 2, 1]) == 0.75
    assert metrics.error_rate([0, 1, 2, 1], [0, 2, 2, 1]) == 0.25


def test_accuracy_takes_the_argmax_of_scores_and_one_hot_targets():
    scores = [[0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]
    assert metrics.accuracy([1, 1, 2], scores) == pytest.approx(2 / 3)
    assert metrics.accuracy(np.eye(3)[[1, 1, 2]], scores) == pytest.approx(2 / 3)
    assert metrics.accuracy([[1], [1], [2]], scores) == pytest.approx(2 / 3)


def test_binary_probabilities_use_threshold_half_strictly():
    assert metrics.accuracy([1, 0, 1, 0], [0.7, 0.2, 0.5, 0.5]) == 0.75  # 0.5 is not > 0.5
    assert metrics.accuracy([[1], [0]], [[0.9], [0.6]]) == 0.5
    assert metrics.accuracy([1, 0], [0.4, 0.3], threshold=0.35) == 1.0
    assert metrics.error_rate([1, 0], [0.4, 0.3], threshold=0.35) == 0.0


def test_confusion_matrix_rows_are_true_columns_predicted():
    cm = metrics.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert cm.dtype == np.int64


def test_confusion_matrix_num_classes_pads_missing_classes():
    np.testing.assert_array_equal(metrics.confusion_matrix([1], [1], num_classes=3), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert metrics.confusion_matrix([0, 3], [0, 0]).shape == (4, 4)  # max label + 1
    np.testing.assert_array_equal(metrics.confusion_matrix([0, 1], [0, 2]), [[1, 0, 0], [0, 0, 1], [0, 0, 0]])


def test_steps_per_epoch_rounds_up():
    assert metrics.steps_per_epoch(60000, 128) == 469  # the course's n / batch is 468.75
    assert metrics.steps_per_epoch(100, 10) == 10
    assert metrics.steps_per_epoch(101, 10) == 11
    assert metrics.steps_per_epoch(5, 32) == 1
    assert metrics.steps_per_epoch(np.int64(7), np.int32(2)) == 4


# Against scikit-learn and Keras

@EXAMPLES
@given(labels_and_scores())
def test_accuracy_and_confusion_matrix_match_sklearn(data):
    labels, _, scores, predicted = data
    c = scores.shape[1]
    expected = sklearn.metrics.accuracy_score(labels, predicted)
    assert metrics.accuracy(labels, predicted) == pytest.approx(expected, abs=1e-15)
    assert metrics.error_rate(labels, predicted) == pytest.approx(1 - expected, abs=1e-15)
    np.testing.assert_array_equal(
        metrics.confusion_matrix(labels, predicted, num_classes=c),
        sklearn.metrics.confusion_matrix(labels, predicted, labels=range(c)),
    )
    np.testing.assert_array_equal(
        metrics.confusion_matrix(labels, scores, num_classes=c),
        sklearn.metrics.confusion_matrix(labels, scores.argmax(axis=1), labels=range(c)),
    )


@EXAMPLES
@given(labels_and_scores())
def test_accuracy_matches_keras_categorical_metrics(data):
    labels, one_hot, scores, predicted = data
    assert metrics.accuracy(labels, scores) == pytest.approx(
        keras_metric(keras.metrics.SparseCategoricalAccuracy(), labels, scores), abs=1e-6
    )
    assert metrics.accuracy(one_hot, scores) == pytest.approx(
        keras_metric(keras.metrics.CategoricalAccuracy(), one_hot, scores), abs=1e-6
    )
    assert metrics.accuracy(labels, predicted) == pytest.approx(
        keras_metric(keras.metrics.Accuracy(), labels, predicted), abs=1e-6
    )


@EXAMPLES
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            arrays(np.int64, n, elements=st.integers(0, 1)),
            arrays(np.float64, n, elements=st.sampled_from([0.5, 0.25, 0.75]) | st.floats(0, 1)),
        )
    ),
    st.booleans(),
)
def test_binary_accuracy_matches_keras(data, column):
    labels, probs = data
    if column:  # a Dense(1, sigmoid) output is (N, 1)
        labels, probs = labels[:, None], probs[:, None]
    expected = keras_metric(keras.metrics.BinaryAccuracy(), labels, probs)
    assert metrics.accuracy(labels, probs) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("n, batch", [(10, 4), (12, 4), (3, 8)])
def test_steps_per_epoch_matches_the_batches_keras_fit_runs(n, batch):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    steps = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch_index, logs: steps.append(batch_index))
    model.fit(np.zeros((n, 1)), np.zeros((n, 1)), batch_size=batch, epochs=1, verbose=0, callbacks=[counter])
    assert metrics.steps_per_epoch(n, batch) == len(steps)


@EXAMPLES
@given(st.integers(1, 10**6), st.integers(1, 10**4))
def test_steps_per_epoch_is_the_ceiling(n, batch):
    steps = metrics.steps_per_epoch(n, batch)
    assert steps == math.ceil(n / batch)
    assert (steps - 1) * batch < n <= steps * batch


# Bad input

@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.error_rate, metrics.confusion_matrix])
def test_empty_and_mismatched_inputs(fn):
    with pytest.raises(ValueError, match="y_true is empty"):
        fn([], [])
    with pytest.raises(ValueError, match="different numbers of samples: 3 and 2"):
        fn([0, 1, 1], [0, 1])


@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.confusion_matrix])
def test_labels_must_be_non_negative_integers(fn):
    with pytest.raises(ValueError, match="y_true must hold integer class labels"):
        fn([0.5, 1], [0, 1])
    with pytest.raises(ValueError, match="y_true holds negative class labels"):
        fn([-1, 1], [0, 1])
    with pytest.raises(ValueError, match="y_pred holds negative class labels"):
        fn([0, 1], [-1, 1])
    with pytest.raises(ValueError, match="y_true must be an array of samples"):
        fn(1, 1)
    with pytest.raises(ValueError, match=r"must be \(N,\), \(N, 1\) or \(N, C\)"):
        fn(np.zeros((2, 2, 2)), [0, 1])


def test_probabilities_against_multi_class_labels():
    with pytest.raises(ValueError, match="labels other than 0 and 1"):
        metrics.accuracy([0, 2], [0.3, 0.9])


def test_bad_threshold():
    with pytest.raises(ValueError, match="threshold must be a finite number"):
        metrics.accuracy([0, 1], [0.3, 0.9], threshold=float("nan"))


def test_confusion_matrix_label_beyond_num_classes_and_bad_num_classes():
    with pytest.raises(ValueError, match="label 3 is out of range for num_classes=3"):
        metrics.confusion_matrix([0, 3], [0, 1], num_classes=3)
    with pytest.raises(ValueError, match="label 5 is out of range for num_classes=2"):
        metrics.confusion_matrix([0, 1], [5, 1], num_classes=2)
    for bad in (0, 2.0, True):
        with pytest.raises(ValueError, match="num_classes must be a positive int"):
            metrics.confusion_matrix([0, 1], [0, 1], num_classes=bad)


@pytest.mark.parametrize(
    "n, batch, message",
    [
        (0, 32, "n_samples must be positive"),
        (100, 0, "batch_size must be positive"),
        (100, -4, "batch_size must be positive"),
        (100.0, 32, "n_samples must be an int"),
        (100, 2.5, "batch_size must be an int"),
        (True, 32, "n_samples must be an int"),
    ],
)
def test_steps_per_epoch_bad_input(n, batch, message):
    with pytest.raises(ValueError, match=message):
        metrics.steps_per_epoch(n, batch)
