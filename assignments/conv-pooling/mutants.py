"""Known-wrong student implementations for the conv-pooling assignment.

Each mutant is the mistake a student actually makes, written as the student would
write the whole function. The test installs it in a notebook-like namespace
(the reference solution exec'd anew), so other functions that call it (conv2d
calls output_size and zero_pad, the pooling functions call output_size) see it,
as they would in the student's kernel. A mutant that calls a helper uses the
correct one from the reference solution.

`symptoms`: words the failure messages of the mutant's own cell must contain.
`also_loses`: the other cells that must lose points because they call it.

The output_size mutants are mistakes of autograder/mistakes.py (which the checks'
hints and the quiz share): their symptom is the mistake's hint, and
tests/checks/test_shared_mistakes.py proves each computes its mistake's formula
(a mutant cannot call it: the student's kernel has no autograder).
"""
from __future__ import annotations

import numpy as np

from autograder import mistakes as shared
from autograder.assignments import here
from autograder.mutants import function_mutant

# The solution's own functions, which the mutants below call as a student's notebook would.
SOLUTION = here(__file__).solution_namespace()
output_size = SOLUTION['output_size']
zero_pad = SOLUTION['zero_pad']


# --------------------------------------------------------------------------- output_size

def output_size_ceil(n, kernel, stride=1, padding=0):
    return int(np.ceil((n - kernel + 2 * padding) / stride)) + 1


def output_size_no_plus_one(n, kernel, stride=1, padding=0):
    return (n - kernel + 2 * padding) // stride


def output_size_padding_once(n, kernel, stride=1, padding=0):
    return (n - kernel + padding) // stride + 1


def output_size_true_division(n, kernel, stride=1, padding=0):
    return (n - kernel + 2 * padding) / stride + 1


def output_size_as_text(n, kernel, stride=1, padding=0):
    size = (n - kernel + 2 * padding) // stride + 1
    return f"{size}x{size}"


# --------------------------------------------------------------------------- zero_pad

def zero_pad_one_side(image, p):
    return np.pad(np.asarray(image), ((0, p), (0, p)))


def zero_pad_edge_values(image, p):
    return np.pad(np.asarray(image), p, mode="edge")


# --------------------------------------------------------------------------- conv2d

def conv2d_flipped_kernel(image, kernel, stride=1, padding=0):
    image = zero_pad(np.asarray(image, dtype=float), padding)
    kernel = np.asarray(kernel, dtype=float)[::-1, ::-1]  # "convolution" as in signal processing
    kh, kw = kernel.shape
    out_h = output_size(image.shape[0], kh, stride)
    out_w = output_size(image.shape[1], kw, stride)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def conv2d_stride_ignored(image, kernel, stride=1, padding=0):
    image = zero_pad(np.asarray(image, dtype=float), padding)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out_h = output_size(image.shape[0], kh, stride)
    out_w = output_size(image.shape[1], kw, stride)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)  # forgot * stride
    return out


