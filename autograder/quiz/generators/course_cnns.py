"""One layer of the course's LeNet-style CNNs and AlexNet: output shape, parameters, BN split.

The stacks are reference.architectures' mnist_cnn (28x28x1), lenet5_cifar10 and
alexnet_cifar10, shown as the course's Keras code; every key comes from
reference.shapes.summarize. Asked: a Conv2D's, pooling layer's or Flatten's
output shape; a Conv2D's, Dense's or BatchNormalization's parameter count;
BatchNormalization's trainable and non-trainable counts. Every (stack, layer,
question) has at least three modelled mistakes (tests/quiz/test_quiz_course_cnns.py).
"""
from __future__ import annotations

from autograder.mistakes import dense_layer
from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.generators.architecture import model_code
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import shapes as ref_shapes
from reference.architectures import ARCHITECTURES

STACKS = ("mnist_cnn", "lenet5_cifar10", "alexnet_cifar10")
POOLING = ("MaxPooling2D", "AveragePooling2D")
# What is worth asking per layer type (a Dense layer's shape repeats its units; Dropout is trivial).
ASKED = {"Conv2D": ("shape", "params"), "MaxPooling2D": ("shape",), "AveragePooling2D": ("shape",),
         "Flatten": ("shape",), "Dense": ("params",), "BatchNormalization": ("params", "split")}
# Mistakes about the layers before the asked one: they change the shapes it sees.
STACK_MISTAKES = (M.used_same_for_valid_layers, M.used_valid_for_same_layers,
                  M.used_valid_for_same_pooling, M.ignored_the_conv_strides, M.forgot_the_pooling,
                  M.pooled_with_stride_1)
QUANTITIES = {
    "shape": "output shape (without the batch dimension)",
    "params": "number of parameters (trainable and non-trainable)",
    "split": "number of trainable and of non-trainable parameters",
}


def questions(stack: str) -> list[tuple[int, str]]:
    """Every (0-based layer index, quantity) this family asks about in a stack."""
    layers = ARCHITECTURES[stack].layers
    return [(i, q) for i, layer in enumerate(layers) for q in ASKED.get(layer["type"], ())]


@register("lenet-alexnet-layer", "A layer of LeNet-5, AlexNet or the MNIST CNN", "CNN",
          ("numeric", "multichoice"))
def lenet_alexnet_layer(draw: Draw) -> Draft:
    stack = draw.choice(STACKS)
    index, quantity = draw.choice(questions(stack))
    return layer_question(stack, index, quantity)


def _size_rule(n: int, layer: dict, kernel: int, stride: int) -> str:
    if layer.get("padding", "valid") == "same":
        return f"'same': ceil(n / s) = ceil({n} / {stride})"
    return f"'valid': floor((n - k) / s) + 1 = floor(({n} - {kernel}) / {stride}) + 1"


def _shape_question(stack_args, row, layer, prev) -> tuple[str, list, str]:
    key = M.shape_text(row.output_shape)
    pairs = [(fn, *stack_args) for fn in STACK_MISTAKES + (M.forgot_the_plus_one_in_layers,)]
    if row.type == "Flatten":
        pairs += [(M.flattened_shape_without_the_channels, prev), (M.kept_the_channel_axis, prev)]
        dims = "*".join(map(str, prev))
        return key, pairs, f"Flatten gives {dims} = {row.activation_size} values: {key}."
    pairs.append((M.put_the_channels_first, row.output_shape))
    if row.type == "Conv2D":
        kernel, stride = layer["kernel_size"], layer.get("strides", 1)
        pairs.append((M.kept_the_input_channels, row.output_shape, prev[-1]))
        channels = f"{layer['filters']} filters give {layer['filters']} channels"
    else:
        kernel = layer.get("pool_size", 2)
        stride = layer.get("strides") or kernel
        pairs.append((M.pooled_the_channels_too, row.output_shape, stride))
        channels = "pooling keeps the channels"
    rule = _size_rule(prev[0], layer, kernel, stride)
    return key, pairs, f"{rule} = {row.output_shape[0]}; {channels}: {key}."


