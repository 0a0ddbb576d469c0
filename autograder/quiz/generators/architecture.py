"""One layer of a small CNN: its output shape, activation size or parameter count.

The course exercise ("compute activation shape, activation size and parameters
per layer"): either a course architecture (reference.architectures) or a small
conv stack sampled from the seed (one to three Conv2D blocks, optional pooling,
Flatten, two Dense layers), always valid in Keras. The key comes from
reference.shapes.summarize; the mistakes re-run summarize on the model a student
with that mistake has in mind (same padding for valid, pooling forgotten, ...).
"""
from __future__ import annotations

from autograder.mistakes import dense_layer
from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import shapes as ref_shapes
from reference.architectures import ARCHITECTURES

# Course stacks small enough to read in a quiz (VGG16's 21 layers are not).
COURSE_STACKS = ("mnist_cnn", "cnn_32x32x3", "lenet5_cifar10", "binary_cnn_200", "alexnet_cifar10")

QUANTITIES = {
    "shape": "output shape (without the batch dimension)",
    "size": "activation size (the number of values it outputs per example)",
    "params": "number of parameters (trainable and non-trainable)",
}


def sample_stack(draw: Draw) -> tuple[list[int], list[dict]]:
    """A valid small Sequential CNN: (input_shape, layer dicts)."""
    for _ in range(30):
        size = draw.choice([16, 20, 24, 28, 32, 48, 64])
        input_shape = [size, size, draw.choice([1, 3])]
        layers: list[dict] = []
        for _ in range(draw.integer(1, 3)):
            conv = {"type": "Conv2D", "filters": draw.choice([4, 6, 8, 12, 16, 32]),
                    "kernel_size": draw.choice([3, 3, 5]),
                    "padding": draw.choice(["valid", "same"]), "activation": "relu"}
            if draw.chance(0.15):
                conv["strides"] = 2
            layers.append(conv)
            pool = draw.choice(["MaxPooling2D", "MaxPooling2D", "AveragePooling2D", None])
            if pool:
                layers.append({"type": pool, "pool_size": 2})
        if draw.chance(0.2):
            layers.append({"type": "BatchNormalization"})
        layers += [{"type": "Flatten"},
                   {"type": "Dense", "units": draw.choice([16, 32, 64, 84, 120, 128]),
                    "activation": "relu"},
                   {"type": "Dense", "units": draw.choice([2, 5, 10]), "activation": "softmax"}]
        try:
            summary = ref_shapes.summarize(input_shape, layers)
        except ValueError:
            continue
        if all(min(row.output_shape) >= 1 for row in summary.layers):
            return input_shape, layers
    return [28, 28, 1], [dict(layer) for layer in ARCHITECTURES["mnist_cnn"].layers]


def layer_code(layer: dict) -> str:
    """The Keras call a layer dict stands for, as the course writes it."""
    t = layer["type"]
    args = []
    if t == "Conv2D":
        args = [str(layer["filters"]), str(layer["kernel_size"])]
    elif t == "Dense":
        args = [str(layer["units"])]
    elif "Pooling" in t:
        args = [str(layer.get("pool_size", 2))]
    for key, value in layer.items():
        if key in ("type", "filters", "kernel_size", "units", "pool_size"):
            continue
        args.append(f"{key}={value!r}" if isinstance(value, str) else f"{key}={value}")
    return f"layers.{t}({', '.join(args)})"


def model_code(input_shape, layers) -> str:
    lines = ["model = keras.Sequential([",
             f"    keras.Input(shape={tuple(input_shape)}),"]
    width = max(len(layer_code(layer)) for layer in layers) + 1
    for i, layer in enumerate(layers, start=1):
        lines.append(f"    {(layer_code(layer) + ','):<{width}}  # layer {i}")
    lines.append("])")
    return "\n".join(lines)


