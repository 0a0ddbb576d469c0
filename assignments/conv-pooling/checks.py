"""Hidden checks for the `conv-pooling` assignment.

One group of tests per graded cell of source/conv-pooling/conv-pooling.ipynb:

    test_output_size   output_size(n, kernel, stride=1, padding=0)
    test_zero_pad      zero_pad(image, p)
    test_conv2d        conv2d(image, kernel, stride=1, padding=0)
    test_conv2d_multi  conv2d_multi(x, kernels, bias, stride=1, padding="valid")
    test_max_pool      max_pool(x, pool_size=2, stride=None)
    test_avg_pool      avg_pool(x, pool_size=2, stride=None)

Each group has a fixed test on the course's worked examples and Hypothesis
property tests on small random inputs (integer-valued floats, so every correct
answer is exact). Expected values come only from the trusted reference
(reference/conv.py, reference/pooling.py). When a result is wrong, the check
recomputes the common mistakes (kernel flipped, stride ignored, padding on one
side...) with the `_*_mistakes` tables below and names the one the student's
result matches; output_size's mistakes are those of autograder/mistakes.py, which
the quiz and the mutants share.
"""
from __future__ import annotations

from functools import partial

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder import mistakes as shared
from autograder.checks import grade, property_settings
from autograder.checks.compare import assert_array_matches, assert_value_equals, stand_in_answer
from autograder.checks.hints import (call, diagnose, explain, explaining, probe_varied, same_value,
                                     with_hint)
from reference import conv as ref_conv
from reference import pooling as ref_pool
from reference._layout import same_padding

# --------------------------------------------------------------------------- course data

from reference.course_examples import (
    BAND_IMAGE, KEEP_IMAGE, PAD_IMAGE, PAD_KERNEL, POOL_MATRIX, SHRINK_KERNEL, VERTICAL_IMAGE,
    VERTICAL_KERNEL, X_IMAGE, X_KERNEL)
from autograder.text import shown

# (description, image, kernel, stride, padding)
COURSE_CONVOLUTIONS = (
    ("the X image with the X kernel", X_IMAGE, X_KERNEL, 1, 0),
    ("the X image with the vertical-line kernel", X_IMAGE, VERTICAL_KERNEL, 1, 0),
    ("the vertical-line image with the vertical-line kernel", VERTICAL_IMAGE, VERTICAL_KERNEL, 1, 0),
    ("shrinking without padding, kernel [[1, 0], [1, 0]]", VERTICAL_IMAGE, SHRINK_KERNEL, 1, 0),
    ("the diagonal band with the X kernel", BAND_IMAGE, X_KERNEL, 1, 0),
    ("the padding example without padding", PAD_IMAGE, PAD_KERNEL, 1, 0),
    ("the padding example with zero padding 1", PAD_IMAGE, PAD_KERNEL, 1, 1),
    ("the padding example with padding 1 and stride 2", PAD_IMAGE, PAD_KERNEL, 2, 1),
    ("padding keeps the size (X kernel, padding 1)", KEEP_IMAGE, X_KERNEL, 1, 1),
)

# (n, kernel, stride, padding) from the slides: 28x28 with a 5x5 filter -> 24, and the padding examples.
COURSE_OUTPUT_SIZES = ((28, 5, 1, 0), (5, 3, 1, 0), (5, 3, 1, 1), (5, 3, 2, 1), (5, 2, 1, 0), (4, 2, 2, 0))


# --------------------------------------------------------------------------- explaining failures

def _distinct_like(array: np.ndarray, salt: int) -> np.ndarray:
    """An array of the same shape with varied small integer values (fixed seed)."""
    return np.random.default_rng(20240 + salt).integers(-4, 5, size=array.shape).astype(np.float64)


def _probe(run, expected, mistakes, *arrays):
    """Re-run the student on the same shapes and parameters with varied values."""
    return probe_varied(run, expected, mistakes, _distinct_like, *arrays)


def check_array(actual, expected, what: str, mistakes=None, probe=None) -> None:
    """assert_array_matches, then name the mistake the wrong result matches.

    mistakes: a thunk giving the (description, thunk) mistakes for this input;
    probe: a thunk giving (student result, expected, mistakes) on varied values.
    """
    try:
        assert_array_matches(actual, expected, what)
    except AssertionError as failure:
        raise with_hint(failure, explain(actual, mistakes, probe)) from None


