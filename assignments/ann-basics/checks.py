"""Hidden checks for the `ann-basics` assignment.

One group of tests per graded cell of source/ann-basics/ann-basics.ipynb:

    test_activations    sigmoid, tanh, relu, leaky_relu(z, alpha=0.01) and their *_derivative(z)
    test_neuron         neuron(x, w, b, activation="sigmoid")
    test_softmax        softmax(z), over the last axis
    test_losses         binary_crossentropy, categorical_crossentropy, mse, mae (y_true, y_pred)
    test_metrics        accuracy(y_true, y_pred), confusion_matrix(y_true, y_pred, num_classes=None)
    test_gradient_step  gradient_step(x, y, weights, biases, rate, activation="sigmoid")

Each group has fixed tests (the notebook's and the course's examples: sigmoid(0)
= 0.5, the course's alpha = 0.01, the HDB resale prices, ten Fashion-MNIST
classes...) and Hypothesis property tests on small inputs drawn from tables of
values that include the hard cases (z = +-800, logits of 1000, probabilities of
exactly 0 and 1). Expected values come only from the trusted references
(reference/activations.py, losses.py, metrics.py, mlp.py). When a result is
wrong, the check recomputes the common mistakes (g' = g, softmax over the wrong
axis, no clipping, a sum for a mean, W + rate * dJ/dW...) and names the one the
student's result matches.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.bridge import StudentError
from autograder.checks import grade, property_settings
from autograder.checks.compare import assert_array_matches, typed
from autograder.checks import hints
from autograder.checks.hints import (call, explain, explaining, probe_varied,
                                     same_result_allowing_nan, with_hint)
from reference import activations as ref_act
from reference import losses as ref_loss
from reference import metrics as ref_metrics
from reference import mlp as ref_mlp

# Examples per property test: enough to meet every common mistake on these small
# inputs, few enough that a submission's checks take a couple of seconds.
PROPERTY = property_settings(max_examples=25)

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")
COURSE_ALPHA = 0.01  # the slides' Leaky ReLU slope
EPSILON = ref_loss.EPSILON  # Keras clips probabilities to [1e-7, 1 - 1e-7]

# --------------------------------------------------------------------------- explaining failures


def _explain(actual, mistakes, probe=None, same=same_result_allowing_nan) -> str | None:
    # A probe that is wrong like no known mistake names nothing: a match on the (often
    # degenerate) input itself would be a coincidence.
    return explain(actual, mistakes, probe, same, fall_back=False)


BOOLEANS = ("the result holds booleans (True/False), e.g. from z > 0: turn them into numbers "
            "with .astype(float)")


def check_array(actual, expected, what: str, mistakes=None, probe=None, helpers=None) -> None:
    # fall_back=False: see _explain
    hints.check_array(actual, expected, what, mistakes, probe, helpers, booleans=BOOLEANS,
                      fall_back=False)


def _broken_helper(student, names, caller: str, error: str | None = None) -> str | None:
    """The first of the student's functions `names` (elementwise ones, or mse) that gives
    wrong values on PROBE_Z: `caller` uses it, so its failure may be that function's.
    error: the text of what `caller` raised, if it did; unfinished work is named as it is."""
    if error is not None and "NotImplementedError" in error:
        return None
    for name in names:
        zeros = np.zeros_like(PROBE_Z)
        try:
            fn = student.function(name)
            got = fn(PROBE_Z, zeros) if name == "mse" else fn(PROBE_Z)
        except StudentError as exc:
            return f"{caller} uses {name}(), which fails: {exc}"
        want = ref_loss.mse(PROBE_Z, zeros) if name == "mse" else TRUSTED[name](PROBE_Z)
        if not same_result_allowing_nan(got, want):
            return (f"{caller} uses your {name}(), which gives wrong values (see its own checks): "
                    f"fix {name} first")
    return None


def _describe(a) -> str:
    return typed(a, limit=16, array=False)  # a number stays a number


def _distinct_like(array, salt: int) -> np.ndarray:
    """An array of the same shape with varied values in [-2, 2] (fixed seed)."""
    array = np.asarray(array)
    return np.random.default_rng(4200 + salt).integers(-4, 5, size=array.shape) / 2.0


def _probe(run, expected, mistakes, *arrays):
    """(student's result, expected, mistakes) on the same shapes with varied values."""
    return probe_varied(run, expected, mistakes, _distinct_like, *arrays)


# --------------------------------------------------------------------------- value tables

# Each array is drawn as one byte string mapped through a table (a single Hypothesis
# choice, cheap); byte 0 is the table's first value, so failures shrink towards it.
Z_VALUES = np.array([0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 10, -10, 800, -800], dtype=np.float64)
SMALL_VALUES = np.array([0, 1, -1, 2, -2, 0.5, -0.5], dtype=np.float64)
LOGITS = np.array([0, 1, -1, 2, -2, 3, -3, 5, -5, 1000, -1000], dtype=np.float64)
PROBABILITIES = np.array([0.5, 0.25, 0.75, 0.1, 0.9, 0.0, 1.0, 0.01, 0.99], dtype=np.float64)
COUNTS = np.array([1, 0, 2, 3, 4], dtype=np.float64)
INTEGERS = np.array([0, 1, -1, 2, -2, 3, -3, 4, -4], dtype=np.float64)
WEIGHTS = np.array([0, 0.5, -0.5, 1, -1, 0.25, -0.25, 2, -2], dtype=np.float64)
TARGETS = np.array([0, 1, 0.5, -1, 2], dtype=np.float64)
PROBE_Z = np.array([-800, -3, -1, -0.5, 0, 0.5, 1, 3, 800], dtype=np.float64)


def _table(shape, table) -> st.SearchStrategy[np.ndarray]:
    size = int(np.prod(shape))
    return st.binary(min_size=size, max_size=size).map(
        lambda raw: table[np.frombuffer(raw, dtype=np.uint8) % len(table)].reshape(shape))


def _shape(draw, ndim_max=2, low=1, high=4):
    return tuple(draw(st.integers(low, high)) for _ in range(draw(st.integers(1, ndim_max))))


# --------------------------------------------------------------------------- activations

TRUSTED = {
    "sigmoid": ref_act.sigmoid, "sigmoid_derivative": ref_act.sigmoid_derivative,
    "tanh": ref_act.tanh, "tanh_derivative": ref_act.tanh_derivative,
    "relu": ref_act.relu, "relu_derivative": ref_act.relu_derivative,
    "leaky_relu": ref_act.leaky_relu, "leaky_relu_derivative": ref_act.leaky_relu_derivative,
}
ELEMENTWISE = tuple(TRUSTED)
WITH_ALPHA = ("leaky_relu", "leaky_relu_derivative")


def _naive_sigmoid(z):
    return np.exp(z) / (1 + np.exp(z))


def _naive_tanh(z):
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def _alpha_mistakes(trusted, z, alpha, what):
    """A default alpha other than the course's, or an alpha argument that is ignored."""
    if alpha is not None:
        return [(f"the alpha argument was ignored (the slope below 0 is always 0.01): {what} "
                 "must use the alpha it is given", lambda: trusted(z, COURSE_ALPHA))]
    return [(f"the default alpha is {a}: with no alpha given, {what} must use the course's "
             "alpha = 0.01 (Keras's and TensorFlow's defaults differ)", lambda a=a: trusted(z, a))
            for a in (0.1, 0.2, 0.3)]


def _elementwise_mistakes(name, z, alpha):
    a = COURSE_ALPHA if alpha is None else alpha
    sig, th = ref_act.sigmoid(z), ref_act.tanh(z)
    table = {
        "sigmoid": [
            ("the sign of the exponent is flipped: sigmoid(z) = 1 / (1 + e^(-z)), so sigmoid(2) "
             "is about 0.88, not 0.12", lambda: ref_act.sigmoid(-z)),
            ("e^z / (1 + e^z) overflows for large z (e^800 is inf, and inf / inf is NaN): use "
             "1 / (1 + e^(-z)), or compute with e^(-|z|)", lambda: _naive_sigmoid(z)),
            ("this is tanh, not the sigmoid", lambda: th),
        ],
        "tanh": [
            ("(e^z - e^(-z)) / (e^z + e^(-z)) overflows for large |z| (e^800 is inf, and inf / inf "
             "is NaN): use np.tanh, or rewrite the formula with e^(-2|z|)", lambda: _naive_tanh(z)),
            ("this is the sigmoid, not tanh (tanh lies in (-1, 1))", lambda: sig),
        ],
        "relu": [
            ("np.max(z, 0) takes the largest value along axis 0; ReLU needs the elementwise "
             "np.maximum(z, 0)", lambda: np.max(z, 0)),
            ("this is ReLU's slope (1 where z > 0), not max(z, 0)", lambda: ref_act.relu_derivative(z)),
            ("the negative values were kept and the positive ones zeroed: ReLU is max(z, 0)",
             lambda: np.minimum(z, 0)),
        ],
        "leaky_relu": [
            ("this is plain ReLU: below 0 leaky ReLU returns alpha * z, not 0", lambda: ref_act.relu(z)),
            *_alpha_mistakes(ref_act.leaky_relu, z, alpha, "leaky_relu"),
        ],
        "sigmoid_derivative": [
            ("this is g = sigmoid(z) itself: the derivative is g(1 - g)", lambda: sig),
            ("g(1 - g) was applied to z instead of to g = sigmoid(z): compute g = sigmoid(z) first",
             lambda: z * (1 - z)),
            ("this is 1 - g: the derivative is g(1 - g) with g = sigmoid(z)", lambda: 1 - sig),
            ("the NaN comes from sigmoid(z): e^z / (1 + e^z) overflows for large z; fix sigmoid "
             "(compute it with e^(-|z|)) and this follows", lambda: _naive_sigmoid(z) * (1 - _naive_sigmoid(z))),
        ],
        "tanh_derivative": [
            ("this is 1 - g: the derivative of tanh is 1 - g^2 (g squared) with g = tanh(z)",
             lambda: 1 - th),
            ("1 - g^2 was applied to z instead of to g = tanh(z): compute g = tanh(z) first",
             lambda: 1 - z ** 2),
            ("this is g = tanh(z) itself: the derivative is 1 - g^2", lambda: th),
            ("the NaN comes from tanh(z): (e^z - e^(-z)) / (e^z + e^(-z)) overflows for large |z|; "
             "fix tanh (np.tanh) and this follows", lambda: 1 - _naive_tanh(z) ** 2),
        ],
        "relu_derivative": [
            ("the slope at z == 0 must be 0: use z > 0 (as TensorFlow), not z >= 0",
             lambda: (z >= 0).astype(float)),
            ("this is relu(z) = max(z, 0), not its slope (1 where z > 0, else 0)",
             lambda: ref_act.relu(z)),
        ],
        "leaky_relu_derivative": [
            ("the slope below 0 is 0 (ReLU's): leaky ReLU's slope there is alpha",
             lambda: ref_act.relu_derivative(z)),
            ("below 0 this returns alpha * z, the function's value: the slope there is alpha",
             lambda: np.where(z > 0, 1.0, a * z)),
            ("the slope at z == 0 must be alpha: 1 only where z > 0 (as TensorFlow)",
             lambda: np.where(z >= 0, 1.0, a)),
            *_alpha_mistakes(ref_act.leaky_relu_derivative, z, alpha, "leaky_relu_derivative"),
        ],
    }
    return table[name]


def _check_elementwise(student, name, z, alpha=None, label=""):
    fn = student.function(name)
    z = np.asarray(z, dtype=np.float64)

    def run(v):
        v = v.item() if v.ndim == 0 else v  # a number stays a number
        return fn(v) if alpha is None else fn(v, alpha)

    def expected(v):
        return TRUSTED[name](v) if alpha is None else TRUSTED[name](v, alpha)

    def mistakes(v):
        return _elementwise_mistakes(name, v, alpha)

    def probe():  # elementwise: one fixed vector with every kind of value
        return run(PROBE_Z), expected(PROBE_Z), mistakes(PROBE_Z)

    what = f"{name}({_describe(z)}{'' if alpha is None else f', alpha={alpha}'}){label}"
    check_array(call(what, run, z), expected(z), what, lambda: mistakes(z), probe)


# (z, alpha or None for the default): the values the notebook and the slides quote.
COURSE_VALUES = {
    "sigmoid": [(0.0, None), ([-1000, -1, 0, 1, 1000], None), ([[0, 2], [-2, 4]], None)],
    "tanh": [(0.0, None), ([-1000, -1, 0, 1, 1000], None), ([[0, 2], [-2, 4]], None)],
    "relu": [(-3.0, None), ([-2, -0.5, 0, 0.5, 2], None), ([[1, -1], [-2, 3]], None)],
    "leaky_relu": [([-2, 0, 3], None), (-100.0, None), ([[1, -1], [-2, 3]], 0.2)],
    "sigmoid_derivative": [(0.0, None), ([-1000, -2, 0, 2, 1000], None)],
    "tanh_derivative": [(0.0, None), ([-1000, -1, 0, 1, 1000], None)],
    "relu_derivative": [([-2, 0, 2], None), ([[0.5, -0.5], [0, 3]], None)],
    "leaky_relu_derivative": [([-2, 0, 2], None), ([[0.5, -0.5], [0, 3]], 0.2)],
}


@st.composite
def elementwise_cases(draw, with_alpha: bool):
    z = draw(_table(_shape(draw), Z_VALUES))
    alpha = draw(st.sampled_from((None, 0.2, 0.05))) if with_alpha else None
    return z, alpha


@grade("test_activations", 1)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_examples(student, name):
    for z, alpha in COURSE_VALUES[name]:
        label = " [course example: alpha = 0.01]" if name in WITH_ALPHA and alpha is None else " [example]"
        _check_elementwise(student, name, z, alpha, label)


@grade("test_activations", 1)
@pytest.mark.parametrize("name", ELEMENTWISE)
@PROPERTY
@given(data=st.data())
def test_activation_any_input(student, name, data):
    z, alpha = data.draw(elementwise_cases(name in WITH_ALPHA), label="z, alpha")
    _check_elementwise(student, name, z, alpha)


# --------------------------------------------------------------------------- neuron

def _trusted_neuron(x, w, b, activation):
    """The neuron as a one-unit Dense layer of the trusted MLP."""
    x = np.asarray(x, dtype=np.float64)
    out = ref_mlp.dense_forward(np.atleast_2d(x), np.asarray(w, dtype=np.float64)[:, None], [b], activation)
    return out[0, 0] if x.ndim == 1 else out[:, 0]


def _neuron_mistakes(x, w, b, activation):
    g = TRUSTED[activation]
    dot = np.dot(x, w)
    return [
        ("the bias is missing: the neuron computes g(x . w + b)", lambda: g(dot)),
        ("the activation was applied before adding the bias: g(x . w + b), not g(x . w) + b",
         lambda: g(dot) + b),
        ("the activation is missing: the neuron returns g(x . w + b), not x . w + b", lambda: dot + b),
        ("the activation argument was ignored (the sigmoid was always used)",
         lambda: ref_act.sigmoid(dot + b)),
        ("the products x * w were not summed: the weighted sum is np.dot(x, w)", lambda: g(x * w + b)),
        ("the bias was added once per input: add b once, after the weighted sum",
         lambda: g(dot + b * np.shape(w)[0])),
    ]


def _check_neuron(student, x, w, b, activation, default=False, label=""):
    fn = student.function("neuron")

    def run(x, w):
        return fn(x, w, b) if default else fn(x, w, b, activation)

    def expected(x, w):
        return _trusted_neuron(x, w, b, activation)

    def mistakes(x, w):
        return _neuron_mistakes(x, w, b, activation)

    shown = "" if default else f", activation={activation!r}"
    what = f"neuron(x={_describe(x)}, w={_describe(w)}, b={b!r}{shown}){label}"
    def helpers(error=None):
        return _broken_helper(student, (activation,), "neuron", error)

    check_array(call(what, run, x, w, on_error=helpers), expected(x, w), what, lambda: mistakes(x, w),
                lambda: _probe(run, expected, mistakes, x, w), helpers)


# The notebook's example neuron: z = 2 * 0.5 + (-1) * 1 + 3 * (-0.5) + 1 = -0.5.
NEURON_X = np.array([2.0, -1.0, 3.0])
NEURON_W = np.array([0.5, 1.0, -0.5])
NEURON_B = 1.0
NEURON_BATCH = np.array([[2.0, -1.0, 3.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])


@st.composite
def neuron_cases(draw, batch: bool):
    n = draw(st.integers(1, 4))
    shape = (draw(st.integers(1, 4)), n) if batch else (n,)
    x, w = draw(_table(shape, SMALL_VALUES)), draw(_table((n,), SMALL_VALUES))
    b = float(draw(st.sampled_from(tuple(SMALL_VALUES))))
    return x, w, b, draw(st.sampled_from(ACTIVATION_NAMES))


@grade("test_neuron", 1)
def test_neuron_examples(student):
    for activation in ACTIVATION_NAMES:
        _check_neuron(student, NEURON_X, NEURON_W, NEURON_B, activation, activation == "sigmoid",
                      " [the notebook's example neuron]")
        _check_neuron(student, NEURON_BATCH, NEURON_W, NEURON_B, activation,
                      label=" [the notebook's example neuron on a batch of 3]")


@grade("test_neuron", 1)
@PROPERTY
@given(case=neuron_cases(batch=False))
def test_neuron_one_example(student, case):
    _check_neuron(student, *case)


@grade("test_neuron", 1)
@PROPERTY
@given(case=neuron_cases(batch=True))
def test_neuron_batch(student, case):
    _check_neuron(student, *case)


# --------------------------------------------------------------------------- softmax

def _naive_softmax(z, shift):
    e = np.exp(z - shift)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_mistakes(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return [
        ("each row must sum to 1: the sum was taken over the wrong axis (softmax is over the "
         "LAST axis, the classes: axis=-1)", lambda: ref_act.softmax(z, axis=0)),
        ("the whole array was normalised at once: each row (example) must sum to 1 on its own "
         "(np.sum(..., axis=-1, keepdims=True))", lambda: e / np.sum(e)),
        ("e^z overflows for large scores (e^1000 is inf, and inf / inf is NaN): subtract each "
         "row's maximum before np.exp", lambda: _naive_softmax(z, 0.0)),
        ("the maximum of the whole array was subtracted: a row far below it underflows to "
         "0 / 0 = NaN; subtract each row's own maximum (axis=-1, keepdims=True)",
         lambda: _naive_softmax(z, np.max(z))),
        ("without keepdims=True the row sums (N,) divide the COLUMNS: use "
         "np.sum(e, axis=-1, keepdims=True) so each row is divided by its own sum",
         lambda: e / np.sum(e, axis=-1)),
        ("e^z was not divided by its sum: softmax is e^(z_i) / sum_j e^(z_j)", lambda: np.exp(z)),
    ]


def _check_softmax(student, z, label=""):
    fn = student.function("softmax")
    z = np.asarray(z, dtype=np.float64)

    def expected(v):
        return ref_act.softmax(v)

    what = f"softmax({_describe(z)}){label}"
    check_array(call(what, fn, z), expected(z), what, lambda: _softmax_mistakes(z),
                lambda: _probe(fn, expected, _softmax_mistakes, z))


SOFTMAX_EXAMPLES = (
    ([1, 2, 3], " [example: softmax([1, 2, 3]) is about [0.09, 0.245, 0.665]]"),
    ([1000, 1001, 1002], " [example: large scores must not overflow]"),
    ([[1, 2, 3], [1, 1, 1], [0, 0, 5]], " [example: a batch, one row per example]"),
    ([[1000, 1001, 1002], [0, 0, 0]], " [example: rows on very different scales]"),
    ([[2, 1], [0, 3]], " [example: a square batch]"),
)


@st.composite
def softmax_cases(draw, batch: bool):
    classes = draw(st.integers(1, 5))
    shape = (draw(st.integers(1, 4)), classes) if batch else (classes,)
    return draw(_table(shape, LOGITS))


@grade("test_softmax", 1)
def test_softmax_examples(student):
    for z, label in SOFTMAX_EXAMPLES:
        _check_softmax(student, z, label)


@grade("test_softmax", 1)
@PROPERTY
@given(z=softmax_cases(batch=False))
def test_softmax_vector(student, z):
    _check_softmax(student, z)


@grade("test_softmax", 1)
@PROPERTY
@given(z=softmax_cases(batch=True))
def test_softmax_batch(student, z):
    _check_softmax(student, z)


# --------------------------------------------------------------------------- losses

def _bce(y, p, eps=EPSILON, log=np.log):
    p = np.clip(p, eps, 1 - eps) if eps else p
    return np.mean(-(y * log(p) + (1 - y) * log(1 - p)))


def _cce(y, p, eps=EPSILON, log=np.log):
    p = np.clip(p, eps, 1 - eps) if eps else p
    return -np.sum(y * log(p), axis=-1)


LOG_HINT = "the logarithm is the natural log (np.log), not np.log10 or np.log2"


def _loss_mistakes(name, y, p):
    n = y.shape[0] if y.ndim > 1 else 1  # examples: rows (a 1-D input is one example)
    if name == "binary_crossentropy":
        return [
            ("log(0) is -inf: clip y_pred to [1e-7, 1 - 1e-7] (Keras's epsilon) before the logs",
             lambda: _bce(y, p, eps=0)),
            *[(f"y_pred was clipped at {eps:g}: Keras clips to [1e-7, 1 - 1e-7]", lambda eps=eps: _bce(y, p, eps))
              for eps in (1e-15, 1e-12, 1e-8)],
            ("the minus sign is missing: the loss is -(y ln p + (1 - y) ln(1 - p)), never negative",
             lambda: -_bce(y, p)),
            ("the (1 - y) ln(1 - p) term is missing: examples with label 0 count too",
             lambda: np.mean(-y * np.log(np.clip(p, EPSILON, 1 - EPSILON)))),
            ("the values were summed: the loss is their MEAN", lambda: _bce(y, p) * y.size),
            (LOG_HINT, lambda: _bce(y, p, log=np.log10)),
            (LOG_HINT, lambda: _bce(y, p, log=np.log2)),
        ]
    if name == "categorical_crossentropy":
        return [
            ("log(0) is -inf (and 0 * -inf is NaN): clip y_pred to [1e-7, 1 - 1e-7] before the log",
             lambda: np.mean(_cce(y, p, eps=0))),
            ("averaged over the classes: sum -y_c ln p_c over the classes, then average over the examples",
             lambda: np.mean(_cce(y, p)) / y.shape[-1]),
            ("summed over the examples: the loss is the MEAN over the examples of each one's sum",
             lambda: np.mean(_cce(y, p)) * n),
            ("the minus sign is missing: the loss is -sum y_c ln p_c, never negative",
             lambda: -np.mean(_cce(y, p))),
            (LOG_HINT, lambda: np.mean(_cce(y, p, log=np.log10))),
        ]
    error = y - p
    # Where every error has the same size (one example), the RMSE and the MAE are one
    # number: a result equal to it does not tell which was computed, so neither is named.
    root_or_abs = [] if np.allclose(np.abs(error), np.abs(error).flat[0] if error.size else 0) else [
        ("this is the RMSE (a square root was taken): MSE has no root", lambda: np.sqrt(np.mean(error ** 2))),
        ("this is the MAE: MSE squares the errors", lambda: np.mean(np.abs(error))),
    ]
    regression = {
        "mse": [
            ("the squared errors were summed: MSE is their MEAN", lambda: np.sum(error ** 2)),
            ("the mean error was squared: MSE is the mean of the squared errors, mean((y - p)^2)",
             lambda: np.mean(error) ** 2),
            *root_or_abs,
            ("the errors were not squared: MSE is mean((y - p)^2)", lambda: np.mean(error)),
        ],
        "mae": [
            ("the absolute value is missing: positive and negative errors cancel; use np.abs",
             lambda: np.mean(error)),
            ("the absolute value is missing: positive and negative errors cancel; use np.abs",
             lambda: np.mean(-error)),
            ("the absolute errors were summed: MAE is their MEAN", lambda: np.sum(np.abs(error))),
            ("this is the MSE: MAE takes absolute values, not squares", lambda: np.mean(error ** 2)),
        ],
    }
    return regression[name]


LOSSES = {
    "binary_crossentropy": ref_loss.binary_crossentropy,
    "categorical_crossentropy": ref_loss.categorical_crossentropy,
    "mse": ref_loss.mse,
    "mae": ref_loss.mae,
}


def _check_loss(student, name, y, p, label=""):
    fn = student.function(name)
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    what = f"{name}(y_true={_describe(y)}, y_pred={_describe(p)}){label}"
    check_array(call(what, fn, y, p), LOSSES[name](y, p), what, lambda: _loss_mistakes(name, y, p))


HDB_PRICES = [232000.0, 250000.0]  # the course's two sample resale prices
HDB = " [example: the course's HDB resale prices 232,000 and 250,000, predicted as 240,000 and 245,000]"
LOSS_EXAMPLES = {
    "binary_crossentropy": [
        ([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3], " [example: four cat/dog probabilities]"),
        ([[1], [0]], [[0.0], [1.0]], " [example: certain and wrong, p = 0 and 1: clip at 1e-7]"),
        ([1, 0], [1.0, 0.0], " [example: certain and right, p = 1 and 0: clip at 1e-7]"),
    ],
    "categorical_crossentropy": [
        ([[0, 1, 0], [1, 0, 0]], [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], " [example: 2 examples, 3 classes]"),
        ([[0, 1, 0]], [[0.0, 1.0, 0.0]], " [example: certain and right, with p = 0 for the others]"),
        ([[1, 0, 0], [0, 0, 1]], [[0.0, 1.0, 0.0], [0.25, 0.25, 0.5]], " [example: certain and wrong]"),
    ],
    "mse": [
        (HDB_PRICES, [240000.0, 245000.0], HDB),
        ([[1, 2], [3, 4]], [[1, 0], [5, 4]], " [example: 2 examples with 2 outputs each]"),
    ],
    "mae": [
        (HDB_PRICES, [240000.0, 245000.0], HDB),
        ([[1, 2], [3, 4]], [[1, 0], [5, 4]], " [example: 2 examples with 2 outputs each]"),
    ],
}


@st.composite
def loss_cases(draw, name: str):
    if name == "categorical_crossentropy":
        n, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4))
        labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
        counts = draw(_table((n, classes), COUNTS))
        counts[counts.sum(axis=1) == 0] = 1.0  # every row needs a non-zero total
        return np.eye(classes)[labels], counts / counts.sum(axis=1, keepdims=True)
    shape = _shape(draw, high=3)
    if name == "binary_crossentropy":
        return draw(_table(shape, np.array([0.0, 1.0]))), draw(_table(shape, PROBABILITIES))
    return draw(_table(shape, INTEGERS)), draw(_table(shape, INTEGERS))


@grade("test_losses", 1)
@pytest.mark.parametrize("name", tuple(LOSSES))
def test_loss_examples(student, name):
    for y, p, label in LOSS_EXAMPLES[name]:
        _check_loss(student, name, y, p, label)


@grade("test_losses", 1)
@pytest.mark.parametrize("name", tuple(LOSSES))
@PROPERTY
@given(data=st.data())
def test_loss_any_input(student, name, data):
    y, p = data.draw(loss_cases(name), label="y_true, y_pred")
    _check_loss(student, name, y, p)


# --------------------------------------------------------------------------- metrics

def _counts(y_true, y_pred, size):
    """The confusion counts in a size x size matrix (IndexError for a label beyond it)."""
    matrix = np.zeros((size, size), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    return matrix


def _accuracy_mistakes(y_true, y_pred):
    right = ref_metrics.accuracy(y_true, y_pred)
    found = [
        ("the rows were compared element by element: for one-hot labels or probabilities (N, C), "
         "first take each row's class with np.argmax(..., axis=1)", lambda: np.mean(y_true == y_pred)),
        ("this is the NUMBER of correct predictions: accuracy is their fraction (divide by N)",
         lambda: right * len(y_true)),
    ]
    if len(y_true) > 1:  # on one example every wrong answer is 1 - accuracy: it tells nothing
        found.append(("this is the error rate (1 - accuracy): accuracy is the fraction of "
                      "CORRECT predictions", lambda: 1 - right))
    return found


def _confusion_mistakes(y_true, y_pred, num_classes):
    right = ref_metrics.confusion_matrix(y_true, y_pred, num_classes)
    return [
        ("rows and columns are swapped (the matrix is transposed): M[i, j] counts the examples "
         "of TRUE class i PREDICTED as j", lambda: right.T),
        ("the number of classes came from y_true only: it is the largest label in y_true or "
         "y_pred, plus 1", lambda: _counts(y_true, y_pred, int(y_true.max()) + 1)),
        ("the num_classes argument was ignored: the matrix is num_classes x num_classes",
         lambda: ref_metrics.confusion_matrix(y_true, y_pred) if num_classes is not None else None),
        ("each row was divided by its total: return the COUNTS",
         lambda: right / np.maximum(right.sum(axis=1, keepdims=True), 1)),
    ]


def _too_small(text: str) -> str | None:
    if "IndexError" in text:
        return ("the matrix is too small for some label: without num_classes it has one row and "
                "one column per class, the largest label in y_true OR y_pred, plus 1")
    return None


def _check_accuracy(student, y_true, y_pred, label=""):
    fn = student.function("accuracy")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    what = f"accuracy(y_true={_describe(y_true)}, y_pred={_describe(y_pred)}){label}"
    check_array(call(what, fn, y_true, y_pred), ref_metrics.accuracy(y_true, y_pred), what,
                lambda: _accuracy_mistakes(y_true, y_pred))


def _check_confusion(student, y_true, y_pred, num_classes=None, label=""):
    fn = student.function("confusion_matrix")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)

    def run(t, p):
        return fn(t, p) if num_classes is None else fn(t, p, num_classes)

    shown = "" if num_classes is None else f", num_classes={num_classes}"
    what = f"confusion_matrix(y_true={_describe(y_true)}, y_pred={_describe(y_pred)}{shown}){label}"
    check_array(call(what, run, y_true, y_pred, on_error=_too_small),
                ref_metrics.confusion_matrix(y_true, y_pred, num_classes), what,
                lambda: _confusion_mistakes(y_true, y_pred, num_classes))


# Ten Fashion-MNIST classes (0 T-shirt/top ... 6 Shirt, 7 Sneaker, 9 Ankle boot): shirts
# taken for T-shirts, a coat for a pullover, a sneaker for a sandal.
FASHION_TRUE = np.array([9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
FASHION_PRED = np.array([9, 2, 1, 1, 0, 1, 2, 6, 5, 5])
SMALL_TRUE, SMALL_PRED = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0])
FASHION = " [example: labels from the ten Fashion-MNIST classes]"


@st.composite
def label_cases(draw, max_classes=4, max_n=8):
    classes, n = draw(st.integers(2, max_classes)), draw(st.integers(1, max_n))
    labels = st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)
    return np.array(draw(labels)), np.array(draw(labels)), classes


