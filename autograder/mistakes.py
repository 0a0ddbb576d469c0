"""Student mistakes that the quiz, the checks' hints and the mutants all model, each defined once.

A Mistake is a name, the words a student reads and the wrong computation:

- the quiz offers `wrong(...)` as a distractor, with `feedback` (autograder/quiz/mistakes.py);
- a check names it, `hint` after "Likely mistake:", when the student's answer equals
  `wrong(...)` (assignments/conv-pooling/checks.py, assignments/cnn-shapes/checks.py);
- a mutant is a student's function computing the same formula. It cannot import this
  module (a student's kernel has no autograder), so tests/checks/test_shared_mistakes.py
  proves each one equal to its mistake's `wrong` over a grid of inputs.

Two families, one signature each:

- the output size of a convolution or pooling window along one axis:
  wrong(n, k, s, padding), padding an int p (zeros on each side), "valid" or "same";
- the parameter count of a layer: wrong(kernel_size, in_channels, filters, use_bias),
  kernel_size an int k or a pair (k_h, k_w). A Dense layer is `dense_layer(in_units,
  units, use_bias)`: a 1 x 1 kernel over its inputs has the same count, so a bias
  mistake is defined once for both layers.

`wrong` returns None where the mistake cannot be made or changes nothing (ignoring a
stride of 1, forgetting the bias when use_bias=False); otherwise what the mistake gives,
even where that happens to be right. Pure arithmetic: nothing from the grader.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Mistake:
    name: str
    words: str                   # starts with a lower-case word, no final period
    wrong: Callable[..., Any]

    @property
    def hint(self) -> str:
        """What a check prints after "Likely mistake:"."""
        return self.words

    @property
    def feedback(self) -> str:
        """The quiz distractor's feedback: the same words, as a sentence."""
        return self.words[0].upper() + self.words[1:] + "."


MISTAKES: dict[str, Mistake] = {}


def mistake(words: str):
    """Define the mistake that the decorated function computes, named after it."""
    def define(wrong: Callable[..., Any]) -> Mistake:
        if wrong.__name__ in MISTAKES:
            raise ValueError(f"mistake {wrong.__name__} defined twice")
        MISTAKES[wrong.__name__] = defined = Mistake(wrong.__name__, words, wrong)
        return defined
    return define


# --------------------------------------------------------------------------- output size

def _pad(padding) -> int | None:
    """Zeros on each side: p for an int, 0 for "valid", None for "same" (no p in its formula)."""
    if padding == "same":
        return None
    return 0 if padding == "valid" else int(padding)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@mistake("rounded up (ceil) instead of down: the last, partial window does not fit, "
         "so the size is floor((n - k + 2p) / s) + 1")
def ceil_instead_of_floor(n, k, s, padding):
    p = _pad(padding)
    if p is None:
        return None
    return _ceil_div(n - k + 2 * p, s) + 1


@mistake("the +1 is missing: floor((n - k + 2p) / s) counts the steps, and the first window adds one")
def forgot_the_plus_one(n, k, s, padding):
    p = _pad(padding)
    if p is None:
        return None
    return (n - k + 2 * p) // s


@mistake("true division: `/` gives a float; use floor division `//` (and -(-n // s) to round up) "
         "so sizes stay ints")
def true_division(n, k, s, padding):
    p = _pad(padding)
    if p is None:
        return None
    return (n - k + 2 * p) / s + 1


@mistake("the padding was counted once: p zeros go on each side, so the input grows by 2p")
def padded_one_side(n, k, s, padding):
    p = _pad(padding)
    if not p:
        return None
    return (n - k + p) // s + 1


@mistake("the padding was left out: zero padding p on each side adds 2p, floor((n - k + 2p) / s) + 1")
def ignored_the_padding(n, k, s, padding):
    p = _pad(padding)
    if not p:
        return None
    return (n - k) // s + 1


@mistake("the stride was left out: the window moves s pixels at a time, so (n - k + 2p) is "
         "divided by s, and 'same' gives ceil(n / s)")
def ignored_the_stride(n, k, s, padding):
    if s == 1:
        return None
    p = _pad(padding)
    return n if p is None else n - k + 2 * p + 1


@mistake("pooled with stride 1: a pooling window moves by the stride, which defaults to the pool "
         "size (strides=None), not 1")
def pooled_with_stride_1(n, k, s, padding):
    # The size of ignoring the stride: a check names this cause where the stride was defaulted.
    return ignored_the_stride.wrong(n, k, s, padding)


@mistake("the 'same' padding was treated as 'valid': 'same' pads so that the output is "
         "ceil(n / s), whatever the kernel")
def used_valid_instead_of_same(n, k, s, padding):
    if padding != "same":
        return None
    return (n - k) // s + 1


@mistake("the 'valid' padding was treated as 'same': 'valid' adds no padding, so the output is "
         "floor((n - k) / s) + 1")
def used_same_instead_of_valid(n, k, s, padding):
    if padding != "valid":
        return None
    return _ceil_div(n, s)


# --------------------------------------------------------------------------- parameter counts

def dense_layer(in_units: int, units: int, use_bias: bool = True) -> tuple:
    """A Dense layer's arguments for a parameter-count mistake: a 1 x 1 kernel over its inputs."""
    return 1, in_units, units, use_bias


def _sides(kernel_size) -> tuple[int, int]:
    return (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)


def _weights(kernel_size, in_channels, filters) -> int:
    kh, kw = _sides(kernel_size)
    return kh * kw * in_channels * filters


@mistake("the biases are missing: each filter (or unit) has one bias, so add F (or the number of units)")
def forgot_the_bias(kernel_size, in_channels, filters, use_bias=True):
    if not use_bias:
        return None
    return _weights(kernel_size, in_channels, filters)


@mistake("the biases were counted although use_bias=False: without biases there are only the "
         "weights (as before BatchNormalization)")
def added_a_bias_anyway(kernel_size, in_channels, filters, use_bias=True):
    if use_bias:
        return None
    return _weights(kernel_size, in_channels, filters) + filters


@mistake("the input channels were left out: each filter spans all C input channels, so it has "
         "k*k*C weights: (k*k*C + 1) * F")
def forgot_the_input_channels(kernel_size, in_channels, filters, use_bias=True):
    if in_channels == 1:
        return None
    return _weights(kernel_size, 1, filters) + (filters if use_bias else 0)


@mistake("counted one filter only: multiply by the number of filters F")
def counted_one_filter(kernel_size, in_channels, filters, use_bias=True):
    if filters == 1:
        return None
    return _weights(kernel_size, in_channels, 1) + (1 if use_bias else 0)


@mistake("the kernel side was not squared: a k x k kernel has k*k weights per input channel")
def used_k_not_k_squared(kernel_size, in_channels, filters, use_bias=True):
    kh, kw = _sides(kernel_size)
    if kh == 1 and kw == 1:
        return None
    return _weights((kh, 1), in_channels, filters) + (filters if use_bias else 0)


@mistake("one bias per input was counted; there is one bias per unit: (in + 1) * units, "
         "not in * (units + 1)")
def bias_per_input(kernel_size, in_channels, filters, use_bias=True):
    if not use_bias or in_channels == filters:
        return None
    return _weights(kernel_size, in_channels, filters) + in_channels


@mistake("one bias per input channel was counted; there is one bias per filter")
def bias_per_input_channel(kernel_size, in_channels, filters, use_bias=True):
    if not use_bias or in_channels == 1:
        return None
    return _weights(kernel_size, in_channels, filters) + in_channels * filters