def conv2d_transposed(image, kernel, stride=1, padding=0):
    image = zero_pad(np.asarray(image, dtype=float), padding)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out_h = output_size(image.shape[0], kh, stride)
    out_w = output_size(image.shape[1], kw, stride)
    out = np.zeros((out_w, out_h))
    for i in range(out_h):
        for j in range(out_w):
            out[j, i] = np.sum(image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def conv2d_unfilled_nan(image, kernel, stride=1, padding=0):
    image = zero_pad(np.asarray(image, dtype=float), padding)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out_h = output_size(image.shape[0], kh, stride)
    out_w = output_size(image.shape[1], kw, stride)
    out = np.full((out_h, out_w), np.nan)
    for i in range(out_h):
        for j in range(out_w - 1):  # off by one: the last column is never filled
            out[i, j] = np.sum(image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


# --------------------------------------------------------------------------- conv2d_multi

def _multi(x, kernels, bias, stride, padding, *, use_bias=True, odd_first=False, pad_same=True,
           channels=None, dot=False):
    """The student's conv2d_multi with one of several switches flipped (shared by the mutants)."""
    x = np.asarray(x, dtype=float)
    kernels = np.asarray(kernels, dtype=float)
    kh, kw, c, filters = kernels.shape
    pads = []
    for n, k in ((x.shape[0], kh), (x.shape[1], kw)):
        total = max((-(-n // stride) - 1) * stride + k - n, 0) if padding == "same" and pad_same else 0
        pads.append((total - total // 2, total // 2) if odd_first else (total // 2, total - total // 2))
    x = np.pad(x, (pads[0], pads[1], (0, 0)))
    out_h = (x.shape[0] - kh) // stride + 1
    out_w = (x.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w, filters))
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + kh, j * stride:j * stride + kw, :channels]
            if dot:
                out[i, j, :] = np.dot(window, kernels) + bias
                continue
            for f in range(filters):
                out[i, j, f] = np.sum(window * kernels[:, :, :channels, f]) + (bias[f] if use_bias else 0)
    return out


def conv2d_multi_no_bias(x, kernels, bias, stride=1, padding="valid"):
    return _multi(x, kernels, bias, stride, padding, use_bias=False)


def conv2d_multi_odd_pixel_top_left(x, kernels, bias, stride=1, padding="valid"):
    return _multi(x, kernels, bias, stride, padding, odd_first=True)


def conv2d_multi_same_as_valid(x, kernels, bias, stride=1, padding="valid"):
    return _multi(x, kernels, bias, stride, padding, pad_same=False)


def conv2d_multi_first_channel_only(x, kernels, bias, stride=1, padding="valid"):
    return _multi(x, kernels, bias, stride, padding, channels=1)


def conv2d_multi_np_dot(x, kernels, bias, stride=1, padding="valid"):
    return _multi(x, kernels, bias, stride, padding, dot=True)


# --------------------------------------------------------------------------- pooling

def _pool(x, pool_size, stride, reduce, out_channels=True):
    x = np.asarray(x, dtype=float)
    out_h = (x.shape[0] - pool_size) // stride + 1
    out_w = (x.shape[1] - pool_size) // stride + 1
    out = np.zeros((out_h, out_w) + (x.shape[2:] if out_channels else ()))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = reduce(x[i * stride:i * stride + pool_size, j * stride:j * stride + pool_size])
    return out


def max_pool_stride_one(x, pool_size=2, stride=None):
    if stride is None:
        stride = 1
    return _pool(x, pool_size, stride, lambda w: w.max(axis=(0, 1)))


def max_pool_ignores_stride(x, pool_size=2, stride=None):
    return _pool(x, pool_size, 1, lambda w: w.max(axis=(0, 1)))  # every window, whatever the stride


def max_pool_over_channels(x, pool_size=2, stride=None):
    return _pool(x, pool_size, stride or pool_size, lambda w: w.max())


def max_pool_2d_only(x, pool_size=2, stride=None):
    return _pool(x, pool_size, stride or pool_size, lambda w: w.max(axis=(0, 1)), out_channels=False)


def avg_pool_divides_by_pool_size(x, pool_size=2, stride=None):
    return _pool(x, pool_size, stride or pool_size, lambda w: w.sum(axis=(0, 1)) / pool_size)


def avg_pool_past_the_edge(x, pool_size=2, stride=None):
    x = np.asarray(x, dtype=float)
    stride = stride or pool_size
    rows = []
    for i in range(0, x.shape[0], stride):  # every start, even where the window runs off the image
        rows.append([x[i:i + pool_size, j:j + pool_size].sum(axis=(0, 1)) / pool_size ** 2
                     for j in range(0, x.shape[1], stride)])
    return np.array(rows)


EVERY_CALLER = ("test_conv2d", "test_conv2d_multi", "test_max_pool", "test_avg_pool")

MUTANTS = (
    function_mutant("output_size_ceil", "output_size", output_size_ceil, (shared.ceil_instead_of_floor.hint,),
           EVERY_CALLER),
    function_mutant("output_size_no_plus_one", "output_size", output_size_no_plus_one,
           (shared.forgot_the_plus_one.hint,), EVERY_CALLER),
    function_mutant("output_size_padding_once", "output_size", output_size_padding_once,
           (shared.padded_one_side.hint,)),
    function_mutant("output_size_true_division", "output_size", output_size_true_division,
           (shared.true_division.hint,), EVERY_CALLER),
    function_mutant("output_size_as_text", "output_size", output_size_as_text, ("expected an int", "str"), EVERY_CALLER),
    function_mutant("zero_pad_one_side", "zero_pad", zero_pad_one_side, ("one side",), ("test_conv2d",)),
    function_mutant("zero_pad_edge_values", "zero_pad", zero_pad_edge_values, ("zero padding adds zeros",),
           ("test_conv2d",)),
    function_mutant("conv2d_flipped_kernel", "conv2d", conv2d_flipped_kernel, ("flipped", "cross-correlation")),
    function_mutant("conv2d_stride_ignored", "conv2d", conv2d_stride_ignored, ("stride was ignored",)),
    function_mutant("conv2d_transposed", "conv2d", conv2d_transposed, ("transposed",)),
    function_mutant("conv2d_unfilled_nan", "conv2d", conv2d_unfilled_nan, ("NaN",)),
    function_mutant("conv2d_multi_no_bias", "conv2d_multi", conv2d_multi_no_bias, ("bias is missing",)),
    function_mutant("conv2d_multi_odd_pixel_top_left", "conv2d_multi", conv2d_multi_odd_pixel_top_left,
           ("odd pixel", "bottom/right")),
    function_mutant("conv2d_multi_same_as_valid", "conv2d_multi", conv2d_multi_same_as_valid,
           ("'same' was treated as 'valid'",)),
    function_mutant("conv2d_multi_first_channel_only", "conv2d_multi", conv2d_multi_first_channel_only,
           ("first input channel",)),
    function_mutant("conv2d_multi_np_dot", "conv2d_multi", conv2d_multi_np_dot, ("raised ValueError",)),
    function_mutant("max_pool_stride_one", "max_pool", max_pool_stride_one, ("defaults to the pool size",)),
    function_mutant("max_pool_ignores_stride", "max_pool", max_pool_ignores_stride, ("as if the stride were 1",)),
    function_mutant("max_pool_over_channels", "max_pool", max_pool_over_channels, ("channels were pooled together",)),
    function_mutant("max_pool_2d_only", "max_pool", max_pool_2d_only, ("raised ValueError",)),
    function_mutant("avg_pool_divides_by_pool_size", "avg_pool", avg_pool_divides_by_pool_size,
           ("divided by pool_size",)),
    function_mutant("avg_pool_past_the_edge", "avg_pool", avg_pool_past_the_edge, ("past the edge",)),
)
