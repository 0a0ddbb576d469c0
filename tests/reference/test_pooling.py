"""reference.pooling: the course's example, then equality with tf.nn pooling."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.pooling import avg_pool, global_avg_pool, global_max_pool, max_pool

COURSE_MATRIX = np.array([[5, 2, 4, 1], [3, 2, 2, 9], [4, 1, 1, 3], [1, 2, 0, 0]])


def test_course_pooling_example():
    np.testing.assert_array_equal(max_pool(COURSE_MATRIX, 2, 2), [[5, 9], [4, 3]])
    np.testing.assert_array_equal(avg_pool(COURSE_MATRIX, 2, 2), [[3, 4], [2, 1]])
    # stride defaults to the pool size
    np.testing.assert_array_equal(max_pool(COURSE_MATRIX), [[5, 9], [4, 3]])


def test_stride_one_pooling_overlaps():
    np.testing.assert_array_equal(max_pool(COURSE_MATRIX, 2, 1),
                                  [[5, 4, 9], [4, 2, 9], [4, 2, 3]])


def test_same_average_does_not_count_padding():
    x = np.array([[1.0, 2.0, 3.0]])
    # Windows: [1, 2], [3, pad] -> 1.5 and 3 (not 1.5).
    np.testing.assert_array_equal(avg_pool(x, (1, 2), padding="same"), [[1.5, 3.0]])
    np.testing.assert_array_equal(max_pool(-x, (1, 2), padding="same"), [[-1.0, -3.0]])


def test_channels_and_batches_pool_independently():
    x = np.stack([COURSE_MATRIX, 10 * COURSE_MATRIX], axis=-1)
    out = max_pool(x)
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out[..., 1], 10 * out[..., 0])
    assert max_pool(np.stack([x, x])).shape == (2, 2, 2, 2)


def test_global_pooling():
    assert global_max_pool(COURSE_MATRIX) == 9
    assert global_avg_pool(COURSE_MATRIX) == pytest.approx(2.5)
    x = np.stack([COURSE_MATRIX, -COURSE_MATRIX], axis=-1)
    np.testing.assert_array_equal(global_max_pool(x), [9, 0])
    np.testing.assert_allclose(global_avg_pool(np.stack([x, 2 * x])), [[2.5, -2.5], [5.0, -5.0]])


@pytest.mark.parametrize("call, message", [
    (lambda: max_pool(np.ones((2, 2)), 3), "pool 3x3 does not fit input 2x2 with padding 'valid'"),
    (lambda: avg_pool(np.ones((4, 4)), 2, 0), "stride must be positive"),
    (lambda: max_pool(np.ones((4, 4)), 2, padding="full"), "unknown padding 'full'"),
    (lambda: max_pool(np.ones((4, 4)), 2, padding=1), "'valid' or 'same'"),
    (lambda: avg_pool(np.ones(4)), "must be 2-D"),
    (lambda: max_pool(np.ones((4, 4)), (2, 2, 2)), "pool_size must be"),
])
def test_bad_input_raises_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


tf = pytest.importorskip("tensorflow")


@st.composite
def pool_cases(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 4), st.integers(1, 4))))
    padding = draw(st.sampled_from(["valid", "same"]))
    low_h, low_w = (ph, pw) if padding == "valid" else (1, 1)
    h, w = draw(st.integers(low_h, 11)), draw(st.integers(low_w, 11))
    size = n * h * w * c
    x = np.array(draw(st.lists(st.integers(-9, 9), min_size=size, max_size=size)),
                 dtype=np.float64).reshape(n, h, w, c) / 4.0
    return x, (ph, pw), stride, padding


@settings(max_examples=150)
@given(pool_cases())
def test_max_pool_equals_tf(case):
    x, pool, stride, padding = case
    expected = tf.nn.max_pool2d(x, pool, stride or pool, padding.upper()).numpy()
    np.testing.assert_array_equal(max_pool(x, pool, stride, padding), expected)


@settings(max_examples=150)
@given(pool_cases())
def test_avg_pool_equals_tf(case):
    x, pool, stride, padding = case
    expected = tf.nn.avg_pool2d(x, pool, stride or pool, padding.upper()).numpy()
    np.testing.assert_allclose(avg_pool(x, pool, stride, padding), expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=30)
@given(pool_cases())
def test_global_pooling_equals_keras(case):
    keras = pytest.importorskip("keras")
    x = case[0]
    np.testing.assert_allclose(global_avg_pool(x),
                               np.asarray(keras.layers.GlobalAveragePooling2D()(x)), rtol=1e-6)
    np.testing.assert_allclose(global_max_pool(x),
                               np.asarray(keras.layers.GlobalMaxPooling2D()(x)), rtol=1e-6)