def check_int(actual, expected, what: str, mistakes=()) -> None:
    """assert_value_equals for an int, then name the mistake the wrong value matches."""
    if stand_in_answer(actual):  # the rehearsal's: on to the next course example
        return
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        raise AssertionError(f"{what}: expected an int such as {shown(expected)}, "
                             f"got {type(actual).__name__} {shown(actual)}")
    try:
        assert_value_equals(actual, expected, what)
    except AssertionError as failure:
        hint = diagnose(actual, mistakes, same_value) if explaining() else None
        raise with_hint(failure, hint) from None


# --------------------------------------------------------------------------- the mistakes

# output_size's mistakes, in the order they are tried; each defined once in autograder/mistakes.py,
# where the quiz and this assignment's mutants take them from too. With stride 1 and padding 1
# the padding counted once gives what the missing +1 gives: the padding, which only applies to
# padded inputs, is named first (a shrunk counterexample without padding still names the +1).
OUTPUT_SIZE_MISTAKES = (shared.true_division, shared.ceil_instead_of_floor, shared.padded_one_side,
                        shared.forgot_the_plus_one, shared.ignored_the_padding, shared.ignored_the_stride)


def _output_size_mistakes(n, kernel, stride, padding):
    return [(m.hint, partial(m.wrong, n, kernel, stride, padding)) for m in OUTPUT_SIZE_MISTAKES]


def _pad_sides(x: np.ndarray, before: int, after: int, value=0.0) -> np.ndarray:
    """Pad the two spatial axes of (H, W) or (H, W, C) by (before, after) on each."""
    spec = ((before, after), (before, after)) + ((0, 0),) * (x.ndim - 2)
    return np.pad(x, spec, constant_values=value)


def _zero_pad_mistakes(x, p):
    return (
        ("padded on one side only: p rows/columns of zeros go on EVERY side "
         "(top, bottom, left and right), so the result is (H + 2p, W + 2p)",
         lambda: _pad_sides(x, 0, p)),
        ("padded on one side only: p rows/columns of zeros go on EVERY side "
         "(top, bottom, left and right), so the result is (H + 2p, W + 2p)",
         lambda: _pad_sides(x, p, 0)),
        ("only the rows were padded: pad the columns too",
         lambda: np.pad(x, ((p, p), (0, 0)))),
        ("only the columns were padded: pad the rows too",
         lambda: np.pad(x, ((0, 0), (p, p)))),
        ("2p zeros were put on each side: p on each side makes the size H + 2p",
         lambda: _pad_sides(x, 2 * p, 2 * p)),
        ("the border was filled with copies of the edge pixels; zero padding adds zeros",
         lambda: np.pad(x, p, mode="edge")),
    )


def _conv2d_mistakes(x, k, stride, padding):
    ref = ref_conv.conv2d
    return (
        ("the kernel looks flipped (true convolution); the course's convolution is "
         "cross-correlation: multiply each window by the kernel as it is, not flipped",
         lambda: ref(x, k[::-1, ::-1], stride=stride, padding=padding)),
        ("the stride was ignored: the window moves `stride` pixels at a time, so output "
         "(i, j) starts at row i * stride, column j * stride",
         lambda: ref(x, k, stride=1, padding=padding)),
        ("the stride was ignored when taking the windows: output (i, j) starts at row i * stride, "
         "column j * stride, not at row i, column j",
         lambda: _first_positions(ref(x, k, stride=1, padding=padding), stride)),
        ("the padding was ignored: zero-pad the image by `padding` on every side first",
         lambda: ref(x, k, stride=stride, padding=0)),
        ("padded on one side only (bottom/right): `padding` zeros go on every side",
         lambda: ref(x, k, stride=stride, padding=(0, padding, 0, padding))),
        ("padded on one side only (top/left): `padding` zeros go on every side",
         lambda: ref(x, k, stride=stride, padding=(padding, 0, padding, 0))),
        ("rows and columns are swapped (the result is transposed): out[i, j] is row i, column j",
         lambda: ref(x, k, stride=stride, padding=padding).T),
        ("the last row and column are missing: there are "
         "floor((n - k + 2p) / stride) + 1 positions, the +1 included",
         lambda: ref(x, k, stride=stride, padding=padding)[:-1, :-1]),
    )


def _first_positions(stride_one: np.ndarray, stride: int) -> np.ndarray:
    """The mistake of sliding by 1 into an output sized for `stride`: its top-left corner."""
    rows = (stride_one.shape[0] - 1) // stride + 1
    cols = (stride_one.shape[1] - 1) // stride + 1
    return stride_one[:rows, :cols]