def _rows(draw, labels, classes, form):
    """Labels as given, as one-hot rows, or as probability rows whose argmax is the label."""
    if form == "labels":
        return labels
    one_hot = np.eye(classes)[labels]
    if form == "one-hot":
        return one_hot.astype(int)
    noise = draw(_table((len(labels), classes), np.array([0.0, 0.1, 0.2])))
    rows = one_hot * 0.5 + noise  # the label's 0.5 beats any 0.2 of noise
    return rows / rows.sum(axis=1, keepdims=True)


@st.composite
def accuracy_cases(draw):
    y_true, y_pred, classes = draw(label_cases())
    forms = draw(st.sampled_from((("labels", "labels"), ("one-hot", "probabilities"),
                                  ("one-hot", "one-hot"), ("labels", "probabilities"))))
    return _rows(draw, y_true, classes, forms[0]), _rows(draw, y_pred, classes, forms[1])


@st.composite
def confusion_cases(draw):
    y_true, y_pred, classes = draw(label_cases())
    num_classes = draw(st.sampled_from((None, classes, classes + 1)))
    return y_true, y_pred, num_classes


@grade("test_metrics", 1)
def test_accuracy_examples(student):
    _check_accuracy(student, FASHION_TRUE, FASHION_PRED, FASHION)
    _check_accuracy(student, SMALL_TRUE, SMALL_PRED, " [example: labels]")
    _check_accuracy(student, np.eye(3, dtype=int)[SMALL_TRUE], np.eye(3)[SMALL_PRED] * 0.6 + 0.1,
                    " [example: one-hot labels against probabilities]")
    _check_accuracy(student, np.eye(3, dtype=int)[SMALL_TRUE], np.eye(3, dtype=int)[SMALL_PRED],
                    " [example: one-hot against one-hot]")


