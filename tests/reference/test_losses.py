"""reference.losses against hand-computed values and the Keras 3 loss classes."""

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference import losses

EXAMPLES = settings(max_examples=40)
F64 = {"dtype": "float64"}  # Keras computes in float32 unless told otherwise


def floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def pairs(draw, true_elements, pred_elements, shapes=None):
    """(y_true, y_pred) of one shape: (N, K), (N, 1) or (N,)."""
    n = draw(st.integers(1, 6))
    shape = draw(shapes or st.sampled_from([(n, draw(st.integers(1, 4))), (n, 1), (n,)]))
    y_true = draw(arrays(np.float64, shape, elements=true_elements))
    return y_true, draw(arrays(np.float64, shape, elements=pred_elements))


@st.composite
def one_hot_and_scores(draw, score_elements):
    n, c = draw(st.integers(1, 6)), draw(st.integers(2, 5))
    labels = draw(arrays(np.int64, n, elements=st.integers(0, c - 1)))
    return labels, np.eye(c)[labels], draw(arrays(np.float64, (n, c), elements=score_elements))


def keras_value(loss, y_true, y_pred):
    return np.asarray(loss(y_true, y_pred))


LABELS01 = st.sampled_from([0.0, 1.0])
PROBS_WITH_CLIPPING = floats(-0.2, 1.2)  # outside [0, 1] exercises Keras's clip
PROBS_INSIDE = floats(1e-3, 1 - 1e-3)
LOGITS = floats(-30, 30)


# Hand-computed values

def test_bce_of_one_sample():
    assert losses.binary_crossentropy([1.0], [0.9]) == pytest.approx(-math.log(0.9), rel=1e-15)
    assert losses.binary_crossentropy([0.0], [0.9]) == pytest.approx(-math.log(0.1), rel=1e-12)


def test_bce_per_sample_is_the_mean_over_the_last_axis():
    per_sample = losses.binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], reduction=None)
    expected = [-(math.log(0.4) + math.log(0.4)) / 2, -(math.log(0.6) + math.log(0.4)) / 2]
    np.testing.assert_allclose(per_sample, expected, rtol=1e-14)  # Keras's docs: [0.916, 0.714]


def test_bce_clips_probabilities_to_epsilon():
    assert losses.EPSILON == 1e-7
    assert losses.binary_crossentropy([1.0], [0.0]) == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert losses.binary_crossentropy([1.0], [-3.0]) == losses.binary_crossentropy([1.0], [0.0])


def test_bce_from_logits_is_bce_of_the_sigmoid():
    expected = -math.log(1 / (1 + math.exp(-2.0)))
    assert losses.binary_crossentropy([1.0], [2.0], from_logits=True) == pytest.approx(expected, rel=1e-14)
    assert losses.binary_crossentropy([0.0], [800.0], from_logits=True) == pytest.approx(800.0)  # no overflow


def test_cce_of_keras_docs_example():
    per_sample = losses.categorical_crossentropy(
        [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], reduction=None
    )
    np.testing.assert_allclose(per_sample, [-math.log(0.95), -math.log(0.1)], rtol=1e-14)


def test_cce_renormalises_predictions():
    assert losses.categorical_crossentropy([[1, 0]], [[2.0, 2.0]]) == pytest.approx(math.log(2), rel=1e-14)


def test_sparse_cce_equals_cce_of_one_hot():
    y_pred = [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]]
    sparse = losses.sparse_categorical_crossentropy([1, 0], y_pred, reduction=None)
    np.testing.assert_allclose(sparse, [-math.log(0.7), -math.log(0.5)], rtol=1e-14)
    assert losses.sparse_categorical_crossentropy([[1], [0]], y_pred) == pytest.approx(
        losses.categorical_crossentropy(np.eye(3)[[1, 0]], y_pred), rel=1e-14
    )


def test_regression_losses_by_hand():
    assert losses.mse([1, 2, 3], [1, 2, 5]) == pytest.approx(4 / 3)
    assert losses.mae([1, 2, 3], [1, 2, 5]) == pytest.approx(2 / 3)
    assert losses.rmse([[0], [0]], [[3], [4]]) == pytest.approx(math.sqrt(12.5))
    np.testing.assert_allclose(losses.mse([[0], [0]], [[3], [4]], reduction=None), [9, 16])
    assert losses.mse([[0], [0]], [[3], [4]], reduction="sum") == 25


def test_rmse_is_the_root_of_the_overall_mse_not_the_mean_of_roots():
    y_true, y_pred = [[0.0, 0.0], [0.0, 0.0]], [[1.0, 1.0], [3.0, 3.0]]
    assert losses.rmse(y_true, y_pred) == pytest.approx(math.sqrt(5))