def _explicit(padding, x, k, stride):
    """The (top, bottom, left, right) amounts TensorFlow uses for `padding` with this stride."""
    if padding != "same":
        return 0
    return same_padding(x.shape[0], k.shape[0], stride) + same_padding(x.shape[1], k.shape[1], stride)


def _without_padding(x, k, b, stride):
    """What no padding gives, even where the kernel does not fit (then an empty result)."""
    out_h = (x.shape[0] - k.shape[0]) // stride + 1
    out_w = (x.shape[1] - k.shape[1]) // stride + 1
    if out_h >= 1 and out_w >= 1:
        return ref_conv.conv2d(x, k, bias=b, stride=stride, padding="valid")
    return np.zeros((max(out_h, 0), max(out_w, 0), k.shape[3]))


def _swapped_same(x_shape, k_shape, stride):
    """TensorFlow's 'same' split with the odd pixel moved to the top/left."""
    top, bottom = same_padding(x_shape[0], k_shape[0], stride)
    left, right = same_padding(x_shape[1], k_shape[1], stride)
    return bottom, top, right, left


def _conv2d_multi_mistakes(x, k, b, stride, padding):
    ref = ref_conv.conv2d
    kh, kw = k.shape[:2]
    mistakes = [
        ("the bias is missing: add bias[f] to every output value of filter f",
         lambda: ref(x, k, stride=stride, padding=padding)),
        ("the bias was added once per input channel; add bias[f] once to each output value",
         lambda: ref(x, k, bias=x.shape[2] * b, stride=stride, padding=padding)),
        ("the kernel looks flipped (true convolution); the course's convolution is "
         "cross-correlation: multiply each window by the kernel as it is, not flipped",
         lambda: ref(x, k[::-1, ::-1], bias=b, stride=stride, padding=padding)),
        ("only the first input channel was used: each output sums the window times the "
         "kernel over ALL C input channels",
         lambda: ref(x[:, :, :1], k[:, :, :1], bias=b, stride=stride, padding=padding)),
        ("the stride was ignored: the window moves `stride` pixels at a time",
         lambda: ref(x, k, bias=b, stride=1, padding=padding)),
        ("the stride was ignored when taking the windows: output (i, j) starts at row i * stride, "
         "column j * stride, not at row i, column j",
         lambda: _first_positions(ref(x, k, bias=b, stride=1, padding=_explicit(padding, x, k, stride)),
                                  stride)),
        ("rows and columns are swapped (the result is transposed)",
         lambda: ref(x, k, bias=b, stride=stride, padding=padding).transpose(1, 0, 2)),
    ]
    if padding == "same":
        mistakes[:0] = [
            ("'same' padding put the odd pixel on the wrong side: when the total padding is odd, "
             "Keras/TensorFlow put the extra row/column of zeros at the bottom/right, not the top/left",
             lambda: ref(x, k, bias=b, stride=stride, padding=_swapped_same(x.shape, k.shape, stride))),
            ("'same' was treated as 'valid' (no padding); 'same' pads so the output is "
             "ceil(H / stride) x ceil(W / stride)",
             lambda: _without_padding(x, k, b, stride)),
            ("'same' padding was taken as (k - 1) // 2 on each side; Keras pads "
             "max((out - 1) * stride + k - n, 0) in total so the output is ceil(n / stride) long, "
             "the odd pixel at the bottom/right",
             lambda: ref(x, k, bias=b, stride=stride,
                         padding=((kh - 1) // 2, (kh - 1) // 2, (kw - 1) // 2, (kw - 1) // 2))),
        ]
    return mistakes


def _partial_windows(x: np.ndarray, pool: int, stride: int, reduce) -> np.ndarray:
    """The mistake of starting a window at every `stride` pixels (range(0, n, stride)),
    keeping the windows that run past the edge; `reduce` gets each (partial) window."""
    rows, cols = range(0, x.shape[0], stride), range(0, x.shape[1], stride)
    out = np.zeros((len(rows), len(cols)) + x.shape[2:])
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            out[a, b] = reduce(x[i:i + pool, j:j + pool])
    return out


def _pool_mistakes(x, pool, stride, average: bool):
    ref = ref_pool.avg_pool if average else ref_pool.max_pool
    step = pool if stride is None else stride
    mistakes = [
        ("the windows overlap as if the stride were 1: the stride defaults to the pool size "
         "(stride=None means stride = pool_size)",
         lambda: ref(x, pool, 1)),
        ("the channels were pooled together: pool each channel on its own "
         "(reduce over the window's rows and columns only, axis=(0, 1))",
         lambda: np.broadcast_to(_channel_reduce(ref(x, pool, step), average), ref(x, pool, step).shape)),
        ("the channels were pooled together and dropped: pool each channel on its own "
         "(reduce over axis=(0, 1)) and keep the channel axis",
         lambda: _channel_reduce(ref(x, pool, step), average)[..., 0]),
        ("rows and columns are swapped (the result is transposed)",
         lambda: np.swapaxes(ref(x, pool, step), 0, 1)),
    ]
    if average:
        mistakes += [
            ("divided by pool_size instead of the number of pixels in the window "
             "(pool_size * pool_size)",
             lambda: ref(x, pool, step) * pool),
            ("windows that run past the edge were kept and averaged as if padded with zeros "
             "(divided by pool_size * pool_size): 'valid' pooling drops windows that do not fit",
             lambda: _partial_windows(x, pool, step, lambda w: w.sum(axis=(0, 1)) / (pool * pool))),
            ("windows that run past the edge were kept (averaged over the pixels they have): "
             "'valid' pooling drops windows that do not fit",
             lambda: _partial_windows(x, pool, step, lambda w: w.mean(axis=(0, 1)))),
        ]
    else:
        mistakes.append(
            ("windows that run past the edge were kept: 'valid' pooling drops windows that do not "
             "fit, so there are floor((n - pool_size) / stride) + 1 of them",
             lambda: _partial_windows(x, pool, step, lambda w: w.max(axis=(0, 1)))))
    return mistakes


def _channel_reduce(pooled: np.ndarray, average: bool) -> np.ndarray:
    """Reduce a pooled (H', W', C) result over its channels, keeping the axis."""
    if pooled.ndim < 3:
        raise ValueError("no channel axis")
    return pooled.mean(axis=2, keepdims=True) if average else pooled.max(axis=2, keepdims=True)


# --------------------------------------------------------------------------- strategies

# Small integer values as float64, so every sum of products is exact. Each array is
# drawn as one byte string (a single Hypothesis choice: several times cheaper than
# drawing element by element) mapped through a table whose byte 0 is the value 0, so
# a failing example shrinks towards zeros and small values.
_VALUE_OF_BYTE = np.array([0, 1, -1, 2, -2, 3, -3, 4, -4], dtype=np.float64)

# Examples per property test: enough to meet every common mistake on these small
# inputs, few enough that one submission's checks take about a second (phases: see
# autograder/checks/__init__.py).
PROPERTY = property_settings(max_examples=20)


def _values(shape) -> st.SearchStrategy[np.ndarray]:
    """Arrays of the given shape with integer values in [-4, 4] (as float64)."""
    size = int(np.prod(shape))
    return st.binary(min_size=size, max_size=size).map(
        lambda raw: _VALUE_OF_BYTE[np.frombuffer(raw, dtype=np.uint8) % 9].reshape(shape))


@st.composite
def output_size_cases(draw):
    kernel = draw(st.integers(1, 7))
    stride = draw(st.integers(1, 4))
    padding = draw(st.integers(0, 3))
    n = draw(st.integers(max(1, kernel - 2 * padding), 40))
    return n, kernel, stride, padding


@st.composite
def zero_pad_cases(draw):
    shape = (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    return draw(_values(shape)), draw(st.integers(0, 3))


@st.composite
def conv2d_cases(draw, strided: bool):
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride = draw(st.integers(1, 3)) if strided else 1
    padding = draw(st.integers(0, 2)) if strided else 0
    h = draw(st.integers(max(1, kh - 2 * padding), 10))
    w = draw(st.integers(max(1, kw - 2 * padding), 10))
    return draw(_values((h, w))), draw(_values((kh, kw))), stride, padding


@st.composite
def conv2d_multi_cases(draw, padding: str):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    channels, filters = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3))
    low_h, low_w = (1, 1) if padding == "same" else (kh, kw)
    h, w = draw(st.integers(low_h, 8)), draw(st.integers(low_w, 8))
    x = draw(_values((h, w, channels)))
    kernels = draw(_values((kh, kw, channels, filters)))
    bias = draw(_values((filters,)))
    return x, kernels, bias, stride, padding


@st.composite
def pool_cases(draw, channels: bool):
    pool = draw(st.integers(2, 4)) if not channels else draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.integers(1, 3))) if channels else None
    shape = (draw(st.integers(pool, 10)), draw(st.integers(pool, 10)))
    if channels:
        shape += (draw(st.integers(1, 3)),)
    return draw(_values(shape)), pool, stride


