"""Known-wrong student implementations for the ann-basics assignment.

Each mutant is the mistake a student actually makes, written as the student would
write the whole function. It replaces the solution's function in a notebook-like
namespace (or its cell of the notebook), so the functions that call it (neuron calls
the activations; gradient_step calls the activations, their derivatives and mse; the
derivatives call their activation) see it, as they would in the student's kernel.
A mutant that calls a helper uses the solution's own.

One graded cell holds several functions (the four activations with their derivatives,
the four losses, the two metrics): assignment.toml's `covers` says which, and the
cells a mutant reaches follow from the call graph of solution.py.

`symptoms`: words the failure messages of the mutant's own cell must contain.
`also_loses`: the other cells that must lose points because they call it.
"""
from __future__ import annotations

import numpy as np

from autograder.assignments import here
from autograder.mutants import function_mutant

# The solution's own functions, which the mutants below call as a student's notebook would.
SOLUTION = here(__file__).solution_namespace()
leaky_relu = SOLUTION['leaky_relu']
leaky_relu_derivative = SOLUTION['leaky_relu_derivative']
mse = SOLUTION['mse']
relu = SOLUTION['relu']
relu_derivative = SOLUTION['relu_derivative']
sigmoid = SOLUTION['sigmoid']
sigmoid_derivative = SOLUTION['sigmoid_derivative']
tanh = SOLUTION['tanh']
tanh_derivative = SOLUTION['tanh_derivative']


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
DERIVATIVES = tuple(f"{name}_derivative" for name in ACTIVATIONS)
LOSSES = ("binary_crossentropy", "categorical_crossentropy", "mse", "mae")
METRICS = ("accuracy", "confusion_matrix")


# --------------------------------------------------------------------------- activations

def sigmoid_sign_flipped(z):
    return 1 / (1 + np.exp(np.asarray(z, dtype=float)))


def sigmoid_exp_over_one_plus_exp(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)  # inf / inf for large z


def tanh_formula_overflows(z):
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def relu_np_max(z):
    return np.max(z, 0)  # meant np.maximum


def leaky_relu_alpha_0_1(z, alpha=0.1):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_ignores_alpha(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)


def sigmoid_derivative_is_g(z):
    return sigmoid(z)


def sigmoid_derivative_of_z(z):
    z = np.asarray(z, dtype=float)
    return z * (1 - z)  # the course's g(1 - g) with z in place of g


def tanh_derivative_not_squared(z):
    return 1 - tanh(z)


def relu_derivative_one_at_zero(z):
    return (np.asarray(z) >= 0).astype(float)


def relu_derivative_booleans(z):
    return np.asarray(z) > 0


def leaky_relu_derivative_zero_below(z, alpha=0.01):
    return (np.asarray(z) > 0).astype(float)


def leaky_relu_derivative_alpha_times_z(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha * z)


# --------------------------------------------------------------------------- neuron

def _neuron(x, w, b, activation, *, bias=True, after=False, sum_products=True, only_sigmoid=False):
    functions = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu}
    g = sigmoid if only_sigmoid else functions[activation]
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    z = np.dot(x, w) if sum_products else x * w
    if after:
        return g(z) + b
    return g(z + b) if bias else g(z)


def neuron_no_bias(x, w, b, activation="sigmoid"):
    return _neuron(x, w, b, activation, bias=False)


def neuron_bias_after_activation(x, w, b, activation="sigmoid"):
    return _neuron(x, w, b, activation, after=True)


def neuron_always_sigmoid(x, w, b, activation="sigmoid"):
    return _neuron(x, w, b, activation, only_sigmoid=True)


def neuron_products_not_summed(x, w, b, activation="sigmoid"):
    return _neuron(x, w, b, activation, sum_products=False)


# --------------------------------------------------------------------------- softmax