def _shape_fallback(draw: Draw, key: str, taken: set) -> tuple[str, str]:
    dims = [int(d) for d in key.strip("()").split(",") if d.strip()]
    for _ in range(50):
        change = draw.choice(["plus", "minus", "double", "half", "channels"])
        new = list(dims)
        if change == "plus":
            new = [d + 1 for d in dims[:-1]] + dims[-1:] if len(dims) > 1 else [dims[0] + 1]
        elif change == "minus":
            new = [max(1, d - 2) for d in dims[:-1]] + dims[-1:] if len(dims) > 1 else [max(1, dims[0] - 2)]
        elif change == "double":
            new = [d * 2 for d in dims[:-1]] + dims[-1:] if len(dims) > 1 else [dims[0] * 2]
        elif change == "half":
            new = [max(1, d // 2) for d in dims[:-1]] + dims[-1:] if len(dims) > 1 else [max(1, dims[0] // 2)]
        else:
            new = dims[:-1] + [dims[-1] * 2]
        text = M.shape_text(new)
        if text not in taken:
            return text, "Not one of the usual mistakes: follow the shapes layer by layer."
    n = 1
    while M.shape_text([n]) in taken:
        n += 1
    return M.shape_text([n]), "Not one of the usual mistakes: follow the shapes layer by layer."


@register("architecture-layer", "Shape, activation size and parameters of a CNN layer", "CNN",
          ("numeric", "multichoice"))
def architecture_layer(draw: Draw) -> Draft:
    if draw.chance(0.3):
        name = draw.choice(COURSE_STACKS)
        arch = ARCHITECTURES[name]
        input_shape, layers = list(arch.input_shape), [dict(layer) for layer in arch.layers]
        source = name
    else:
        input_shape, layers = sample_stack(draw)
        source = "sampled"
    summary = ref_shapes.summarize(input_shape, layers)
    index = draw.integer(0, len(layers) - 1)
    row = summary.layers[index]
    # A Dense layer's shape and size just repeat its units: ask for its parameters.
    quantity = draw.choice({"Flatten": ["shape", "size"], "Dense": ["params"]}.get(
        row.type, ["shape", "size", "params"]))
    prev_shape = tuple(input_shape) if index == 0 else summary.layers[index - 1].output_shape
    layer = layers[index]
    args = (input_shape, layers, index, quantity)
    transforms = [(M.used_same_for_valid_layers, *args), (M.used_valid_for_same_layers, *args),
                  (M.forgot_the_pooling, *args), (M.pooled_with_stride_1, *args),
                  (M.forgot_the_plus_one_in_layers, *args)]
    if quantity == "shape":
        key = M.shape_text(row.output_shape)
        extra = [(M.put_the_channels_first, row.output_shape)]
        explanation = f"Layer {index + 1} ({row.type}) outputs {key}."
    elif quantity == "size":
        key = row.activation_size
        extra = [(M.forgot_the_channels, row.output_shape)]
        dims = " * ".join(str(d) for d in row.output_shape)
        product = f"{dims} = {key}" if len(row.output_shape) > 1 else f"{key}"
        explanation = (f"Layer {index + 1} ({row.type}) outputs {M.shape_text(row.output_shape)}: "
                       f"{product} values.")
    else:
        key = row.params
        extra = []
        if row.type == "Conv2D":
            k, c, f = layer["kernel_size"], prev_shape[-1], layer["filters"]
            counted = (k, c, f, layer.get("use_bias", True))
            extra = [(M.forgot_the_bias, *counted), (M.forgot_the_input_channels, *counted),
                     (M.counted_one_filter, *counted)]
            explanation = f"(k*k*C + 1) * F = ({k}*{k}*{c} + 1) * {f} = {key}."
        elif row.type == "Dense":
            n_in, units = prev_shape[-1], layer["units"]
            counted = dense_layer(n_in, units, layer.get("use_bias", True))
            extra = [(M.forgot_the_bias, *counted), (M.bias_per_input, *counted)]
            if index >= 2 and layers[index - 1]["type"] == "Flatten":
                before = summary.layers[index - 2].output_shape
                if len(before) == 3:
                    extra.append((M.flattened_without_the_channels, *before, units))
            explanation = f"(inputs + 1) * units = ({n_in} + 1) * {units} = {key}."
        elif row.type == "BatchNormalization":
            extra = [(M.counted_only_trainable, row.trainable_params, row.params)]
            explanation = (f"BatchNormalization keeps 4 values per channel (gamma, beta, moving mean "
                           f"and variance): 4 * {prev_shape[-1]} = {key}, {row.trainable_params} "
                           "trainable.")
        else:
            extra = [(M.gave_the_activation_size, row.activation_size)]
            if "Pooling" in row.type:
                extra.append((M.counted_the_pool_window, layer.get("pool_size", 2), prev_shape[-1]))
            explanation = f"{row.type} has no weights: 0 parameters."
    mistakes = mistakes_of(*transforms, *extra)
    prompt = (f"The Keras model below takes {'x'.join(map(str, input_shape))} inputs. What is the "
              f"{QUANTITIES[quantity]} of layer {index + 1} ({row.type})?")
    kinds = ("multichoice",) if quantity == "shape" else ("numeric", "multichoice")
    return Draft(prompt=prompt,
                 params={"source": source, "input_shape": input_shape, "layers": layers,
                         "layer": index + 1, "quantity": quantity},
                 answer=key, explanation=explanation, mistakes=mistakes, kinds=kinds,
                 figures=(Figure("Model", code=model_code(input_shape, layers)),),
                 minimum=0 if quantity == "params" else 1,
                 fallback=_shape_fallback if quantity == "shape" else None)