# --------------------------------------------------------------------------- output_size

def _check_output_size(n, kernel, stride, padding, run, label=""):
    what = f"output_size(n={n}, kernel={kernel}, stride={stride}, padding={padding}){label}"
    actual = call(what, run)
    check_int(actual, ref_conv.output_size(n, kernel, stride, padding), what,
              _output_size_mistakes(n, kernel, stride, padding))


@grade("test_output_size", 1)
def test_output_size_course_examples(student):
    output_size = student.function("output_size")
    _check_output_size(28, 5, 1, 0, lambda: output_size(28, 5),
                       " [course example: 28x28 input, 5x5 filter, defaults stride=1, padding=0]")
    for n, kernel, stride, padding in COURSE_OUTPUT_SIZES:
        _check_output_size(n, kernel, stride, padding,
                           lambda: output_size(n, kernel, stride, padding), " [course example]")


@grade("test_output_size", 2)
@PROPERTY
@given(case=output_size_cases())
def test_output_size_any_stride_and_padding(student, case):
    n, kernel, stride, padding = case
    output_size = student.function("output_size")
    _check_output_size(n, kernel, stride, padding, lambda: output_size(n, kernel, stride, padding))


# --------------------------------------------------------------------------- zero_pad

def _check_zero_pad(student, x, p, label=""):
    zero_pad = student.function("zero_pad")

    def run(x):
        return zero_pad(x, p)

    def expected(x):
        return ref_conv.zero_pad(x, p)

    def mistakes(x):
        return _zero_pad_mistakes(x, p)

    what = f"zero_pad(image of shape {x.shape}, p={p}){label}"
    check_array(call(what, run, x), expected(x), what, lambda: mistakes(x), lambda: _probe(run, expected, mistakes, x))


