"""One definition per mistake: the mutants compute what autograder.mistakes says, in the same words.

A mutant is a student's function and cannot call autograder.mistakes (a student's
kernel has no autograder), so it writes the mistaken formula out. Here each one, as
the cell the grader hands in (autograder.mutants.replacement_source run in the
solution's namespace), is proven equal to its mistake's `wrong` over a grid of inputs,
type included; where `wrong` gives None the mistake changes nothing and the mutant
must give the right answer. Its catalogue entry must expect the mistake's hint, and
the quiz's feedback for a shared mistake must be the same words.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from autograder import assignments
from autograder import mistakes as shared
from autograder.mutants import OWN, load_catalogue, replacement_source
from autograder.quiz import mistakes as quiz
from reference import conv as ref_conv
from reference import shapes as ref_shapes

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- the grids

def _output_size_cases():
    """output_size(n, kernel, stride, padding) wherever the padded input fits the kernel."""
    for n, k, s, p in itertools.product(range(1, 13), range(1, 6), range(1, 5), range(4)):
        if n + 2 * p >= k:
            yield n, k, s, p


def _sides():
    return ((1, 1), (5, 3), (7, 8), (12, 12), (28, 32))


def _conv_shape_cases():
    """conv_output_shape(input_shape, filters, kernel_size, strides, padding) of a layer that fits."""
    for (h, w), k, s, padding in itertools.product(_sides(), range(1, 6), range(1, 4), ("valid", "same")):
        if padding == "same" or min(h, w) >= k:
            yield (h, w, 3), 4, k, s, padding


def _pool_shape_cases():
    """pool_output_shape(input_shape, pool_size, strides, padding), strides None or given."""
    for (h, w), pool, s, padding in itertools.product(_sides(), range(1, 5), (None, 1, 2, 3), ("valid", "same")):
        if padding == "same" or min(h, w) >= pool:
            yield (h, w, 2), pool, s, padding


def _conv_params_cases():
    return itertools.product((1, 2, 3, 5), (1, 3, 8), (1, 4, 16), (True, False))


def _dense_params_cases():
    return itertools.product((1, 2, 10, 16, 120, 400), (1, 2, 16, 120, 400), (True, False))


# --------------------------------------------------------------------------- what each mutant must give

def _or_right(wrong, right):
    """What a student with the mistake answers: the mistaken value, or the right one where
    the mistake changes nothing (None)."""
    return right if wrong is None else wrong


def _output_size(mistake, n, k, s, p):
    return _or_right(mistake.wrong(n, k, s, p), ref_conv.output_size(n, k, s, p))


def _window_shape(wrong_length, input_shape, window, strides, padding, channels):
    h, w, _ = input_shape
    return tuple(_or_right(wrong_length(n), ref_shapes.conv_output_length(n, window, strides, padding))
                 for n in (h, w)) + (channels,)


def _conv_shape(mistake, input_shape, filters, k, s, padding):
    return _window_shape(lambda n: mistake.wrong(n, k, s, padding), input_shape, k, s, padding, filters)


def _pool_shape(mistake, input_shape, pool, strides, padding):
    step = pool if strides is None else strides
    return _window_shape(lambda n: mistake.wrong(n, pool, step, padding), input_shape, pool, step, padding,
                         input_shape[2])


def _pool_shape_defaulted(mistake, input_shape, pool, strides, padding):
    """A mistake about the default stride: a stride the student is given, they use right."""
    step = pool if strides is None else strides
    wrong = (lambda n: mistake.wrong(n, pool, step, padding)) if strides is None else (lambda n: None)
    return _window_shape(wrong, input_shape, pool, step, padding, input_shape[2])


def _conv_params(mistake, k, c, f, use_bias):
    return _or_right(mistake.wrong(k, c, f, use_bias), ref_shapes.conv_params(k, c, f, use_bias))


def _dense_params(mistake, i, u, use_bias):
    return _or_right(mistake.wrong(*shared.dense_layer(i, u, use_bias)), ref_shapes.dense_params(i, u, use_bias))


# mutant -> (assignment, the mistake it makes, its inputs, what a student with the mistake answers)
OUTPUT_SIZE = ("conv-pooling", _output_size_cases, _output_size)
CONV_SHAPE = ("cnn-shapes", _conv_shape_cases, _conv_shape)
POOL_SHAPE = ("cnn-shapes", _pool_shape_cases, _pool_shape)
CONV_PARAMS = ("cnn-shapes", _conv_params_cases, _conv_params)
DENSE_PARAMS = ("cnn-shapes", _dense_params_cases, _dense_params)
PROVEN = {
    "output_size_ceil": (OUTPUT_SIZE, shared.ceil_instead_of_floor),
    "output_size_no_plus_one": (OUTPUT_SIZE, shared.forgot_the_plus_one),
    "output_size_padding_once": (OUTPUT_SIZE, shared.padded_one_side),
    "output_size_true_division": (OUTPUT_SIZE, shared.true_division),
    "conv_output_shape_same_as_valid": (CONV_SHAPE, shared.used_valid_instead_of_same),
    "conv_output_shape_ceil": (CONV_SHAPE, shared.ceil_instead_of_floor),
    "conv_output_shape_strides_ignored": (CONV_SHAPE, shared.ignored_the_stride),
    "conv_output_shape_true_division": (CONV_SHAPE, shared.true_division),
    "pool_output_shape_stride_one": (("cnn-shapes", _pool_shape_cases, _pool_shape_defaulted),
                                     shared.pooled_with_stride_1),
    "pool_output_shape_same_as_valid": (POOL_SHAPE, shared.used_valid_instead_of_same),
    "conv_params_no_bias": (CONV_PARAMS, shared.forgot_the_bias),
    "conv_params_no_in_channels": (CONV_PARAMS, shared.forgot_the_input_channels),
    "conv_params_use_bias_ignored": (CONV_PARAMS, shared.added_a_bias_anyway),
    "conv_params_kernel_not_squared": (CONV_PARAMS, shared.used_k_not_k_squared),
    "dense_params_no_bias": (DENSE_PARAMS, shared.forgot_the_bias),
    "dense_params_use_bias_ignored": (DENSE_PARAMS, shared.added_a_bias_anyway),
    "dense_params_bias_per_input": (DENSE_PARAMS, shared.bias_per_input),
}
# Mutants that expect a shared hint without being a formula to prove: the exercise tables take
# their wrong numbers from the mistakes themselves, and summarize calls the solution's own
# conv_params / dense_params with use_bias left out.
NOT_FORMULAS = {"exercise_table_conv_no_in_channels", "exercise_table_dense_no_bias",
                "exercise_table_pool_stride_one", "summarize_use_bias_ignored"}


def _catalogue(name):
    return load_catalogue(assignments.load(ROOT, name))


def _mutant(name, mutant_name):
    return next(m for m in _catalogue(name).mutants if m.name == mutant_name)


def _as_handed_in(name, mutant):
    """The mutant's function as the grader hands it in: its cell's source, run in a fresh
    namespace holding the solution (the rest of the student's notebook)."""
    function = mutant.first
    namespace = assignments.load(ROOT, name).solution_namespace()
    provided = frozenset(namespace) - {function}
    exec(replacement_source(function, mutant.replaces[function], provided=provided), namespace)
    return namespace[function]


def _exactly(value):
    """A value with the type of every part: 3 and 3.0, (3, 4) and [3, 4] differ."""
    if isinstance(value, (tuple, list)):
        return type(value).__name__, tuple(_exactly(v) for v in value)
    return type(value).__name__, value


@pytest.mark.parametrize("mutant_name", sorted(PROVEN))
def test_the_mutant_computes_its_mistakes_formula(mutant_name):
    (name, cases, answer), mistake = PROVEN[mutant_name]
    student = _as_handed_in(name, _mutant(name, mutant_name))
    checked = 0
    for case in cases():
        assert _exactly(student(*case)) == _exactly(answer(mistake, *case)), f"{mutant_name}{case}"
        checked += 1
    assert checked >= 50


@pytest.mark.parametrize("mutant_name", sorted(PROVEN))
def test_the_mutant_expects_its_mistakes_hint(mutant_name):
    (name, _, _), mistake = PROVEN[mutant_name]
    assert mistake.hint in _mutant(name, mutant_name).loses[OWN]


def test_every_mutant_that_expects_a_shared_hint_is_proven():
    hints = {m.hint for m in shared.MISTAKES.values()}
    claiming = {m.name for name in ("conv-pooling", "cnn-shapes") for m in _catalogue(name).mutants
                if hints & {w for words in m.loses.values() for w in words}}
    assert claiming - NOT_FORMULAS == set(PROVEN)


def test_a_mistake_that_does_not_change_the_answer_gives_none():
    assert shared.ignored_the_stride.wrong(28, 5, 1, "valid") is None
    assert shared.padded_one_side.wrong(28, 5, 2, 0) is None
    assert shared.ceil_instead_of_floor.wrong(28, 5, 2, "same") is None
    assert shared.forgot_the_bias.wrong(5, 3, 8, False) is None
    assert shared.added_a_bias_anyway.wrong(5, 3, 8, True) is None
    assert shared.forgot_the_input_channels.wrong(5, 1, 8, True) is None


def test_the_course_numbers():
    # 28x28 with a 5x5 filter -> 24; Conv2D(8, 5) on 32x32x3 -> 608 parameters; Dense(120) on 400 -> 48120.
    assert shared.forgot_the_plus_one.wrong(28, 5, 1, 0) == 23
    assert shared.ceil_instead_of_floor.wrong(7, 2, 2, "valid") == 4
    assert shared.true_division.wrong(7, 2, 2, 0) == 3.5
    assert shared.forgot_the_input_channels.wrong(5, 3, 8, True) == 208
    assert shared.bias_per_input_channel.wrong(5, 3, 8, True) == 624
    assert shared.forgot_the_bias.wrong(*shared.dense_layer(400, 120)) == 48000


def test_the_words_are_one_sentence_read_the_same_by_hint_and_quiz():
    for mistake in shared.MISTAKES.values():
        assert mistake.words[0].islower() and not mistake.words.endswith("."), mistake.name
        assert mistake.feedback[0].isupper() and mistake.feedback.endswith(".")
        assert mistake.feedback[1:-1] == mistake.hint[1:], mistake.name
        if mistake.name in quiz.MISTAKES:
            assert quiz.MISTAKES[mistake.name].label == mistake.feedback
    # The same mistakes made on a whole model (the architecture family) read the same too.
    assert quiz.used_valid_for_same_layers.label == shared.used_valid_instead_of_same.feedback
    assert quiz.used_same_for_valid_layers.label == shared.used_same_instead_of_valid.feedback
    assert quiz.pooled_with_stride_1.label == shared.pooled_with_stride_1.feedback
    assert quiz.forgot_the_plus_one_in_layers.label == shared.forgot_the_plus_one.feedback