@grade("test_metrics", 1)
@PROPERTY
@given(case=accuracy_cases())
def test_accuracy_any_input(student, case):
    _check_accuracy(student, *case)


@grade("test_metrics", 1)
def test_confusion_matrix_examples(student):
    _check_confusion(student, SMALL_TRUE, SMALL_PRED, label=" [example: 3 classes]")
    _check_confusion(student, FASHION_TRUE, FASHION_PRED, 10, FASHION)
    _check_confusion(student, [0, 1], [2, 0], label=" [example: a class only y_pred uses]")


@grade("test_metrics", 1)
@PROPERTY
@given(case=confusion_cases())
def test_confusion_matrix_any_input(student, case):
    _check_confusion(student, *case)


# --------------------------------------------------------------------------- gradient_step

def _variant_step(x, y, Ws, bs, rate, name, *, sign=-1.0, use_rate=True, derivative="z", scale="mean",
                  stale=False, bias_mean=False, update_biases=True, loss_after=False):
    """One step of backpropagation (trusted activations) with one mistake switched on."""
    g, g_prime = ref_act.ACTIVATIONS[name]
    zs, outs = [], [x]
    for W, b in zip(Ws, bs):
        zs.append(outs[-1] @ W + b)
        outs.append(g(zs[-1]))
    slope = {"z": lambda i: g_prime(zs[i]), "a": lambda i: g_prime(outs[i + 1]), "none": lambda i: 1.0}[derivative]
    factor = {"mean": 2 / y.size, "sum": 2.0, "no_two": 1 / y.size, "per_example": 2 / len(y)}[scale]
    step = sign * (rate if use_rate else 1.0)
    delta = factor * (outs[-1] - y) * slope(len(Ws) - 1)
    new_W, new_b = list(Ws), list(bs)
    for i in reversed(range(len(Ws))):
        new_W[i] = Ws[i] + step * (outs[i].T @ delta)
        if update_biases:
            new_b[i] = bs[i] + step * (delta.mean(axis=0) if bias_mean else delta.sum(axis=0))
        if i > 0:
            delta = (delta @ (new_W[i] if stale else Ws[i]).T) * slope(i - 1)
    if loss_after:
        outs = ref_mlp.mlp_forward(x, new_W, new_b, name)
    return new_W, new_b, np.mean((outs[-1] - y) ** 2)