def softmax_wrong_axis(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_no_max_shift(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_global_max(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_no_keepdims(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1)


# --------------------------------------------------------------------------- losses

def binary_crossentropy_no_clip(y_true, y_pred):
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_crossentropy_label_one_only(y_true, y_pred):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    return np.mean(-y * np.log(p))


def categorical_crossentropy_no_clip(y_true, y_pred):
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return np.mean(-np.sum(y * np.log(p), axis=-1))


def categorical_crossentropy_mean_over_classes(y_true, y_pred):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    return np.mean(-y * np.log(p))


def categorical_crossentropy_log10(y_true, y_pred):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    return np.mean(-np.sum(y * np.log10(p), axis=-1))


def mse_sum(y_true, y_pred):
    return np.sum((np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2)


def mse_square_of_mean(y_true, y_pred):
    return np.mean(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2


def mae_no_abs(y_true, y_pred):
    return np.mean(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))


# --------------------------------------------------------------------------- metrics

def accuracy_without_argmax(y_true, y_pred):
    return np.mean(np.asarray(y_true) == np.asarray(y_pred))  # compares one-hot rows cell by cell


def accuracy_count(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    if y_pred.ndim == 2:
        y_pred = np.argmax(y_pred, axis=1)
    return np.sum(y_true == y_pred)


def confusion_matrix_transposed(y_true, y_pred, num_classes=None):
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if num_classes is None:
        num_classes = max(y_true.max(), y_pred.max()) + 1
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    for true, predicted in zip(y_true, y_pred):
        matrix[predicted, true] += 1
    return matrix


def confusion_matrix_size_from_y_true(y_true, y_pred, num_classes=None):
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if num_classes is None:
        num_classes = y_true.max() + 1
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    for true, predicted in zip(y_true, y_pred):
        matrix[true, predicted] += 1
    return matrix


# --------------------------------------------------------------------------- gradient_step

def _step(x, y, weights, biases, rate, activation, *, sign=-1, use_rate=True, derivative="z",
          scale="mean", stale=False, bias_mean=False, loss_after=False):
    """The student's gradient_step with one of several switches flipped (shared by the mutants)."""
    functions = {"sigmoid": (sigmoid, sigmoid_derivative), "tanh": (tanh, tanh_derivative),
                 "relu": (relu, relu_derivative), "leaky_relu": (leaky_relu, leaky_relu_derivative)}
    g, g_prime = functions[activation]
    weights = [np.asarray(W, dtype=float) for W in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    y = np.asarray(y, dtype=float)
    zs, outputs = [], [np.asarray(x, dtype=float)]
    for W, b in zip(weights, biases):
        zs.append(outputs[-1] @ W + b)
        outputs.append(g(zs[-1]))
    loss = mse(y, outputs[-1])

    def slope(i):
        if derivative == "none":
            return 1.0
        return g_prime(outputs[i + 1] if derivative == "a" else zs[i])

    delta = 2 * (outputs[-1] - y) * slope(len(weights) - 1)
    delta = delta if scale == "sum" else delta / y.size
    step = rate if use_rate else 1.0
    new_weights, new_biases = list(weights), list(biases)
    for i in reversed(range(len(weights))):
        grad_W = outputs[i].T @ delta
        grad_b = delta.mean(axis=0) if bias_mean else delta.sum(axis=0)
        new_weights[i] = weights[i] + sign * step * grad_W
        new_biases[i] = biases[i] + sign * step * grad_b
        if i > 0:
            delta = (delta @ (new_weights[i] if stale else weights[i]).T) * slope(i - 1)
    if loss_after:
        a = np.asarray(x, dtype=float)
        for W, b in zip(new_weights, new_biases):
            a = g(a @ W + b)
        loss = mse(y, a)
    return new_weights, new_biases, loss


def gradient_step_plus(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, sign=+1)


def gradient_step_rate_ignored(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, use_rate=False)


def gradient_step_no_derivative(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, derivative="none")


def gradient_step_derivative_at_output(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, derivative="a")


def gradient_step_sum_of_squares(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, scale="sum")


def gradient_step_updated_weights(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, stale=True)


def gradient_step_bias_mean(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, bias_mean=True)


def gradient_step_loss_after(x, y, weights, biases, rate, activation="sigmoid"):
    return _step(x, y, weights, biases, rate, activation, loss_after=True)


NEURON, STEP = ("test_neuron",), ("test_gradient_step",)


def gradient_step_in_place(x, y, weights, biases, rate, activation="sigmoid"):
    functions = {"sigmoid": (sigmoid, sigmoid_derivative), "tanh": (tanh, tanh_derivative),
                 "relu": (relu, relu_derivative), "leaky_relu": (leaky_relu, leaky_relu_derivative)}
    g, g_prime = functions[activation]
    y = np.asarray(y, dtype=float)
    zs, outputs = [], [np.asarray(x, dtype=float)]
    for W, b in zip(weights, biases):
        zs.append(outputs[-1] @ W + b)
        outputs.append(g(zs[-1]))
    loss = mse(y, outputs[-1])
    delta = 2 * (outputs[-1] - y) / y.size * g_prime(zs[-1])
    gradients = [None] * len(weights)
    for i in reversed(range(len(weights))):
        gradients[i] = (outputs[i].T @ delta, delta.sum(axis=0))
        if i > 0:
            delta = (delta @ weights[i].T) * g_prime(zs[i - 1])
    for W, b, (grad_W, grad_b) in zip(weights, biases, gradients):
        W -= rate * grad_W  # the right numbers, in the caller's own arrays
        b -= rate * grad_b
    return weights, biases, loss

MUTANTS = (
    function_mutant("sigmoid_sign_flipped", "sigmoid", sigmoid_sign_flipped, ("sign of the exponent",), NEURON + STEP),
    function_mutant("sigmoid_exp_over_one_plus_exp", "sigmoid", sigmoid_exp_over_one_plus_exp, ("NaN", "overflows")),
    function_mutant("tanh_formula_overflows", "tanh", tanh_formula_overflows, ("NaN", "np.tanh")),
    function_mutant("relu_np_max", "relu", relu_np_max, ("np.maximum",), NEURON + STEP),
    function_mutant("leaky_relu_alpha_0_1", "leaky_relu", leaky_relu_alpha_0_1, ("default alpha is 0.1",), NEURON + STEP),
    function_mutant("leaky_relu_ignores_alpha", "leaky_relu", leaky_relu_ignores_alpha, ("alpha argument was ignored",)),
    function_mutant("sigmoid_derivative_is_g", "sigmoid_derivative", sigmoid_derivative_is_g, ("g(1 - g)",), STEP),
    function_mutant("sigmoid_derivative_of_z", "sigmoid_derivative", sigmoid_derivative_of_z,
           ("applied to z instead of to g",), STEP),
    function_mutant("tanh_derivative_not_squared", "tanh_derivative", tanh_derivative_not_squared, ("1 - g^2",), STEP),
    function_mutant("relu_derivative_one_at_zero", "relu_derivative", relu_derivative_one_at_zero, ("z == 0",), STEP),
    function_mutant("relu_derivative_booleans", "relu_derivative", relu_derivative_booleans, ("booleans", ".astype(float)")),
    function_mutant("leaky_relu_derivative_zero_below", "leaky_relu_derivative", leaky_relu_derivative_zero_below,
           ("slope there is alpha",), STEP),
    function_mutant("leaky_relu_derivative_alpha_times_z", "leaky_relu_derivative", leaky_relu_derivative_alpha_times_z,
           ("the function's value",), STEP),
    function_mutant("neuron_no_bias", "neuron", neuron_no_bias, ("bias is missing",)),
    function_mutant("neuron_bias_after_activation", "neuron", neuron_bias_after_activation, ("before adding the bias",)),
    function_mutant("neuron_always_sigmoid", "neuron", neuron_always_sigmoid, ("activation argument was ignored",)),
    function_mutant("neuron_products_not_summed", "neuron", neuron_products_not_summed, ("wrong shape", "np.dot")),
    function_mutant("softmax_wrong_axis", "softmax", softmax_wrong_axis, ("wrong axis",)),
    function_mutant("softmax_no_max_shift", "softmax", softmax_no_max_shift, ("NaN", "subtract each row's maximum")),
    function_mutant("softmax_global_max", "softmax", softmax_global_max, ("maximum of the whole array",)),
    function_mutant("softmax_no_keepdims", "softmax", softmax_no_keepdims, ("keepdims=True",)),
    function_mutant("binary_crossentropy_no_clip", "binary_crossentropy", binary_crossentropy_no_clip,
           ("clip y_pred to [1e-7, 1 - 1e-7]",)),
    function_mutant("binary_crossentropy_label_one_only", "binary_crossentropy", binary_crossentropy_label_one_only,
           ("(1 - y) ln(1 - p) term is missing",)),
    function_mutant("categorical_crossentropy_no_clip", "categorical_crossentropy", categorical_crossentropy_no_clip,
           ("NaN", "clip y_pred")),
    function_mutant("categorical_crossentropy_mean_over_classes", "categorical_crossentropy",
           categorical_crossentropy_mean_over_classes, ("averaged over the classes",)),
    function_mutant("categorical_crossentropy_log10", "categorical_crossentropy", categorical_crossentropy_log10,
           ("natural log",)),
    function_mutant("mse_sum", "mse", mse_sum, ("MSE is their MEAN",), STEP),
    function_mutant("mse_square_of_mean", "mse", mse_square_of_mean, ("mean error was squared",), STEP),
    function_mutant("mae_no_abs", "mae", mae_no_abs, ("np.abs",)),
    function_mutant("accuracy_without_argmax", "accuracy", accuracy_without_argmax, ("np.argmax",)),
    function_mutant("accuracy_count", "accuracy", accuracy_count, ("NUMBER of correct predictions",)),
    function_mutant("confusion_matrix_transposed", "confusion_matrix", confusion_matrix_transposed, ("transposed",)),
    function_mutant("confusion_matrix_size_from_y_true", "confusion_matrix", confusion_matrix_size_from_y_true,
           ("IndexError", "y_true OR y_pred")),
    function_mutant("gradient_step_plus", "gradient_step", gradient_step_plus, ("UP the gradient",)),
    function_mutant("gradient_step_rate_ignored", "gradient_step", gradient_step_rate_ignored,
           ("learning rate was ignored",)),
    function_mutant("gradient_step_no_derivative", "gradient_step", gradient_step_no_derivative,
           ("derivative is missing",)),
    function_mutant("gradient_step_derivative_at_output", "gradient_step", gradient_step_derivative_at_output,
           ("evaluated at the layer's output",)),
    function_mutant("gradient_step_sum_of_squares", "gradient_step", gradient_step_sum_of_squares,
           ("not divided by the number of values",)),
    function_mutant("gradient_step_updated_weights", "gradient_step", gradient_step_updated_weights,
           ("UPDATED weights",)),
    function_mutant("gradient_step_bias_mean", "gradient_step", gradient_step_bias_mean, ("SUMMED over the examples",)),
    function_mutant("gradient_step_loss_after", "gradient_step", gradient_step_loss_after, ("after the update",)),
    function_mutant("gradient_step_in_place", "gradient_step", gradient_step_in_place,
                    ("changed the arrays it was given", "updated in place")),
)
