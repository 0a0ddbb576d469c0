"""reference.conv: the course's worked examples, then equality with tf.nn.conv2d."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.conv import conv2d, output_size, same_padding, zero_pad

from reference.course_examples import (PAD_IMAGE, PAD_KERNEL, VERTICAL_IMAGE, VERTICAL_KERNEL,
                                       X_IMAGE, X_KERNEL)


# --- worked examples from the course -------------------------------------------------

def test_x_kernel_on_x_image_centre_is_five():
    # The slide prints 3 at the centre; the arithmetic (and Keras) gives 5.
    np.testing.assert_array_equal(conv2d(X_IMAGE, X_KERNEL), [[3, 0, 3], [0, 5, 0], [3, 0, 3]])


def test_vertical_kernel_on_x_image():
    np.testing.assert_array_equal(conv2d(X_IMAGE, VERTICAL_KERNEL),
                                  [[1, 1, 1], [2, 1, 2], [1, 1, 1]])


def test_vertical_kernel_on_vertical_image():
    np.testing.assert_array_equal(conv2d(VERTICAL_IMAGE, VERTICAL_KERNEL), [[0, 3, 0]] * 3)


def test_shrinking_without_padding():
    kernel = np.array([[1, 0], [1, 0]])
    once = conv2d(VERTICAL_IMAGE, kernel)
    expected_once = np.zeros((4, 4), dtype=int)
    expected_once[:, 2] = 2
    np.testing.assert_array_equal(once, expected_once)
    twice = conv2d(once, kernel)
    expected_twice = np.zeros((3, 3), dtype=int)
    expected_twice[:, 2] = 4
    np.testing.assert_array_equal(twice, expected_twice)
    np.testing.assert_array_equal(conv2d(twice, kernel), np.zeros((2, 2)))


def test_diagonal_band_with_x_kernel():
    image = np.array([[1, 1, 1, 0, 0],
                      [0, 1, 1, 1, 0],
                      [0, 0, 1, 1, 1],
                      [0, 0, 1, 1, 0],
                      [0, 1, 1, 0, 0]])
    np.testing.assert_array_equal(conv2d(image, X_KERNEL), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_padding_examples():
    np.testing.assert_array_equal(conv2d(PAD_IMAGE, PAD_KERNEL),
                                  [[-2, -1, 3], [2, 5, 8], [-2, 0, -1]])
    np.testing.assert_array_equal(conv2d(PAD_IMAGE, PAD_KERNEL, padding=1),
                                  [[-1, 2, 2, -1, -2], [2, -2, -1, 3, -1], [3, 2, 5, 8, 2],
                                   [2, -2, 0, -1, -3], [1, 5, 4, 1, 2]])
    np.testing.assert_array_equal(conv2d(PAD_IMAGE, PAD_KERNEL, stride=2, padding=1),
                                  [[-1, 2, -2], [3, 5, 2], [1, 4, 2]])


def test_padding_keeps_the_size():
    image = np.array([[2, 1, 0, 1, 2],
                      [1, 2, 1, 2, 1],
                      [0, 1, 2, 1, 0],
                      [1, 2, 1, 2, 1],
                      [2, 1, 0, 1, 2]])
    expected = [[4, 3, 4, 3, 4], [3, 6, 5, 6, 3], [4, 5, 10, 5, 4],
                [3, 6, 5, 6, 3], [4, 3, 4, 3, 4]]
    np.testing.assert_array_equal(conv2d(image, X_KERNEL, padding=1), expected)
    np.testing.assert_array_equal(conv2d(image, X_KERNEL, padding="same"), expected)


def test_how_often_each_pixel_is_used():
    # Count the windows covering each pixel: a "full" correlation of the output's ones.
    used_2x2 = conv2d(zero_pad(np.ones((4, 4), dtype=int), 1), np.ones((2, 2), dtype=int))
    np.testing.assert_array_equal(used_2x2, [[1, 2, 2, 2, 1], [2, 4, 4, 4, 2], [2, 4, 4, 4, 2],
                                             [2, 4, 4, 4, 2], [1, 2, 2, 2, 1]])
    used_3x3 = conv2d(zero_pad(np.ones((5, 5), dtype=int), 2), np.ones((3, 3), dtype=int))[1:-1, 1:-1]
    np.testing.assert_array_equal(used_3x3, [[4, 6, 6, 6, 4], [6, 9, 9, 9, 6], [6, 9, 9, 9, 6],
                                             [6, 9, 9, 9, 6], [4, 6, 6, 6, 4]])


def test_output_size_course_example_and_rules():
    assert output_size(28, 5) == 24
    assert output_size(28, 5, padding="valid") == 24
    assert output_size(28, 5, padding="same") == 28
    assert output_size(5, 3, stride=2, padding=1) == 3
    assert output_size(7, 3, stride=2, padding="same") == 4
    assert output_size(32, 11, stride=4, padding="same") == 8


@given(n=st.integers(1, 200), f=st.integers(1, 20), s=st.integers(1, 6))
def test_slide_ceil_form_equals_floor_form(n, f, s):
    # COURSE.md: ceil((N - f + 1) / s) == floor((N - f) / s) + 1 whenever f <= N.
    if f <= n:
        assert output_size(n, f, s) == -(-(n - f + 1) // s)


def test_same_padding_puts_the_odd_pixel_after():
    assert same_padding(4, 2, 1) == (0, 1)
    assert same_padding(5, 3, 1) == (1, 1)
    assert same_padding(5, 4, 1) == (1, 2)
    assert same_padding(6, 3, 2) == (0, 1)
    assert same_padding(5, 1, 2) == (0, 0)


def test_zero_pad_forms():
    img = np.arange(6).reshape(2, 3)
    assert zero_pad(img, 1).shape == (4, 5)
    padded = zero_pad(img, (1, 0, 2, 0))
    assert padded.shape == (3, 5)
    np.testing.assert_array_equal(padded[1:, 2:], img)
    assert zero_pad(img, ((0, 1), (0, 2))).shape == (3, 5)
    np.testing.assert_array_equal(zero_pad(img, "same", kernel_size=2)[:2, :3], img)
    assert zero_pad(np.ones((2, 4, 4, 3)), 2).shape == (2, 8, 8, 3)


def test_kernel_shapes_and_bias():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 7, 3))
    k3 = rng.normal(size=(3, 3, 3))
    k4 = k3[..., np.newaxis]
    assert conv2d(x, k3).shape == (4, 5)
    np.testing.assert_allclose(conv2d(x, k4)[..., 0], conv2d(x, k3))
    out = conv2d(x, np.concatenate([k4, -k4], axis=3), bias=[1.0, 2.0])
    np.testing.assert_allclose(out[..., 0] - 1.0, -(out[..., 1] - 2.0))
    assert conv2d(np.stack([x, x]), k4).shape == (2, 4, 5, 1)


@pytest.mark.parametrize("call, message", [
    (lambda: conv2d(np.ones((3, 3)), np.ones((4, 4))), "does not fit"),
    (lambda: conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=0), "stride must be positive"),
    (lambda: conv2d(np.ones((4, 4, 3)), np.ones((2, 2, 2, 5))), "2 input channels but x has 3"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), padding="full"), "unknown padding 'full'"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), padding=-1), "must not be negative"),
    (lambda: conv2d(np.ones(4), np.ones((2, 2))), "must be 2-D"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2, 1, 2)), bias=[1, 2, 3]), "bias must be"),
    (lambda: conv2d(np.array([["a"]]), np.ones((1, 1))), "numeric"),
    (lambda: output_size(3, 4), "larger than the padded input"),
    (lambda: output_size(3, 2, stride=0), "stride must be a positive int"),
    (lambda: output_size(3, 2, padding="full"), "unknown padding"),
    (lambda: zero_pad(np.ones((3, 3)), "same"), "needs kernel_size"),
    (lambda: zero_pad(np.ones((3, 3)), (1, 2, 3)), "padding must be"),
])
def test_bad_input_raises_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- equality with TensorFlow ------------------------------------------------------

tf = pytest.importorskip("tensorflow")


@st.composite
def conv_cases(draw):
    n = draw(st.integers(1, 3))
    c = draw(st.integers(1, 4))
    f = draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.one_of(
        st.sampled_from(["valid", "same"]),
        st.integers(0, 2),
        st.tuples(*[st.integers(0, 2)] * 4),
    ))
    if padding == "valid":
        pads = (0, 0, 0, 0)
    elif isinstance(padding, int):
        pads = (padding,) * 4
    else:
        pads = padding if padding != "same" else (0, 0, 0, 0)
    h = draw(st.integers(max(1, kh - pads[0] - pads[1]), 12))
    w = draw(st.integers(max(1, kw - pads[2] - pads[3]), 12))
    # Small integers keep every product exact, so equality is exact in float64.
    values = st.integers(-4, 4)
    x = np.array(draw(st.lists(values, min_size=n * h * w * c, max_size=n * h * w * c)),
                 dtype=np.float64).reshape(n, h, w, c)
    k = np.array(draw(st.lists(values, min_size=kh * kw * c * f, max_size=kh * kw * c * f)),
                 dtype=np.float64).reshape(kh, kw, c, f)
    return x, k, (sh, sw), padding


def _tf_padding(padding):
    if isinstance(padding, str):
        return padding.upper()
    t, b, l, r = (padding,) * 4 if isinstance(padding, int) else padding
    return [[0, 0], [t, b], [l, r], [0, 0]]


@settings(max_examples=150)
@given(conv_cases())
def test_conv2d_equals_tf_nn_conv2d(case):
    x, k, stride, padding = case
    expected = tf.nn.conv2d(x, k, strides=[1, *stride, 1], padding=_tf_padding(padding)).numpy()
    np.testing.assert_array_equal(conv2d(x, k, stride=stride, padding=padding), expected)


@settings(max_examples=60)
@given(conv_cases())
def test_same_zero_pad_then_valid_equals_tf_same(case):
    x, k, stride, _ = case
    expected = tf.nn.conv2d(x, k, strides=[1, *stride, 1], padding="SAME").numpy()
    padded = zero_pad(x, "same", kernel_size=k.shape[:2], stride=stride)
    np.testing.assert_array_equal(conv2d(padded, k, stride=stride), expected)
    assert expected.shape[1] == output_size(x.shape[1], k.shape[0], stride[0], "same")
    assert expected.shape[2] == output_size(x.shape[2], k.shape[1], stride[1], "same")


@settings(max_examples=40)
@given(conv_cases())
def test_single_image_forms_equal_the_batch_form(case):
    x, k, stride, padding = case
    batched = conv2d(x, k, stride=stride, padding=padding)
    np.testing.assert_array_equal(conv2d(x[0], k, stride=stride, padding=padding), batched[0])
    np.testing.assert_array_equal(conv2d(x[0, :, :, 0], k[:, :, :1, 0], stride=stride,
                                         padding=padding),
                                  conv2d(x[:1, :, :, :1], k[:, :, :1, :1], stride=stride,
                                         padding=padding)[0, :, :, 0])


def test_keras_conv2d_layer_with_bias_matches():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 9, 8, 3)).astype("float32")
    layer = keras.layers.Conv2D(4, (3, 2), strides=(2, 1), padding="same")
    expected = np.asarray(layer(x))
    kernel, bias = (w.numpy() for w in layer.weights)
    got = conv2d(x.astype(np.float64), kernel, bias=bias, stride=(2, 1), padding="same")
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