STEP_MISTAKES = (
    ("the step went UP the gradient (W + rate * dJ/dW): gradient descent subtracts, "
     "W <- W - rate * dJ/dW", {"sign": 1.0}),
    ("the learning rate was ignored (W - dJ/dW): the step is W <- W - rate * dJ/dW",
     {"use_rate": False}),
    ("the activation's derivative is missing from delta: delta = dJ/da * g'(z), layer by layer",
     {"derivative": "none"}),
    ("g' was evaluated at the layer's output a = g(z) instead of at z: your derivative functions "
     "take z (sigmoid_derivative(z) computes g(1 - g) itself)", {"derivative": "a"}),
    ("dJ/da was not divided by the number of values: J = mse(y, a) is a MEAN, so "
     "dJ/da = 2 (a - y) / (N * n_out)", {"scale": "sum"}),
    ("the factor 2 of d(a - y)^2/da is missing: dJ/da = 2 (a - y) / (N * n_out)", {"scale": "no_two"}),
    ("dJ/da was divided by N only: mse averages over all N * n_out values, so "
     "dJ/da = 2 (a - y) / (N * n_out)", {"scale": "per_example"}),
    ("the backward pass used the UPDATED weights of the layer above: compute each delta with the "
     "weights you were given (backpropagate through a layer before updating it, or update at the end)",
     {"stale": True}),
    ("dJ/db was averaged over the examples: it is delta SUMMED over the examples (the mean is "
     "already in dJ/da)", {"bias_mean": True}),
    ("the biases were not updated: b <- b - rate * dJ/db", {"update_biases": False}),
    ("the loss was computed after the update: return J at the weights you were given",
     {"loss_after": True}),
)


