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

Conceptual mistakes (about augmentation layers) have no arithmetic: `conceptual`
registers their name and words, and the question passes the wrong claim each leads to.

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
from reference import receptive_field as ref_rf
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


# --- the course's CNNs, layer by layer (lenet-alexnet-layer) -----------------------------

bias_per_input_channel = from_shared(shared.bias_per_input_channel)


@mistake("Used the image's channels: a later Conv2D's input channels are the channels of the "
         "layer before it (the previous Conv2D's filters).")
def used_the_image_channels(kernel_size, image_channels, in_channels, filters):
    if in_channels == image_channels:
        return None
    return ref_shapes.conv_params(kernel_size, image_channels, filters)


@mistake("Pooled as if 'valid': a pooling layer with padding='same' outputs ceil(n / s), "
         "not floor((n - k) / s) + 1.")
def used_valid_for_same_pooling(input_shape, layers, index, quantity):
    # Pooling's padding is easy to overlook: it defaults to 'valid', AlexNet's is 'same'.
    def change(layer):
        if "Pooling" in layer["type"] and layer.get("padding", "valid") == "same":
            return dict(layer, padding="valid")
        return layer
    return _transform(input_shape, layers, index, quantity, change)


@mistake(shared.ignored_the_stride.feedback)
def ignored_the_conv_strides(input_shape, layers, index, quantity):
    def change(layer):
        if layer["type"] == "Conv2D" and layer.get("strides", 1) != 1:
            return dict(layer, strides=1)
        return layer
    return _transform(input_shape, layers, index, quantity, change)


@mistake("Kept the input's channels: a Conv2D outputs one channel per filter.")
def kept_the_input_channels(output_shape, in_channels):
    h, w, c = output_shape
    if c == in_channels:
        return None
    return shape_text((h, w, in_channels))


