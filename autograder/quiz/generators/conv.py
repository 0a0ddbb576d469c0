"""Convolution families: output size, and the feature map of a small convolution."""
from __future__ import annotations

import numpy as np

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import conv as ref_conv


def padding_text(padding) -> str:
    if padding in ("valid", "same"):
        return f"padding='{padding}'"
    return f"zero padding of {padding} pixel{'s' if padding != 1 else ''} on each side"


def size_formula(n: int, k: int, s: int, padding) -> str:
    """The course's formula with the numbers filled in (the value itself comes from reference)."""
    if padding == "same":
        return f"Keras 'same' keeps ceil(n / s) = ceil({n} / {s})"
    p = 0 if padding == "valid" else padding
    return f"floor((n - k + 2p) / s) + 1 = floor(({n} - {k} + 2*{p}) / {s}) + 1"


@register("conv-output-size", "Convolution output size", "CNN", ("numeric", "multichoice"))
def conv_output_size(draw: Draw) -> Draft:
    k = draw.choice([1, 2, 3, 3, 3, 5, 5, 7])
    s = draw.choice([1, 1, 2, 2, 3])
    padding = draw.choice(["valid", "valid", "same", "int"])
    if padding == "int":
        padding = draw.integer(1, 3)
    n = draw.integer(max(k, 5), 64)
    channels = draw.choice([1, 3, 3, 8, 16, 32])
    filters = draw.choice([4, 8, 16, 32, 64])
    key = ref_conv.output_size(n, k, s, padding)
    prompt = (f"A convolution layer with {filters} filters of size {k}x{k}, stride {s} and "
              f"{padding_text(padding)} is applied to a {n}x{n}x{channels} input. "
              "What is the height (= width) of each output feature map?")
    args = (n, k, s, padding)
    mistakes = mistakes_of(
        (M.ceil_instead_of_floor, *args), (M.forgot_the_plus_one, *args),
        (M.used_same_instead_of_valid, *args), (M.used_valid_instead_of_same, *args),
        (M.ignored_the_stride, *args), (M.ignored_the_padding, *args), (M.padded_one_side, *args))
    return Draft(prompt=prompt,
                 params={"n": n, "kernel": k, "stride": s, "padding": padding,
                         "channels": channels, "filters": filters},
                 answer=key, explanation=f"{size_formula(n, k, s, padding)} = {key}.",
                 mistakes=mistakes, minimum=1)


def _kernel(draw: Draw, k: int) -> list[list[int]]:
    """A small integer kernel, not symmetric under a flip when possible (so flipping is visible)."""
    for _ in range(8):
        kernel = [[draw.choice([-1, 0, 1, 1, 2]) for _ in range(k)] for _ in range(k)]
        arr = np.array(kernel)
        if arr.any() and not np.array_equal(arr, arr[::-1, ::-1]):
            return kernel
    return kernel


@register("conv-feature-map", "Feature map of a small convolution", "CNN", ("matrix", "numeric"))
def conv_feature_map(draw: Draw) -> Draft:
    n = draw.integer(4, 6)
    k = draw.choice([2, 3, 3])
    binary = draw.chance(0.5)
    stride = draw.choice([1, 1, 2])
    padding = draw.choice(["valid", "valid", 1, "same"])
    if ref_conv.output_size(n, k, stride, padding) < 2:
        stride = 1
    for _ in range(10):  # an output of one repeated value is a poor question: redraw
        x = [[draw.integer(0, 1) if binary else draw.integer(0, 3) for _ in range(n)]
             for _ in range(n)]
        kernel = _kernel(draw, k)
        key = ref_conv.conv2d(np.array(x), np.array(kernel), stride=stride, padding=padding)
        if len(np.unique(key)) > 1:
            break
    size = key.shape[0]
    prompt = (f"Cross-correlate the {n}x{n} input with the {k}x{k} kernel below, as Keras Conv2D "
              f"does (no bias, no activation), with stride {stride} and {padding_text(padding)}. "
              "What is the output feature map?")
    args = (x, kernel, stride, padding)
    mistakes = mistakes_of(
        (M.flipped_the_kernel, *args), (M.transposed_the_kernel, *args),
        (M.ignored_the_padding_map, *args), (M.ignored_the_stride_map, *args),
        (M.padded_one_side_map, *args), (M.padded_the_wrong_side, *args))
    explanation = (f"The output is {size}x{size} ({size_formula(n, k, stride, padding)}); each entry "
                   "is the sum of the kernel times the window under it, the window moving "
                   f"{stride} pixel{'s' if stride > 1 else ''} at a time.")
    return Draft(prompt=prompt,
                 params={"x": x, "kernel": kernel, "stride": stride, "padding": padding},
                 answer=key, explanation=explanation, mistakes=mistakes, kinds=("matrix", "numeric"),
                 figures=(Figure("Input", matrix=x), Figure("Kernel", matrix=kernel)))