@grade("test_zero_pad", 1)
def test_zero_pad_course_example(student):
    _check_zero_pad(student, PAD_IMAGE, 1, " [course example: the padding example's 5x5 image]")
    _check_zero_pad(student, X_IMAGE, 2, " [course example: the X image]")


@grade("test_zero_pad", 2)
@PROPERTY
@given(case=zero_pad_cases())
def test_zero_pad_any_image(student, case):
    _check_zero_pad(student, *case)


# --------------------------------------------------------------------------- conv2d

def _check_conv2d(student, x, k, stride, padding, defaults=False, label=""):
    conv2d = student.function("conv2d")

    def run(x, k):
        return conv2d(x, k) if defaults else conv2d(x, k, stride, padding)

    def expected(x, k):
        return ref_conv.conv2d(x, k, stride=stride, padding=padding)

    def mistakes(x, k):
        return _conv2d_mistakes(x, k, stride, padding)

    what = f"conv2d(image of shape {x.shape}, kernel of shape {k.shape}, stride={stride}, padding={padding}){label}"
    check_array(call(what, run, x, k), expected(x, k), what, lambda: mistakes(x, k),
                lambda: _probe(run, expected, mistakes, x, k))


@grade("test_conv2d", 2)
def test_conv2d_course_examples(student):
    for description, x, k, stride, padding in COURSE_CONVOLUTIONS:
        _check_conv2d(student, x, k, stride, padding, defaults=(stride, padding) == (1, 0),
                      label=f" [course example: {description}]")


@grade("test_conv2d", 1)
@PROPERTY
@given(case=conv2d_cases(strided=False))
def test_conv2d_any_kernel(student, case):
    x, k, _, _ = case
    _check_conv2d(student, x, k, 1, 0, defaults=True)


@grade("test_conv2d", 2)
@PROPERTY
@given(case=conv2d_cases(strided=True))
def test_conv2d_any_stride_and_padding(student, case):
    _check_conv2d(student, *case)


# --------------------------------------------------------------------------- conv2d_multi

def _check_conv2d_multi(student, x, k, b, stride, padding, label=""):
    conv2d_multi = student.function("conv2d_multi")

    def run(x, k, b):
        return conv2d_multi(x, k, b, stride, padding)

    def expected(x, k, b):
        return ref_conv.conv2d(x, k, bias=b, stride=stride, padding=padding)

    def mistakes(x, k, b):
        return _conv2d_multi_mistakes(x, k, b, stride, padding)

    what = (f"conv2d_multi(x of shape {x.shape}, kernels of shape {k.shape}, bias {b.tolist()}, "
            f"stride={stride}, padding={padding!r}){label}")
    check_array(call(what, run, x, k, b), expected(x, k, b), what, lambda: mistakes(x, k, b),
                lambda: _probe(run, expected, mistakes, x, k, b))