PROBE_RATE = 0.3  # a rate 1/rate of which is no whole number: "rate ignored" differs from "no 1/(N n_out)"


def _step_mistakes(x, y, Ws, bs, rate, activation):
    return [(description, lambda kw=kw: _variant_step(x, y, Ws, bs, rate, activation, **kw))
            for description, kw in STEP_MISTAKES]


def _kind(value) -> str:
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__


def _compare_step(actual, expected, what: str) -> None:
    if not isinstance(actual, (tuple, list)) or len(actual) != 3:
        raise AssertionError(f"{what}: expected the tuple (new_weights, new_biases, loss), got {_kind(actual)}")
    assert_array_matches(actual[2], expected[2], f"{what}: loss")
    for part, got, want in zip(("new_weights", "new_biases"), actual[:2], expected[:2]):
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            raise AssertionError(f"{what}: {part}: expected a list of {len(want)} arrays (one per layer), "
                                 f"got {_kind(got)}")
        for i, (layer, trusted) in enumerate(zip(got, want)):
            assert_array_matches(layer, trusted, f"{what}: {part}[{i}]")


def _same_step(actual, candidate) -> bool:
    try:
        _compare_step(actual, candidate, "")
    except AssertionError:
        return False
    return True


def _check_step(student, x, y, Ws, bs, rate, activation, default=False, label=""):
    fn = student.function("gradient_step")

    def run(x, y, Ws, bs):
        return fn(x, y, Ws, bs, rate) if default else fn(x, y, Ws, bs, rate, activation)

    def expected(x, y, Ws, bs):
        return ref_mlp.mse_gradient_step(x, y, Ws, bs, rate, activation)

    def mistakes(x, y, Ws, bs):
        return _step_mistakes(x, y, Ws, bs, rate, activation)

    def probe():  # the same network shapes with varied values, and a rate no size can mimic
        args = (_distinct_like(x, 0), _distinct_like(y, 1), [_distinct_like(W, 2 + i) for i, W in enumerate(Ws)],
                [_distinct_like(b, 9 + i) for i, b in enumerate(bs)])
        other = (lambda *a: fn(*a, PROBE_RATE, activation), lambda *a: ref_mlp.mse_gradient_step(
            *a, PROBE_RATE, activation), lambda *a: _step_mistakes(*a, PROBE_RATE, activation))
        return tuple(f(*args) for f in other)

    shown = "" if default else f", activation={activation!r}"
    what = (f"gradient_step(x={_describe(x)}, y={_describe(y)}, weights=[{', '.join(map(_describe, Ws))}], "
            f"biases=[{', '.join(map(_describe, bs))}], rate={rate}{shown}){label}")
    def helpers(error=None):
        return _broken_helper(student, (activation, f"{activation}_derivative", "mse"), "gradient_step", error)

    actual = call(what, run, x, y, Ws, bs, on_error=helpers)
    try:
        _compare_step(actual, expected(x, y, Ws, bs), what)
    except AssertionError as failure:
        hint = (helpers() if explaining() else None) or _explain(
            actual, lambda: mistakes(x, y, Ws, bs), probe, same=_same_step)
        raise with_hint(failure, hint) from None