def _params_question(stack_args, row, layer, prev, image_channels, flattened) -> tuple:
    quantity = stack_args[-1]
    if row.type == "BatchNormalization":
        c, positions = prev[-1], prev[0] * prev[1]
        key = M.batch_norm_answer(row.trainable_params, row.non_trainable_params, quantity)
        bn = (c, positions, quantity)
        pairs = [(fn, *bn) for fn in (
            M.counted_only_gamma_and_beta, M.counted_no_batch_norm_params, M.counted_one_per_channel,
            M.counted_the_statistics_as_trainable, M.counted_gamma_and_beta_as_non_trainable,
            M.counted_per_position)]
        explanation = (f"4 per channel over {c} channels: gamma and beta are trainable (2*{c} = "
                       f"{row.trainable_params:,}), the moving mean and variance are not (2*{c} = "
                       f"{row.non_trainable_params:,}); {row.params:,} in all.")
        return key, pairs, explanation
    key = row.params
    pairs = [(fn, *stack_args) for fn in STACK_MISTAKES]
    if row.type == "Conv2D":
        k, c, f = layer["kernel_size"], prev[-1], layer["filters"]
        counted = (k, c, f, True)
        without_bias = ref_shapes.conv_params(k, c, f, use_bias=False)
        pairs += [(M.forgot_the_bias, *counted), (M.forgot_the_input_channels, *counted),
                  (M.counted_one_filter, *counted), (M.used_k_not_k_squared, *counted),
                  (M.one_bias_for_the_layer, without_bias), (M.bias_per_input_channel, *counted),
                  (M.used_the_image_channels, k, image_channels, c, f),
                  (M.forgot_weight_sharing, key, *row.output_shape[:2])]
        return key, pairs, f"(k*k*C + 1) * F = ({k}*{k}*{c} + 1) * {f} = {key}."
    n_in, units = prev[-1], layer["units"]
    counted = dense_layer(n_in, units)
    pairs += [(M.forgot_the_bias, *counted), (M.bias_per_input, *counted),
              (M.added_inputs_and_units, n_in, units),
              (M.one_bias_for_the_layer, ref_shapes.dense_params(n_in, units, use_bias=False))]
    # Flattening without the channels; not after AlexNet's 1x1 map, where it leaves one input.
    if flattened is not None and flattened[0] * flattened[1] > 1:
        pairs.append((M.flattened_without_the_channels, *flattened, units))
    return key, pairs, f"(inputs + 1) * units = ({n_in} + 1) * {units} = {key}."


def layer_question(stack: str, index: int, quantity: str) -> Draft:
    """The question on layer `index` (0-based) of a course stack; the key from reference.shapes."""
    arch = ARCHITECTURES[stack]
    input_shape, layers = list(arch.input_shape), [dict(layer) for layer in arch.layers]
    summary = ref_shapes.summarize(input_shape, layers)
    row, layer = summary.layers[index], layers[index]
    prev = tuple(input_shape) if index == 0 else summary.layers[index - 1].output_shape
    stack_args = (input_shape, layers, index, quantity)
    if quantity == "shape":
        key, pairs, explanation = _shape_question(stack_args, row, layer, prev)
    else:
        flattened = (summary.layers[index - 2].output_shape
                     if row.type == "Dense" and layers[index - 1]["type"] == "Flatten" else None)
        key, pairs, explanation = _params_question(stack_args, row, layer, prev, input_shape[-1],
                                                   flattened)
    prompt = (f"The Keras model below is the course's {arch.title}. What is the "
              f"{QUANTITIES[quantity]} of layer {index + 1} ({row.type})?")
    kinds = ("numeric", "multichoice") if quantity == "params" else ("multichoice",)
    return Draft(prompt=prompt,
                 params={"stack": stack, "input_shape": input_shape, "layers": layers,
                         "layer": index + 1, "quantity": quantity},
                 answer=key, explanation=explanation, mistakes=mistakes_of(*pairs), kinds=kinds,
                 figures=(Figure("Model", code=model_code(input_shape, layers)),))
