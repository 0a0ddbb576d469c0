"""The modelled student mistakes: each function computes the wrong answer one mistake gives.

Every function is named after its mistake and carries a `label`, the feedback a
student sees when their answer matches it. A function returns None where the
mistake does not apply to the given parameters (e.g. ignoring a stride of 1).
Some reuse the reference implementations with the mistaken argument (a flipped
kernel, the wrong padding): the mistake is in what is computed, not how.

The output-size and parameter-count mistakes are the ones the checks' hints and the
mutants model too: they are defined once in autograder.mistakes and registered here
with its words as their feedback; the same mistakes made on a whole model (the
architecture family) reuse those words.

The answer keys never come from here: they come from `reference/`.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from autograder import mistakes as shared
from reference import activations as act
from reference import conv as ref_conv
from reference import losses as ref_losses
from reference import pooling as ref_pool
from reference import shapes as ref_shapes

MISTAKES: dict[str, Callable] = {}


def mistake(label: str):
    """Register a mistake function with the feedback label that names it."""
    def deco(fn):
        fn.label = label
        if fn.__name__ in MISTAKES:
            raise ValueError(f"mistake {fn.__name__} defined twice")
        MISTAKES[fn.__name__] = fn
        return fn
    return deco


def from_shared(known: shared.Mistake) -> Callable:
    """A mistake of autograder.mistakes as a quiz mistake function: its name, its wrong value,
    its words as the feedback."""
    def wrong(*args):
        return known.wrong(*args)
    wrong.__name__ = wrong.__qualname__ = known.name
    return mistake(known.feedback)(wrong)


# --- conv output size: wrong(n, k, s, padding), padding "valid", "same" or an int --------

ceil_instead_of_floor = from_shared(shared.ceil_instead_of_floor)
forgot_the_plus_one = from_shared(shared.forgot_the_plus_one)
used_same_instead_of_valid = from_shared(shared.used_same_instead_of_valid)
used_valid_instead_of_same = from_shared(shared.used_valid_instead_of_same)
ignored_the_stride = from_shared(shared.ignored_the_stride)
ignored_the_padding = from_shared(shared.ignored_the_padding)
padded_one_side = from_shared(shared.padded_one_side)


# --- parameter counts ---------------------------------------------------------------

# wrong(kernel_size, in_channels, filters, use_bias); a Dense layer as shared.dense_layer(...).
forgot_the_bias = from_shared(shared.forgot_the_bias)
forgot_the_input_channels = from_shared(shared.forgot_the_input_channels)
counted_one_filter = from_shared(shared.counted_one_filter)
used_k_not_k_squared = from_shared(shared.used_k_not_k_squared)
added_a_bias_anyway = from_shared(shared.added_a_bias_anyway)
bias_per_input = from_shared(shared.bias_per_input)


@mistake("One bias for the whole layer: there is one bias per filter (per unit).")
def one_bias_for_the_layer(weights_without_bias, use_bias=True):
    if not use_bias:
        return None
    return weights_without_bias + 1


@mistake("Forgot weight sharing: a filter's weights are reused at every output position, not copied.")
def forgot_weight_sharing(params, out_h, out_w):
    if out_h * out_w == 1:
        return None
    return params * out_h * out_w


@mistake("Flattened without the channels: Flatten of H x W x C gives H*W*C inputs.")
def flattened_without_the_channels(height, width, channels, units, use_bias=True):
    if channels == 1:
        return None
    return ref_shapes.dense_params(height * width, units, use_bias)


@mistake("Added inputs and units instead of multiplying: every input connects to every unit (in * units weights).")
def added_inputs_and_units(in_units, units, use_bias=True):
    return in_units + units + (units if use_bias else 0)


# --- whole architectures: the mistake changes the model the student reasons about -------

def _summary_value(input_shape, layers, index, quantity):
    summary = ref_shapes.summarize(input_shape, layers)
    row = summary.layers[index]
    if quantity == "shape":
        return shape_text(row.output_shape)
    if quantity == "size":
        return row.activation_size
    return row.params


def shape_text(shape) -> str:
    """(14, 14, 8) / (400,): the displayed form of an output shape without the batch."""
    dims = tuple(int(d) for d in shape)
    return f"({dims[0]},)" if len(dims) == 1 else "(" + ", ".join(map(str, dims)) + ")"


def _transform(input_shape, layers, index, quantity, change, keep=lambda i, layer: True):
    """The asked quantity after changing layers 0..index (and dropping those `keep` rejects)."""
    new_layers, new_index, changed = [], None, False
    for i, layer in enumerate(layers):
        if i <= index and not keep(i, layer):
            if i == index:
                return None
            changed = True
            continue
        layer = dict(layer)
        if i <= index:
            updated = change(layer)
            if updated != layer:
                changed = True
            layer = updated
        if i == index:
            new_index = len(new_layers)
        new_layers.append(layer)
    if not changed:
        return None
    try:
        return _summary_value(input_shape, new_layers, new_index, quantity)
    except ValueError:
        return None


@mistake(shared.used_same_instead_of_valid.feedback)
def used_same_for_valid_layers(input_shape, layers, index, quantity):
    def change(layer):
        if layer["type"] == "Conv2D" and layer.get("padding", "valid") == "valid":
            return dict(layer, padding="same")
        return layer
    return _transform(input_shape, layers, index, quantity, change)


@mistake(shared.used_valid_instead_of_same.feedback)
def used_valid_for_same_layers(input_shape, layers, index, quantity):
    def change(layer):
        if layer["type"] == "Conv2D" and layer.get("padding", "valid") == "same":
            return dict(layer, padding="valid")
        return layer
    return _transform(input_shape, layers, index, quantity, change)


@mistake("Forgot the pooling: each pooling layer divides height and width by its stride.")
def forgot_the_pooling(input_shape, layers, index, quantity):
    return _transform(input_shape, layers, index, quantity, lambda layer: layer,
                      keep=lambda i, layer: "Pooling" not in layer["type"])


@mistake(shared.pooled_with_stride_1.feedback)
def pooled_with_stride_1(input_shape, layers, index, quantity):
    def change(layer):
        if "Pooling" in layer["type"]:
            return dict(layer, strides=1)
        return layer
    return _transform(input_shape, layers, index, quantity, change)


@mistake(shared.forgot_the_plus_one.feedback)
def forgot_the_plus_one_in_layers(input_shape, layers, index, quantity):
    # With stride 1, a kernel one larger gives exactly n - k.
    if any(layer["type"] == "Conv2D" and layer.get("strides", 1) != 1 for layer in layers[:index + 1]):
        return None

    def change(layer):
        if layer["type"] == "Conv2D" and layer.get("padding", "valid") == "valid":
            return dict(layer, kernel_size=layer["kernel_size"] + 1)
        return layer
    return _transform(input_shape, layers, index, quantity, change)


@mistake("Forgot the channels: the activation size is height * width * channels.")
def forgot_the_channels(output_shape):
    if len(output_shape) != 3 or output_shape[2] == 1:
        return None
    return output_shape[0] * output_shape[1]


@mistake("Put the channels first: Keras is channels-last, (height, width, channels).")
def put_the_channels_first(output_shape):
    if len(output_shape) != 3:
        return None
    return shape_text((output_shape[2], output_shape[0], output_shape[1]))


@mistake("Gave the activation size, not the parameters: pooling, Flatten and Dropout have no weights.")
def gave_the_activation_size(activation_size):
    return activation_size


@mistake("Counted the pooling window as weights: pooling has no parameters.")
def counted_the_pool_window(pool_size, channels):
    return pool_size * pool_size * channels


@mistake("Counted only gamma and beta: BatchNormalization also keeps a moving mean and variance "
         "(4*C parameters, 2*C trainable).")
def counted_only_trainable(trainable_params, params):
    if trainable_params == params:
        return None
    return trainable_params


# --- feature maps (conv2d of a small matrix) ------------------------------------------

@mistake("Flipped the kernel (true convolution): Keras and the course cross-correlate, no flip.")
def flipped_the_kernel(x, kernel, stride, padding):
    k = np.asarray(kernel)
    flipped = k[::-1, ::-1]
    if np.array_equal(flipped, k):
        return None
    return ref_conv.conv2d(np.asarray(x), flipped, stride=stride, padding=padding)


@mistake("Transposed the kernel: its rows are rows of the image window.")
def transposed_the_kernel(x, kernel, stride, padding):
    k = np.asarray(kernel)
    if k.shape[0] != k.shape[1] or np.array_equal(k.T, k):
        return None
    return ref_conv.conv2d(np.asarray(x), k.T, stride=stride, padding=padding)


@mistake("Ignored the padding: the zero border changes both the size and the edge values.")
def ignored_the_padding_map(x, kernel, stride, padding):
    if padding == "valid" or padding == 0:
        return None
    x = np.asarray(x)
    k = np.asarray(kernel)
    if k.shape[0] > x.shape[0]:
        return None
    return ref_conv.conv2d(x, k, stride=stride, padding="valid")


@mistake("Ignored the stride: the window moves s pixels at a time.")
def ignored_the_stride_map(x, kernel, stride, padding):
    if stride == 1:
        return None
    return ref_conv.conv2d(np.asarray(x), np.asarray(kernel), stride=1, padding=padding)


@mistake("Padded one side only: the zero border goes on all four sides.")
def padded_one_side_map(x, kernel, stride, padding):
    if not isinstance(padding, int) or padding == 0:
        return None
    p = padding
    return ref_conv.conv2d(np.asarray(x), np.asarray(kernel), stride=stride, padding=(p, 0, p, 0))


@mistake("Put the extra 'same' padding top/left: TensorFlow puts the odd pixel bottom/right.")
def padded_the_wrong_side(x, kernel, stride, padding):
    if padding != "same":
        return None
    x = np.asarray(x)
    k = np.asarray(kernel)
    top, bottom = ref_conv.same_padding(x.shape[0], k.shape[0], stride)
    left, right = ref_conv.same_padding(x.shape[1], k.shape[1], stride)
    if top == bottom and left == right:
        return None
    return ref_conv.conv2d(x, k, stride=stride, padding=(bottom, top, right, left))


# --- pooling -----------------------------------------------------------------------

def _pool(op):
    return ref_pool.max_pool if op == "max" else ref_pool.avg_pool


@mistake("Pooled with stride 1: the stride defaults to the pool size, so windows do not overlap.")
def pooled_with_stride_1_map(x, op, pool_size, stride, padding):
    effective = pool_size if stride is None else stride
    if effective == 1:
        return None
    return _pool(op)(np.asarray(x), pool_size, 1, padding)


@mistake("Took the maximum instead of the average.")
def used_max_instead_of_average(x, op, pool_size, stride, padding):
    if op != "avg":
        return None
    return ref_pool.max_pool(np.asarray(x), pool_size, stride, padding)


@mistake("Took the average instead of the maximum.")
def used_average_instead_of_max(x, op, pool_size, stride, padding):
    if op != "max":
        return None
    return ref_pool.avg_pool(np.asarray(x), pool_size, stride, padding)


@mistake("Averaged over the padding: 'same' average pooling divides by the real pixels only.")
def averaged_over_the_padding(x, op, pool_size, stride, padding):
    if op != "avg" or padding != "same":
        return None
    x = np.asarray(x)
    s = pool_size if stride is None else stride
    padded = ref_conv.zero_pad(x, "same", kernel_size=pool_size, stride=s)
    if padded.shape == x.shape:
        return None
    return ref_pool.avg_pool(padded, pool_size, s, "valid")


@mistake("Ignored the 'same' padding: it keeps ceil(n / stride) windows per side.")
def ignored_the_same_padding(x, op, pool_size, stride, padding):
    if padding != "same":
        return None
    x = np.asarray(x)
    if pool_size > x.shape[0]:
        return None
    return _pool(op)(x, pool_size, stride, "valid")


@mistake("Summed instead of averaging: divide each window's sum by its pixel count.")
def summed_instead_of_averaging(x, op, pool_size, stride, padding):
    if op != "avg":
        return None
    s = pool_size if stride is None else stride
    ones = np.ones((pool_size, pool_size), dtype=np.int64)
    return ref_conv.conv2d(np.asarray(x), ones, stride=s, padding=padding)


# --- activations -------------------------------------------------------------------

@mistake("Applied the derivative formula to x instead of g(x): sigmoid' = g(1 - g) with g = sigmoid(x).")
def sigmoid_formula_on_x(x):
    return x * (1 - x)


@mistake("Applied the derivative formula to x instead of g(x): tanh' = 1 - g^2 with g = tanh(x).")
def tanh_formula_on_x(x):
    return 1 - x * x


@mistake("Gave the activation g(x), not its derivative.")
def gave_the_activation(value):
    return value


@mistake("Forgot to square: tanh' = 1 - tanh(x)^2.")
def forgot_to_square(x):
    return 1 - float(act.tanh(x))


@mistake("Used the sigmoid's derivative formula g(1 - g) for tanh (tanh' = 1 - g^2).")
def used_sigmoid_derivative_formula(x):
    g = float(act.tanh(x))
    return g * (1 - g)


@mistake("Used the tanh's derivative formula 1 - g^2 for the sigmoid (sigmoid' = g(1 - g)).")
def used_tanh_derivative_formula(x):
    g = float(act.sigmoid(x))
    return 1 - g * g


@mistake("Computed tanh instead of the sigmoid.")
def used_tanh_instead_of_sigmoid(x):
    return float(act.tanh(x))


@mistake("Computed the sigmoid instead of tanh.")
def used_sigmoid_instead_of_tanh(x):
    return float(act.sigmoid(x))


@mistake("Dropped the minus sign in the exponent: sigmoid(x) = 1 / (1 + e^(-x)).")
def dropped_the_minus_in_the_exponent(x):
    return float(act.sigmoid(-x))


@mistake("Let a negative input through: ReLU outputs max(0, x).")
def let_negative_through(x):
    if x >= 0:
        return None
    return x


@mistake("Used a slope of 1 everywhere: the ReLU's slope is 0 for x < 0.")
def slope_one_everywhere(x):
    return 1.0


@mistake("Forgot alpha: leaky ReLU is alpha * x (slope alpha) for x < 0, not 0.")
def forgot_the_alpha(x, value_or_derivative):
    if x > 0:
        return None
    return 0.0


@mistake("Used alpha on the positive side: leaky ReLU is x (slope 1) for x > 0.")
def used_alpha_for_positive(x, alpha, derivative):
    if x <= 0:
        return None
    return alpha if derivative else alpha * x


@mistake("Used TensorFlow's default alpha 0.2: the question (and the course) use the alpha given.")
def used_tensorflow_default_alpha(x, alpha, derivative):
    if x > 0 or alpha == 0.2:
        return None
    return 0.2 if derivative else 0.2 * x


@mistake("Forgot to normalise: softmax divides e^z_i by the sum of e^z_j.")
def forgot_to_normalise(z, i):
    return math.exp(z[i])


@mistake("Normalised without exponentials: softmax uses e^z_i / sum e^z_j, not z_i / sum z_j.")
def normalised_without_exp(z, i):
    total = sum(z)
    if total == 0:
        return None
    return z[i] / total


@mistake("Applied the sigmoid to one logit: softmax depends on all logits.")
def sigmoid_of_one_logit(z, i):
    return float(act.sigmoid(z[i]))


# --- losses ------------------------------------------------------------------------

def _clip(p):
    return np.clip(np.asarray(p, dtype=np.float64), ref_losses.EPSILON, 1 - ref_losses.EPSILON)


def _bce_terms(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = _clip(p)
    return y, p


@mistake("Used log10: cross-entropy uses the natural logarithm.")
def used_log10_bce(y, p):
    y, p = _bce_terms(y, p)
    return float(-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)))


@mistake("Used log10: cross-entropy uses the natural logarithm.")
def used_log10_cce(y, p):
    y, p = np.asarray(y, dtype=np.float64), _clip(p)
    return float(np.mean(-np.sum(y * np.log10(p), axis=-1)))


@mistake("Forgot the minus sign: the log of a probability is negative, the loss is positive.")
def forgot_the_minus_sign(loss):
    return -loss


@mistake("Summed instead of averaging over the samples.")
def summed_instead_of_mean(loss, n):
    if n == 1:
        return None
    return loss * n


@mistake("Only the y = 1 term: binary cross-entropy also adds (1 - y) log(1 - p).")
def only_the_positive_term(y, p):
    y, p = _bce_terms(y, p)
    return float(-np.mean(y * np.log(p)))


@mistake("Swapped p and 1 - p: p is the predicted probability of class 1.")
def swapped_p_and_one_minus_p(y, p):
    y, p = _bce_terms(y, p)
    return float(-np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)))


@mistake("Used the predicted class's probability, not the true class's.")
def used_the_predicted_class(y, p):
    y, p = np.asarray(y, dtype=np.float64), _clip(p)
    top = p.max(axis=-1)
    truth = np.sum(y * p, axis=-1)
    if np.allclose(top, truth):
        return None
    return float(np.mean(-np.log(top)))


@mistake("Used binary cross-entropy on the one-hot vectors (loss='binary_crossentropy' for many classes).")
def used_binary_crossentropy(y, p):
    return float(ref_losses.binary_crossentropy(np.asarray(y, dtype=np.float64),
                                                np.asarray(p, dtype=np.float64)))


@mistake("Forgot to square the errors: MSE averages (y - y_hat)^2.")
def forgot_to_square_errors(y, y_hat):
    d = np.asarray(y, dtype=np.float64) - np.asarray(y_hat, dtype=np.float64)
    return float(np.mean(d))


@mistake("Took the square root: that is the RMSE, not the MSE.")
def took_the_square_root(mse_value):
    return math.sqrt(mse_value)


@mistake("Forgot the square root: RMSE = sqrt(MSE).")
def forgot_the_square_root(mse_value):
    return mse_value


@mistake("Forgot to average: the loss is the mean over the samples, not the sum.")
def forgot_to_average(y, y_hat, power):
    d = np.asarray(y, dtype=np.float64) - np.asarray(y_hat, dtype=np.float64)
    return float(np.sum(np.abs(d) ** power))


@mistake("Used the absolute errors: that is the MAE.")
def used_absolute_errors(mae_value):
    return mae_value


@mistake("Squared the errors: that is the MSE, the MAE averages |y - y_hat|.")
def squared_the_errors(mse_value):
    return mse_value


@mistake("Forgot the absolute value: positive and negative errors cancel.")
def forgot_the_absolute_value(y, y_hat):
    d = np.asarray(y, dtype=np.float64) - np.asarray(y_hat, dtype=np.float64)
    return float(np.mean(d))


@mistake("Summed the squared errors: RMSE is the root of their mean.")
def summed_before_the_root(y, y_hat):
    d = np.asarray(y, dtype=np.float64) - np.asarray(y_hat, dtype=np.float64)
    return float(np.sqrt(np.sum(d * d)))


@mistake("Squared the mean error: average the squares, do not square the average.")
def squared_the_mean_error(y, y_hat):
    d = np.asarray(y, dtype=np.float64) - np.asarray(y_hat, dtype=np.float64)
    return float(np.mean(d) ** 2)


# --- steps per epoch ---------------------------------------------------------------

@mistake("Floor instead of ceil: Keras runs a last, smaller batch for the remaining samples.")
def floor_instead_of_ceil(n, batch_size):
    return n // batch_size


@mistake("Rounded to the nearest integer: the remainder still needs one more step (ceil).")
def rounded_to_nearest(n, batch_size):
    return int(math.floor(n / batch_size + 0.5))


@mistake("Multiplied by the batch size: steps = samples / batch size.")
def multiplied_by_the_batch(n, batch_size):
    return n * batch_size


@mistake("Counted the samples, not the batches: one step processes a whole batch.")
def counted_the_samples(n, batch_size):
    return n


@mistake("Counted steps for all epochs: the question asks for one epoch.")
def counted_all_epochs(steps, epochs):
    if epochs == 1:
        return None
    return steps * epochs