# The notebook's networks: XOR through a 2-2-1 net, and a 2-3-2 net where some z are exactly 0.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_WEIGHTS = [np.array([[0.5, -0.5], [0.25, 1.0]]), np.array([[1.0], [-1.0]])]
XOR_BIASES = [np.array([0.0, 0.5]), np.array([0.25])]
KINK_X = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, -1.0]])
KINK_Y = np.array([[1.0, 0.0], [0.5, 0.5], [2.0, 1.0]])
KINK_WEIGHTS = [np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]]), np.array([[1.0, 0.5], [-1.0, 1.0], [0.5, 0.25]])]
KINK_BIASES = [np.array([0.0, -0.5, 0.0]), np.array([0.5, 0.0])]


@st.composite
def network_cases(draw, layers):
    sizes = [draw(st.integers(1, 3)) for _ in range(draw(st.sampled_from(layers)) + 1)]
    n = draw(st.integers(1, 4))
    weights = [draw(_table((a, b), WEIGHTS)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [draw(_table((b,), WEIGHTS)) for b in sizes[1:]]
    x, y = draw(_table((n, sizes[0]), SMALL_VALUES)), draw(_table((n, sizes[-1]), TARGETS))
    rate = draw(st.sampled_from((0.5, 0.1, 2.0, 1.0)))
    return x, y, weights, biases, rate, draw(st.sampled_from(ACTIVATION_NAMES))


@grade("test_gradient_step", 2)
def test_gradient_step_examples(student):
    xor = (XOR_X, XOR_Y, XOR_WEIGHTS, XOR_BIASES, 0.5)
    _check_step(student, *xor, "sigmoid", True, " [the notebook's XOR network, sigmoid (the default)]")
    _check_step(student, *xor, "tanh", label=" [the notebook's XOR network, tanh]")
    _check_step(student, XOR_X, XOR_Y, XOR_WEIGHTS[1:], [np.array([-0.5])], 2.0, "sigmoid",
                label=" [one layer: a single sigmoid neuron]")
    kink = (KINK_X, KINK_Y, KINK_WEIGHTS, KINK_BIASES, 0.1)
    for activation in ("relu", "leaky_relu"):
        _check_step(student, *kink, activation, label=f" [the notebook's 2-3-2 network, {activation}, some z = 0]")


@grade("test_gradient_step", 1)
def test_gradient_step_leaves_the_weights_given_unchanged(student):
    """The notebook asks for new arrays: an update in place (W -= ...) changes the caller's
    weights, which a student's own loop would then update twice."""
    fn = student.function("gradient_step", give_back=True)
    what = "gradient_step(x, y, weights, biases, rate=0.5) [the notebook's XOR network]"
    _, (args, _) = call(what, fn, XOR_X, XOR_Y, XOR_WEIGHTS, XOR_BIASES, 0.5)
    changed = [f"{kind}[{i}]" for kind, given, after in (("weights", XOR_WEIGHTS, args[2]),
                                                         ("biases", XOR_BIASES, args[3]))
               for i, (before, now) in enumerate(zip(given, after))
               if not (isinstance(now, np.ndarray) and np.array_equal(before, now))]
    if changed:
        raise with_hint(AssertionError(f"{what}: changed the arrays it was given ({', '.join(changed)})"),
                        "updated in place (W -= rate * dW): return new arrays, W - rate * dW, and "
                        "leave the weights and biases given as they were")


@grade("test_gradient_step", 1)
@PROPERTY
@given(case=network_cases(layers=(1,)))
def test_gradient_step_one_layer(student, case):
    _check_step(student, *case)


@grade("test_gradient_step", 2)
@PROPERTY
@given(case=network_cases(layers=(2, 3)))
def test_gradient_step_deeper(student, case):
    _check_step(student, *case)