def _as_layer_input(*images) -> np.ndarray:
    return np.stack(images, axis=-1).astype(np.float64)


@grade("test_conv2d_multi", 1)
def test_conv2d_multi_course_examples(student):
    one = _as_layer_input(X_IMAGE)
    x_kernel = X_KERNEL.reshape(3, 3, 1, 1).astype(np.float64)
    _check_conv2d_multi(student, one, x_kernel, np.zeros(1), 1, "valid",
                        " [course example: the X image with the X kernel, one channel, one filter]")
    _check_conv2d_multi(student, _as_layer_input(KEEP_IMAGE), x_kernel, np.zeros(1), 1, "same",
                        " [course example: 'same' keeps the size (X kernel)]")
    two = _as_layer_input(X_IMAGE, VERTICAL_IMAGE)
    kernels = np.stack([np.stack([X_KERNEL, VERTICAL_KERNEL], axis=-1),
                        np.stack([VERTICAL_KERNEL, PAD_KERNEL], axis=-1)], axis=-1).astype(np.float64)
    _check_conv2d_multi(student, two, kernels, np.array([1.0, -2.0]), 1, "valid",
                        " [the X and vertical-line images as 2 channels, 2 filters, bias [1, -2]]")
    _check_conv2d_multi(student, two, kernels, np.array([1.0, -2.0]), 2, "same",
                        " [the X and vertical-line images as 2 channels, 2 filters, stride 2, 'same']")


@grade("test_conv2d_multi", 1)
@PROPERTY
@given(case=conv2d_multi_cases("valid"))
def test_conv2d_multi_valid(student, case):
    _check_conv2d_multi(student, *case)


@grade("test_conv2d_multi", 2)
@PROPERTY
@given(case=conv2d_multi_cases("same"))
def test_conv2d_multi_same(student, case):
    _check_conv2d_multi(student, *case)


# --------------------------------------------------------------------------- pooling

def _check_pool(student, name, x, pool, stride, defaults=False, label=""):
    average = name == "avg_pool"
    pool_fn = student.function(name)

    def run(x):
        if defaults:
            return pool_fn(x)
        return pool_fn(x, pool) if stride is None else pool_fn(x, pool, stride)

    def expected(x):
        return (ref_pool.avg_pool if average else ref_pool.max_pool)(x, pool, stride)

    def mistakes(x):
        return _pool_mistakes(x, pool, stride, average)

    what = f"{name}(x of shape {x.shape}, pool_size={pool}, stride={stride}){label}"
    check_array(call(what, run, x), expected(x), what, lambda: mistakes(x), lambda: _probe(run, expected, mistakes, x))


def _pool_course_example(student, name):
    _check_pool(student, name, POOL_MATRIX, 2, None, defaults=True,
                label=" [course example: 2x2 pooling, stride 2 (the defaults)]")
    _check_pool(student, name, POOL_MATRIX, 2, 2, label=" [course example]")
    channels = _as_layer_input(POOL_MATRIX, 10 - POOL_MATRIX)
    _check_pool(student, name, channels, 2, None,
                label=" [the course example and 10 - it as two channels, pooled separately]")


@grade("test_max_pool", 1)
def test_max_pool_course_example(student):
    _pool_course_example(student, "max_pool")


@grade("test_max_pool", 1)
@PROPERTY
@given(case=pool_cases(channels=False))
def test_max_pool_any_image(student, case):
    _check_pool(student, "max_pool", *case)


@grade("test_max_pool", 1)
@PROPERTY
@given(case=pool_cases(channels=True))
def test_max_pool_channels_and_stride(student, case):
    _check_pool(student, "max_pool", *case)


@grade("test_avg_pool", 1)
def test_avg_pool_course_example(student):
    _pool_course_example(student, "avg_pool")


@grade("test_avg_pool", 1)
@PROPERTY
@given(case=pool_cases(channels=False))
def test_avg_pool_any_image(student, case):
    _check_pool(student, "avg_pool", *case)


@grade("test_avg_pool", 1)
@PROPERTY
@given(case=pool_cases(channels=True))
def test_avg_pool_channels_and_stride(student, case):
    _check_pool(student, "avg_pool", *case)