@mistake("Pooled the channels too: pooling works on each channel separately, so the channels stay.")
def pooled_the_channels_too(output_shape, stride):
    h, w, c = output_shape
    if stride == 1 or c % stride:
        return None
    return shape_text((h, w, c // stride))


@mistake("Flattened without the channels: Flatten of H x W x C gives H*W*C values.")
def flattened_shape_without_the_channels(input_shape):
    h, w, c = input_shape
    if c == 1 or h * w == 1:
        return None
    return shape_text((h * w,))


@mistake("Kept the channels as an axis: Flatten gives one vector of H*W*C values per example.")
def kept_the_channel_axis(input_shape):
    h, w, c = input_shape
    return shape_text((h * w, c))


# BatchNormalization over C channels at P = H*W positions. Each mistake is a wrong
# (trainable, non-trainable) count, shown as the question asks: total or split.

def batch_norm_answer(trainable: int, non_trainable: int, quantity: str):
    """The total ("params") or the split ("split") of a BatchNormalization count, as displayed."""
    if quantity == "params":
        return trainable + non_trainable
    return f"{trainable:,} trainable, {non_trainable:,} non-trainable"


@mistake("Counted only gamma and beta (2*C): BatchNormalization also keeps a moving mean and "
         "variance per channel, as non-trainable parameters (4*C in all).")
def counted_only_gamma_and_beta(channels, positions, quantity):
    return batch_norm_answer(2 * channels, 0, quantity)


@mistake("Counted no parameters: BatchNormalization learns gamma and beta per channel and keeps a "
         "moving mean and variance (4*C in all).")
def counted_no_batch_norm_params(channels, positions, quantity):
    return batch_norm_answer(0, 0, quantity)


@mistake("Counted one parameter per channel: BatchNormalization keeps four per channel (gamma and "
         "beta trainable, moving mean and variance not).")
def counted_one_per_channel(channels, positions, quantity):
    return batch_norm_answer(channels, 0, quantity)


@mistake("Counted the moving mean and variance as trainable: they follow the batch statistics; "
         "gradient descent does not train them.")
def counted_the_statistics_as_trainable(channels, positions, quantity):
    return batch_norm_answer(4 * channels, 0, quantity)


@mistake("Counted gamma and beta as non-trainable: they are learned by gradient descent; only the "
         "moving mean and variance are non-trainable.")
def counted_gamma_and_beta_as_non_trainable(channels, positions, quantity):
    return batch_norm_answer(0, 4 * channels, quantity)


@mistake("Counted parameters per position: with axis=-1 BatchNormalization has its parameters per "
         "channel, shared over height and width.")
def counted_per_position(channels, positions, quantity):
    if positions == 1:
        return None
    return batch_norm_answer(2 * channels * positions, 2 * channels * positions, quantity)


# --- receptive field: wrong(layers), layer dicts as reference.receptive_field takes -------

def _windows(layers):
    return [ref_rf.window(layer) for layer in layers]


@mistake("Added the kernel sizes: each layer adds k - 1 pixels times the jump j (the input "
         "pixels between neighbouring units), r = 1 + sum of (k - 1) * j.")
def summed_the_kernel_sizes(layers):
    return sum(ref_rf.window(layer)[0] for layer in layers if layer["type"] in ref_rf.WINDOW_LAYERS)


@mistake("Ignored the strides: after a stride-s layer neighbouring units are s times further "
         "apart, so every later window covers s times more input pixels.")
def ignored_strides_in_the_field(layers):
    if all(s == 1 for k, s in _windows(layers)):
        return None
    return ref_rf.receptive_field([dict(layer, strides=1) if layer["type"] in ref_rf.WINDOW_LAYERS
                                   else layer for layer in layers])


@mistake("Left out the pooling: a pooling window widens the field like a kernel, and its "
         "stride multiplies the jump for the layers after it.")
def ignored_pooling_in_the_field(layers):
    kept = [layer for layer in layers if "Pooling" not in layer["type"]]
    if len(kept) == len(layers):
        return None
    return ref_rf.receptive_field(kept)


@mistake("Counted only the last layer: each unit of its k x k window already sees a patch of "
         "the input, so the field grows layer by layer.")
def counted_only_the_last_window(layers):
    return _windows(layers)[-1][0]


@mistake("Used the jump after the layer: a layer's window spans (k - 1) * j_in, the spacing of "
         "its inputs; its own stride only spreads the layers after it.")
def used_the_jump_after_the_layer(layers):
    r, j = 1, 1
    for k, s in _windows(layers):
        j *= s
        r += (k - 1) * j
    return r


@mistake("Forgot the starting pixel: the field starts at one input pixel, r = 1 + sum of (k - 1) * j.")
def forgot_the_first_pixel(layers):
    return ref_rf.receptive_field(layers) - 1


# --- augmentation layers ------------------------------------------------------------------

def conceptual(name: str, label: str) -> Callable:
    """A mistake without arithmetic: the question passes the wrong claim it leads to."""
    def claim(text):
        return text
    claim.__name__ = claim.__qualname__ = name
    return mistake(label)(claim)


augmented_at_inference = conceptual(
    "augmented_at_inference",
    "Thought augmentation runs at inference: the random layers act only in training (model.fit, "
    "or a call with training=True); predict and evaluate pass the images through unchanged.")
augmented_in_evaluate = conceptual(
    "augmented_in_evaluate",
    "Thought evaluate augments: model.evaluate runs the model in inference mode, like predict, "
    "so the random layers do nothing there.")
augmented_the_dataset_once = conceptual(
    "augmented_the_dataset_once",
    "Thought augmentation makes a fixed, larger dataset: the layer draws a new random "
    "transformation every time a batch passes through it in training.")
confused_with_test_time_augmentation = conceptual(
    "confused_with_test_time_augmentation",
    "Confused it with test-time augmentation: Keras's random layers do nothing at inference; "
    "they vary the training images.")
drew_the_transformation_once = conceptual(
    "drew_the_transformation_once",
    "Thought the layer draws its transformation once: in training it draws a new one at every "
    "call (every batch).")
swapped_training_and_inference = conceptual(
    "swapped_training_and_inference",
    "Swapped training and inference: the random layers transform the images when training=True "
    "and pass them through at inference.")
learned_the_transformation = conceptual(
    "learned_the_transformation",
    "Thought the transformation is learned: you set its range (the factor); the layer draws "
    "at random within it and has no weights.")
counted_the_factor_as_a_parameter = conceptual(
    "counted_the_factor_as_a_parameter",
    "Counted the factor as a parameter: constructor arguments are settings, not weights; "
    "count_params() does not change.")
confused_with_normalization = conceptual(
    "confused_with_normalization",
    "Confused it with a normalisation layer: Normalization and BatchNormalization keep "
    "per-channel statistics; the random augmentation layers keep nothing.")
augmented_the_test_data = conceptual(
    "augmented_the_test_data",
    "Augmented the test data: the test set measures how the model does on real, unaltered "
    "images; augmentation only varies the training images.")
augmented_only_the_test_data = conceptual(
    "augmented_only_the_test_data",
    "Augmented the test images instead of the training images: augmentation varies the training "
    "images so that the model learns to ignore those changes; the test images stay as they are.")
augmented_the_validation_data = conceptual(
    "augmented_the_validation_data",
    "Augmented the validation data: validation, like the test, should measure the model on "
    "unaltered images, or the validation loss no longer tracks real performance.")
picked_random_flip = conceptual(
    "picked_random_flip",
    "RandomFlip mirrors the image: it teaches invariance to mirror images (left-right, or "
    "up-down), not to this change.")
picked_random_rotation = conceptual(
    "picked_random_rotation",
    "RandomRotation rotates by a random angle: it teaches invariance to tilt, not to this change.")
picked_random_zoom = conceptual(
    "picked_random_zoom",
    "RandomZoom zooms in or out: it teaches invariance to the object's size (its distance), "
    "not to this change.")
picked_random_translation = conceptual(
    "picked_random_translation",
    "RandomTranslation shifts the image: it teaches invariance to the object's position, not "
    "to this change.")
picked_random_brightness = conceptual(
    "picked_random_brightness",
    "RandomBrightness adds a random offset to every pixel: it teaches invariance to lighter or "
    "darker images, not to this change.")
picked_random_contrast = conceptual(
    "picked_random_contrast",
    "RandomContrast stretches or squeezes the pixel values around their mean: it teaches "
    "invariance to contrast, not to this change.")


@mistake("Thought zooming changes the size: RandomZoom resamples the zoomed image back to the "
         "same height and width.")
def enlarged_by_the_zoom(input_shape, factor):
    h, w, c = input_shape
    return shape_text((round(h * (1 + factor)), round(w * (1 + factor)), c))


@mistake("Thought the rotated image is enlarged to fit: RandomRotation keeps the height and "
         "width and fills the uncovered corners.")
def enlarged_to_fit_the_rotation(input_shape, factor):
    h, w, c = input_shape
    angle = 2 * math.pi * factor  # the factor is a fraction of a full turn
    cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
    return shape_text((math.ceil(h * cos + w * sin), math.ceil(w * cos + h * sin), c))


@mistake("Thought translation pads the image: the shifted image keeps its height and width; the "
         "uncovered border is filled.")
def padded_by_the_translation(input_shape, height_factor, width_factor):
    h, w, c = input_shape
    return shape_text((h + 2 * round(height_factor * h), w + 2 * round(width_factor * w), c))


@mistake("Thought augmentation adds a transformed copy of each image: each image is replaced by "
         "one transformed version, so the shape (and the batch size) stay.")
def added_an_augmented_copy(output_shape):
    return shape_text((2, *output_shape))


@mistake("Kept the input size: Resizing and RandomCrop output the height and width they are given.")
def kept_the_input_size(input_shape):
    return shape_text(input_shape)


@mistake("Swapped height and width: Resizing(height, width) and RandomCrop(height, width) take the "
         "height first.")
def swapped_height_and_width(output_shape):
    h, w, c = output_shape
    if h == w:
        return None
    return shape_text((w, h, c))


@mistake("Subtracted the crop: RandomCrop(height, width) gives the size of the window it keeps, "
         "not how much it cuts off.")
def cut_off_the_crop_size(input_shape, output_shape):
    (h, w, c), (ch, cw, _) = input_shape, output_shape
    if ch >= h or cw >= w:
        return None
    return shape_text((h - ch, w - cw, c))


# --- recurrent layers: wrong(kind, features, units, use_bias, reset_after) ---------------

@mistake("Forgot the gates: an LSTM has 4 sets of weights (input, forget, cell, output gates), a "
         "GRU 3 (update, reset, candidate); a SimpleRNN has one.")
def forgot_the_gates(kind, features, units, use_bias=True, reset_after=True):
    if kind == "SimpleRNN":
        return None
    return ref_shapes.recurrent_params("SimpleRNN", features, units, use_bias)


@mistake("Forgot the recurrent weights: each gate also multiplies the previous state (units x units weights).")
def forgot_the_recurrent_weights(kind, features, units, use_bias=True, reset_after=True):
    return ref_shapes.recurrent_params(kind, features, units, use_bias, reset_after) \
        - ref_shapes.GATES[kind] * units * units


@mistake("Forgot the biases: each gate has one bias per unit (a GRU in Keras 3 two, reset_after=True).")
def forgot_the_recurrent_biases(kind, features, units, use_bias=True, reset_after=True):
    if not use_bias:
        return None
    return ref_shapes.recurrent_params(kind, features, units, use_bias=False)


@mistake("Counted one bias set for the GRU: Keras 3's GRU has reset_after=True, two bias vectors per gate.")
def gru_with_one_bias(kind, features, units, use_bias=True, reset_after=True):
    if kind != "GRU" or not use_bias or not reset_after:
        return None
    return ref_shapes.recurrent_params(kind, features, units, use_bias, reset_after=False)


@mistake("Counted the weights once per time step: the same weights are used at every step.")
def counted_every_time_step(kind, features, units, use_bias=True, reset_after=True, steps=1):
    if steps == 1:
        return None
    return steps * ref_shapes.recurrent_params(kind, features, units, use_bias, reset_after)


@mistake("Added a bias to the embedding: an Embedding is only a table, input_dim x output_dim.")
def embedding_with_a_bias(input_dim, output_dim):
    return input_dim * output_dim + output_dim


@mistake("Counted the sequence length: the table has one row per word of the vocabulary, "
         "not per position.")
def embedding_per_position(input_dim, output_dim, length=None):
    if length is None or length == input_dim:
        return None
    return length * output_dim


# --- windows of a series: wrong(length, look_back) ---------------------------------------

@mistake("Stopped one window early: range(len(series) - look_back - 1) drops the last window.")
def dropped_the_last_window(length, look_back):
    return ref_shapes.series_windows(length, look_back) - 1 if length > look_back else None


@mistake("Counted one window too many: the last window must still have a value after it.")
def one_window_too_many(length, look_back):
    return ref_shapes.series_windows(length, look_back) + 1


@mistake("Cut the series into separate blocks: the windows overlap, one starts at every value.")
def non_overlapping_windows(length, look_back):
    return length // (look_back + 1)


@mistake("Counted every value: the first look_back values have no full window before them.")
def counted_every_value(length, look_back):
    return length

