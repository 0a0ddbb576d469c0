"""reference.activations against the course's values and TensorFlow (float64)."""

import warnings

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from reference import activations as act

EXAMPLES = settings(max_examples=40)


def floats_array(low, high, min_dims=0, max_dims=3):
    return arrays(
        np.float64,
        array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=5),
        # TF flushes subnormal inputs to zero on CPU: keep them out
        elements=st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False),
    )


def tf_grad(fn, x):
    """Elementwise derivative of an elementwise TF function, by GradientTape."""
    xt = tf.Variable(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(fn(xt))
    return tape.gradient(y, xt).numpy()


# Fixed values from the course

def test_sigmoid_at_zero_is_half_and_its_derivative_a_quarter():
    assert act.sigmoid(0) == 0.5
    assert act.sigmoid_derivative(0) == 0.25


def test_sigmoid_derivative_is_g_times_one_minus_g():
    x = np.array([-3.0, -0.5, 0.0, 2.0])
    g = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(act.sigmoid_derivative(x), g * (1 - g), rtol=1e-14)


def test_tanh_derivative_at_zero_is_one_and_one_minus_g_squared():
    assert act.tanh_derivative(0) == 1.0
    np.testing.assert_allclose(act.tanh_derivative([1.5]), 1 - np.tanh(1.5) ** 2, rtol=1e-14)


def test_relu_and_its_derivative():
    np.testing.assert_array_equal(act.relu([-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu_derivative([-2.0, 0.0, 3.0]), [0.0, 0.0, 1.0])


def test_leaky_relu_uses_the_course_alpha_of_0_01_by_default():
    np.testing.assert_allclose(act.leaky_relu([-2.0, 0.0, 3.0]), [-0.02, 0.0, 3.0], rtol=1e-15)
    np.testing.assert_allclose(act.leaky_relu_derivative([-2.0, 0.0, 3.0]), [0.01, 0.01, 1.0])
    np.testing.assert_allclose(act.leaky_relu([-2.0], alpha=0.3), [-0.6])


def test_softmax_of_a_small_vector():
    s = act.softmax([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], rtol=1e-12)
    assert s.sum() == pytest.approx(1.0, abs=1e-15)


def test_large_inputs_do_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow RuntimeWarning fails the test
        np.testing.assert_array_equal(act.sigmoid([-1000.0, 1000.0]), [0.0, 1.0])
        np.testing.assert_allclose(act.softmax([1000.0, 1000.0, 0.0]), [0.5, 0.5, 0.0], atol=1e-300)
        np.testing.assert_array_equal(act.sigmoid_derivative([-1000.0, 1000.0]), [0.0, 0.0])


def test_softmax_jacobian_of_a_uniform_pair():
    np.testing.assert_allclose(act.softmax_jacobian([0.0, 0.0]), [[0.25, -0.25], [-0.25, 0.25]])


def test_activations_table_names_and_pairs():
    assert set(act.ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "linear"}
    fn, deriv = act.ACTIVATIONS["linear"]
    np.testing.assert_array_equal(fn([-1.0, 2.0]), [-1.0, 2.0])
    np.testing.assert_array_equal(deriv([-1.0, 2.0]), [1.0, 1.0])
    assert act.ACTIVATIONS["sigmoid"] == (act.sigmoid, act.sigmoid_derivative)


def test_results_are_float64_for_int_input_and_keep_shape():
    for fn in (act.sigmoid, act.tanh, act.relu, act.leaky_relu, act.softmax, act.sigmoid_derivative):
        out = fn([[1, 2], [3, 4]])
        assert out.dtype == np.float64 and out.shape == (2, 2)


def test_linear_returns_a_copy():
    x = np.array([1.0, 2.0])
    act.linear(x)[0] = 99.0
    assert x[0] == 1.0


# Against TensorFlow

@EXAMPLES
@given(floats_array(-1e4, 1e4))
def test_sigmoid_matches_tf_without_overflow(x):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ours = act.sigmoid(x)
    np.testing.assert_allclose(ours, tf.math.sigmoid(tf.constant(x)).numpy(), rtol=1e-12, atol=1e-300)


@EXAMPLES
@given(floats_array(-50, 50))
def test_tanh_and_relu_match_tf(x):
    np.testing.assert_allclose(act.tanh(x), tf.math.tanh(tf.constant(x)).numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(act.relu(x), tf.nn.relu(tf.constant(x)).numpy())


# tf.nn.leaky_relu stores alpha as a float32 attribute (0.01 becomes 0.009999999776...):
# draw float32-representable slopes so both sides use the same one.
ALPHAS = st.floats(0, 2, width=32, allow_subnormal=False)  # above 1 too; TF flushes subnormal alphas to 0


@EXAMPLES
@given(floats_array(-50, 50), ALPHAS)
def test_leaky_relu_matches_tf(x, alpha):
    expected = tf.nn.leaky_relu(tf.constant(x), alpha=alpha).numpy()
    np.testing.assert_allclose(act.leaky_relu(x, alpha=alpha), expected, rtol=1e-15, atol=1e-300)


@EXAMPLES
@given(st.data())
def test_softmax_matches_tf_along_any_axis(data):
    x = data.draw(floats_array(-1000, 1000, min_dims=1))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    expected = tf.nn.softmax(tf.constant(x), axis=axis).numpy()
    np.testing.assert_allclose(act.softmax(x, axis=axis), expected, rtol=1e-12, atol=1e-300)


@EXAMPLES
@given(floats_array(-30, 30))
def test_derivatives_match_gradient_tape(x):
    # g(1 - g) and 1 - g^2 cancel near saturation: absolute error ~ulp(1), hence atol
    np.testing.assert_allclose(act.sigmoid_derivative(x), tf_grad(tf.math.sigmoid, x), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(act.tanh_derivative(x), tf_grad(tf.math.tanh, x), rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(act.relu_derivative(x), tf_grad(tf.nn.relu, x))
    np.testing.assert_array_equal(act.linear_derivative(x), tf_grad(tf.identity, x))


@EXAMPLES
@given(floats_array(-5, 5).map(np.round), ALPHAS)
def test_leaky_relu_derivative_matches_gradient_tape_including_zero(x, alpha):
    # rounding puts many inputs exactly at 0, where TF's gradient is alpha
    expected = tf_grad(lambda t: tf.nn.leaky_relu(t, alpha=alpha), x)
    np.testing.assert_allclose(act.leaky_relu_derivative(x, alpha=alpha), expected, rtol=1e-15)


def test_relu_derivative_at_zero_matches_tf():
    assert tf_grad(tf.nn.relu, np.array([0.0]))[0] == act.relu_derivative(0.0) == 0.0


# pfor re-traces a tf.function per call; the while_loop form is 4x faster, same Jacobian
@EXAMPLES
@given(floats_array(-20, 20, min_dims=1, max_dims=1))
def test_softmax_jacobian_of_a_vector_matches_tape_jacobian(x):
    xt = tf.Variable(x)
    with tf.GradientTape(persistent=True) as tape:
        s = tf.nn.softmax(xt)
    expected = tape.jacobian(s, xt, experimental_use_pfor=False).numpy()
    np.testing.assert_allclose(act.softmax_jacobian(x), expected, rtol=1e-10, atol=1e-14)


@EXAMPLES
@given(floats_array(-20, 20, min_dims=2, max_dims=2))
def test_softmax_jacobian_of_a_batch_matches_batch_jacobian(x):
    xt = tf.Variable(x)
    with tf.GradientTape(persistent=True) as tape:
        s = tf.nn.softmax(xt)
    ours = act.softmax_jacobian(x)
    assert ours.shape == (x.shape[0], x.shape[1], x.shape[1])
    expected = tape.batch_jacobian(s, xt, experimental_use_pfor=False).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-14)


def test_softmax_jacobian_of_deeper_batches_is_per_vector():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    ours = act.softmax_jacobian(x)
    assert ours.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(ours[1, 2], act.softmax_jacobian(x[1, 2]), rtol=1e-15)


# Bad input

@pytest.mark.parametrize("axis", [2, -3, 5])
def test_softmax_axis_out_of_range(axis):
    with pytest.raises(ValueError, match=f"axis {axis} is out of range"):
        act.softmax(np.zeros((2, 3)), axis=axis)


def test_softmax_rejects_a_scalar_and_a_non_int_axis():
    with pytest.raises(ValueError, match="at least 1 dimension"):
        act.softmax(3.0)
    with pytest.raises(ValueError, match="axis must be an int"):
        act.softmax([1.0, 2.0], axis=0.5)
    with pytest.raises(ValueError, match="axis must be an int"):
        act.softmax([1.0, 2.0], axis=True)


@pytest.mark.parametrize("fn", [act.leaky_relu, act.leaky_relu_derivative])
def test_negative_alpha(fn):
    with pytest.raises(ValueError, match="alpha must be finite and >= 0"):
        fn([1.0], alpha=-0.1)
    with pytest.raises(ValueError, match="alpha must be a real number"):
        fn([1.0], alpha="0.1")


def test_non_numeric_input():
    with pytest.raises(ValueError, match="x must be an array of real numbers"):
        act.sigmoid(["a", "b"])
    with pytest.raises(ValueError, match="x must be an array of real numbers"):
        act.relu([[1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="complex"):
        act.tanh(np.array([1 + 2j]))