def test_one_dimensional_inputs_are_one_sample_as_in_keras():
    assert np.ndim(losses.mse([1.0, 2.0], [0.0, 0.0], reduction=None)) == 0
    assert losses.mse([1.0, 2.0], [0.0, 0.0], reduction=None) == pytest.approx(2.5)


def test_labels_n_against_predictions_n_by_1_are_aligned():
    per_sample = losses.binary_crossentropy([1.0, 0.0], [[0.9], [0.2]], reduction=None)
    np.testing.assert_allclose(per_sample, [-math.log(0.9), -math.log(0.8)], rtol=1e-12)


def test_losses_table_uses_keras_names():
    assert losses.LOSSES["mse"] is losses.mse is losses.LOSSES["mean_squared_error"]
    assert losses.LOSSES["sparse_categorical_crossentropy"] is losses.sparse_categorical_crossentropy


# Against Keras (float64 losses: tight tolerance)

@EXAMPLES
@given(pairs(LABELS01 | floats(0, 1), PROBS_WITH_CLIPPING), st.booleans())
def test_bce_matches_keras(pair, from_logits):
    y_true, y_pred = pair
    if from_logits:
        y_pred = (y_pred - 0.5) * 40  # logits in [-28, 28]
    for reduction in ("sum_over_batch_size", None):
        expected = keras_value(
            keras.losses.BinaryCrossentropy(from_logits=from_logits, reduction=reduction, **F64), y_true, y_pred
        )
        ours = losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits, reduction=reduction)
        assert np.shape(ours) == expected.shape
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


@EXAMPLES
@given(one_hot_and_scores(floats(1e-4, 1.5)), st.booleans())
def test_cce_matches_keras(data, from_logits):
    _, y_true, y_pred = data
    if from_logits:
        y_pred = (y_pred - 0.75) * 40
    for reduction in ("sum_over_batch_size", None):
        expected = keras_value(
            keras.losses.CategoricalCrossentropy(from_logits=from_logits, reduction=reduction, **F64), y_true, y_pred
        )
        ours = losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, reduction=reduction)
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:In loss categorical_crossentropy")  # one sample reads as 1 class
@EXAMPLES
@given(one_hot_and_scores(floats(1e-4, 1.0)), st.booleans())
def test_cce_along_the_first_axis_matches_keras(data, from_logits):
    _, y_true, y_pred = data
    expected = keras_value(
        keras.losses.CategoricalCrossentropy(from_logits=from_logits, axis=0, reduction=None, **F64),
        y_true.T,
        y_pred.T,
    )
    ours = losses.categorical_crossentropy(y_true.T, y_pred.T, from_logits=from_logits, axis=0, reduction=None)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


@EXAMPLES
@given(one_hot_and_scores(floats(0, 1.3)), st.booleans(), st.booleans())
def test_sparse_cce_matches_keras(data, from_logits, column):
    labels, _, y_pred = data
    if from_logits:
        y_pred = (y_pred - 0.65) * 40
    y_true = labels[:, None] if column else labels
    for reduction in ("sum_over_batch_size", None):
        expected = keras_value(
            keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=reduction, **F64),
            y_true,
            y_pred,
        )
        ours = losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, reduction=reduction)
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "true_shape, pred_shape", [((4, 1), (4,)), ((4,), (4, 1)), ((4, 3, 1), (4, 3)), ((4, 3), (4, 3, 1))]
)
def test_rank_differences_of_a_trailing_one_are_absorbed_as_keras(true_shape, pred_shape):
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 2, size=true_shape).astype(np.float64)
    y_pred = rng.uniform(0.05, 0.95, size=pred_shape)
    for ours, loss in (
        (losses.binary_crossentropy, keras.losses.BinaryCrossentropy),
        (losses.mse, keras.losses.MeanSquaredError),
    ):
        expected = keras_value(loss(reduction=None, **F64), y_true, y_pred)
        got = ours(y_true, y_pred, reduction=None)
        assert np.shape(got) == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@EXAMPLES
@given(pairs(floats(-100, 100), floats(-100, 100)))
def test_regression_losses_match_keras(pair):
    y_true, y_pred = pair
    for ours, loss in ((losses.mse, keras.losses.MeanSquaredError), (losses.mae, keras.losses.MeanAbsoluteError)):
        for reduction in ("sum_over_batch_size", None):
            expected = keras_value(loss(reduction=reduction, **F64), y_true, y_pred)
            np.testing.assert_allclose(ours(y_true, y_pred, reduction=reduction), expected, rtol=1e-12, atol=1e-12)
    rmse = keras.metrics.RootMeanSquaredError(**F64)
    rmse.update_state(y_true, y_pred)
    np.testing.assert_allclose(losses.rmse(y_true, y_pred), rmse.result().numpy(), rtol=1e-12, atol=1e-12)


@EXAMPLES
@given(pairs(LABELS01, PROBS_INSIDE), one_hot_and_scores(PROBS_INSIDE), st.booleans())
def test_keras_default_float32_losses_agree_to_float32_precision(pair, data, from_logits):
    # away from the clip region, where float32's 1 - 1e-7 differs from float64's
    y_true, y_pred = pair
    labels, one_hot, scores = data
    if from_logits:
        y_pred, scores = (y_pred - 0.5) * 20, (scores - 0.5) * 20
    checks = [
        (losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits),
         keras.losses.BinaryCrossentropy(from_logits=from_logits)(y_true, y_pred)),
        (losses.categorical_crossentropy(one_hot, scores, from_logits=from_logits),
         keras.losses.CategoricalCrossentropy(from_logits=from_logits)(one_hot, scores)),
        (losses.sparse_categorical_crossentropy(labels, scores, from_logits=from_logits),
         keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels, scores)),
        (losses.mse(y_true, y_pred), keras.losses.MeanSquaredError()(y_true, y_pred)),
        (losses.mae(y_true, y_pred), keras.losses.MeanAbsoluteError()(y_true, y_pred)),
    ]
    for ours, expected in checks:
        np.testing.assert_allclose(ours, np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_results_are_float64():
    assert np.asarray(losses.mse(np.float32([1, 2]), np.int32([0, 0]))).dtype == np.float64
    assert losses.binary_crossentropy([[1]], [[0.5]], reduction=None).dtype == np.float64


def test_inputs_are_not_modified():
    y_pred = np.array([[2.0, 2.0], [0.0, 1.0]])
    before = y_pred.copy()
    losses.categorical_crossentropy([[1, 0], [0, 1]], y_pred)
    losses.binary_crossentropy([[1, 0], [0, 1]], y_pred)
    np.testing.assert_array_equal(y_pred, before)


# Bad input

@pytest.mark.parametrize(
    "fn", [losses.binary_crossentropy, losses.categorical_crossentropy, losses.mse, losses.mae, losses.rmse]
)
def test_mismatched_shapes(fn):
    with pytest.raises(ValueError, match=r"shapes do not match: y_true \(2, 1\), y_pred \(2, 3\)"):
        fn(np.ones((2, 1)), np.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match="shapes do not match"):
        fn(np.ones(3), np.ones(4) / 4)


@pytest.mark.parametrize("fn", [losses.binary_crossentropy, losses.mse, losses.sparse_categorical_crossentropy])
def test_empty_input(fn):
    with pytest.raises(ValueError, match="empty"):
        fn(np.zeros((0,)), np.zeros((0, 2)) if fn is losses.sparse_categorical_crossentropy else np.zeros((0,)))


def test_scalars_are_not_a_batch():
    with pytest.raises(ValueError, match="at least 1 dimension"):
        losses.mse(1.0, 2.0)


def test_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be"):
        losses.mse([1.0], [2.0], reduction="max")


def test_cce_axis_out_of_range_and_zero_rows():
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        losses.categorical_crossentropy(np.eye(2), np.eye(2), axis=2)
    with pytest.raises(ValueError, match="sums to 0"):
        losses.categorical_crossentropy([[1.0, 0.0]], [[0.0, 0.0]])


def test_sparse_labels_must_be_integer_classes():
    y_pred = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"must lie in \[0, 3\)"):
        losses.sparse_categorical_crossentropy([0, 3], y_pred)
    with pytest.raises(ValueError, match=r"must lie in \[0, 3\)"):
        losses.sparse_categorical_crossentropy([-1, 0], y_pred)
    with pytest.raises(ValueError, match="integer class labels"):
        losses.sparse_categorical_crossentropy([0.5, 1], y_pred)
    with pytest.raises(ValueError, match=r"y_true shape \(3,\) does not match y_pred shape \(2, 3\)"):
        losses.sparse_categorical_crossentropy([0, 1, 2], y_pred)
    with pytest.raises(ValueError, match="class axis"):
        losses.sparse_categorical_crossentropy(0, 0.5)


def test_non_numeric_input_names_the_argument():
    with pytest.raises(ValueError, match="y_pred must be an array of real numbers"):
        losses.mse([1.0], ["x"])
