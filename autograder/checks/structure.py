"""Structural checks on a rebuilt Keras model, one harness for every model exercise.

`structure_differences(model, spec)` lists, in plain words, every way the model
differs from what the exercise prescribes ("layer 2: expected Dense(128, relu),
found Dense(64, relu)"); `assert_structure` fails a check with all of them.

The [model] table of assignment.toml (read by `spec_from`)
----------------------------------------------------------
    [model]
    input_shape = [28, 28, 1]                  # without the batch axis
    loss = "sparse_categorical_crossentropy"   # or a list: any of them
    parameters = 101770                        # or [low, high], inclusive
    # trainable_parameters / non_trainable_parameters: the same, for the model's split
    # A fixed exercise: the whole stack after the input, in order.
    layers = [
        { class = "Conv2D", filters = 32, kernel_size = 3, activation = "relu" },
        { class = "MaxPooling2D", pool_size = 2 },
        { class = "Flatten" },
        { class = "Dense", units = 10, activation = "softmax" },
    ]
    # An open exercise: how many layers of a kind, and the last layer.
    requires = [
        { class = "Conv2D", at_least = 2 },
        { class = ["MaxPooling2D", "AveragePooling2D"], after = "Conv2D" },
    ]
    output = { units = 10, activation = "softmax" }

A layer is its Keras class and any of its config arguments, as `get_config()`
writes them; only the arguments named are judged, so an entry leaves out what
the exercise leaves free. Besides Keras's arguments a layer may name
`parameters`, `trainable_parameters`, `non_trainable_parameters` (a count or
[low, high]) and `trainable` (false: every weight frozen); `class = "Model"`
is a nested model, e.g. a frozen pretrained base. A requirement counts the
layers of its class (a list: any of them) that have its other arguments:
`at_least` (1 unless another bound is given), `at_most`, `exactly`, and only
those `after` the first layer of a class or `before` the first one (the rescaling
"before the convolutions": none of them may come first). `output`
may leave out `class`.

Forms that are the same model are the same to the spec (a nested model is read as
its layers, unless the spec names a "Model"): 3 == [3, 3] == (3, 3)
for a size; an argument at its Keras default matches the default; pooling's
strides None is pool_size; an activation as an argument or as its own layer
(Activation, ReLU, Softmax, LeakyReLU after a linear layer); Reshape to one
axis is Flatten; Dropout (and the other training-only noise layers) anywhere
unless the spec names it; Sequential or functional (InputLayer skipped);
keras.Input or input_shape=; a loss object or its name; and a linear output
compiled with a from_logits=True cross-entropy for a softmax / sigmoid one.
"""
from __future__ import annotations

import math
import re

from autograder.checks.model_spec import (ACTIVATION_LAYERS, COUNTS, MODELS, REGULARISERS, Layer,
                                          ModelSpec, Requirement, differing, keras_defaults,
                                          read_layer, same_kind, show, spec_from)

__all__ = ["Layer", "ModelSpec", "Requirement", "spec_from", "describe_layers", "loss_name",
           "structure_differences", "assert_structure"]

# Keras's aliases, each also in capitals ("MSE"): keras.losses.get takes both
SHORT_LOSSES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
                "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
                "bce": "binary_crossentropy", "kld": "kl_divergence"}
# The output activation each loss needs (a cross-entropy's, unless from_logits).
LOSS_OUTPUTS = {"sparse_categorical_crossentropy": "softmax", "categorical_crossentropy": "softmax",
                "binary_crossentropy": "sigmoid", "mean_squared_error": "linear",
                "mean_absolute_error": "linear"}


def loss_name(loss: str | None) -> str | None:
    """The loss's Keras function name: "mse", "MSE" and MeanSquaredError are mean_squared_error
    (a loss object's class, in snake case, is its function's name)."""
    if not loss:
        return None
    if loss.lower() in SHORT_LOSSES and (loss.islower() or loss.isupper()):
        return SHORT_LOSSES[loss.lower()]
    if loss[:1].isupper():
        loss = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", loss))
        return loss.lower()
    return loss


# --------------------------------------------------------------------------- reading a model

def _activates(layer: Layer) -> bool:
    """A linear layer that takes an activation (a spec's that leaves it free, too)."""
    return (("activation" in layer.args or "activation" in keras_defaults(layer.kind))
            and layer.args.get("activation", "linear") == "linear"
            and layer.kind not in ACTIVATION_LAYERS)


def fold(layers: list[Layer]) -> list[Layer]:
    """Each standalone activation layer made the activation of the linear layer before it."""
    out: list[Layer] = []
    for layer in layers:
        if layer.kind in ACTIVATION_LAYERS and out and _activates(out[-1]):
            out[-1] = out[-1].folded(layer)
        else:
            out.append(layer)
    return out


def describe_layers(model, ignore: set[str] | None = None, flatten: bool = False) -> list[Layer]:
    """The model's layers as the spec sees them (InputLayer and `ignore` left out,
    activation layers folded into the layer before); with `flatten`, a nested model's
    layers in its place (an augmentation Sequential inside a model)."""
    ignore = {"InputLayer"} | REGULARISERS if ignore is None else ignore

    def walk(parent):
        for layer in parent.layers:
            kind = type(layer).__name__
            if flatten and kind in MODELS:
                yield from walk(layer)
            elif kind not in ignore:
                yield read_layer(layer)
    return fold(list(walk(model)))


def names_a_model(spec: ModelSpec) -> bool:
    """Whether the spec judges a nested model as one layer (a pretrained base)."""
    kinds = [layer.kind for layer in (*(spec.layers or ()), spec.output) if layer is not None]
    kinds += [k for requirement in spec.requires or () for k in requirement.kinds]
    return any(kind in MODELS for kind in kinds)


def _input_shape(model):
    try:
        return tuple(model.input_shape[1:])
    except (AttributeError, ValueError, TypeError):
        return None


def weight_counts(model) -> dict[str, int] | None:
    """The model's parameters, trainable ones and non-trainable ones (as Keras's summary counts
    them); None for a model never built, which has no weights to count."""
    try:
        total = int(model.count_params())
        trainable = int(sum(math.prod(w.shape) for w in model.trainable_weights))
    except (AttributeError, ValueError):
        return None
    return {"parameters": total, "trainable_parameters": trainable,
            "non_trainable_parameters": total - trainable}


# --------------------------------------------------------------------------- comparing

def _stack(expected: list[Layer], layers: list[Layer], from_logits: bool) -> list[str]:
    out = []
    for i, (want, got) in enumerate(zip(expected, layers), start=1):
        differs = differing(want, got, logits=from_logits and i == len(expected))
        if differs:
            found = got if differs == ["class"] else got.showing(want.shown)
            out.append(f"layer {i}: expected {want}, found {found}")
    if len(layers) < len(expected):
        missing = ", ".join(str(x) for x in expected[len(layers):])
        out.append(f"{len(expected) - len(layers)} layer(s) missing at the end: expected "
                   f"{missing} after {len(layers)} layer(s)")
    elif len(layers) > len(expected):
        extra = ", ".join(str(x) for x in layers[len(expected):])
        out.append(f"{len(layers) - len(expected)} layer(s) more than the exercise asks for: {extra}")
    return out


def _output(want: Layer, last: Layer, from_logits: bool) -> list[str]:
    out = []
    for name in differing(want, last, logits=from_logits):
        if name == "class":
            return [f"output layer: expected a {want.kind} layer, found {last}"]
        if name in ("units", "filters"):
            out.append(f"output layer: expected {want.args[name]} units, found "
                       f"{last.units if last.units is not None else last}")
        elif name == "activation":
            linear = want.activation in ("softmax", "sigmoid") and last.activation == "linear"
            out.append(f"output layer: expected activation {want.activation}, found "
                       f"{last.activation or last}" + (" (a linear output needs a loss with "
                                                        "from_logits=True)" if linear else ""))
        else:
            out.append(f"output layer: expected {name}={show(want.args[name], name)}, found "
                       f"{show(last.value(name), name)}")
    return out


def _is(kind: str, layer: Layer) -> bool:
    """A requirement's class; an activation layer's is any layer with that activation
    (Activation(relu), ReLU() and Dense(8, relu) all count as a ReLU)."""
    if kind in ACTIVATION_LAYERS:
        named = ACTIVATION_LAYERS[kind]
        return layer.activation not in (None, "linear") and named in (None, layer.activation)
    return kind == layer.kind or (kind in MODELS and same_kind(kind, layer.kind))


def _count(requirement: Requirement, layers: list[Layer]) -> int:
    def where(kinds, pick):
        found = [i for i, layer in enumerate(layers) if any(_is(k, layer) for k in kinds)]
        return pick(found) if found else None

    start = where(requirement.after, min) if requirement.after else -1
    end = where(requirement.before, min) if requirement.before else len(layers)
    if start is None or end is None:
        return 0
    return sum(1 for i, layer in enumerate(layers) if start < i < end
               and any(_is(k, layer) for k in requirement.kinds) and requirement.matches(layer))


def _near_misses(requirement: Requirement, layers: list[Layer]) -> list[str]:
    """The layers of a required class whose arguments differ from the requirement's, shown with
    those arguments: what the student wrote instead (an LSTM(4), one returning sequences)."""
    if not requirement.layer.args:
        return []
    return [str(layer.showing(requirement.layer.args)) for layer in layers
            if any(_is(k, layer) for k in requirement.kinds) and not requirement.matches(layer)]


def _loss(spec: ModelSpec, compiled_loss, from_logits: bool, last: Layer | None) -> list[str]:
    out = []
    loss = loss_name(compiled_loss)
    if spec.loss is not None:
        wanted = (spec.loss,) if isinstance(spec.loss, str) else tuple(spec.loss)
        if loss not in {loss_name(w) for w in wanted}:
            out.append(f"loss: expected {' or '.join(wanted)}, found "
                       f"{compiled_loss or 'none (not compiled)'}")
    if loss in LOSS_OUTPUTS and last is not None:
        needs = LOSS_OUTPUTS[loss]
        logits = from_logits and needs != "linear"
        if last.activation != ("linear" if logits else needs):
            words = compiled_loss if compiled_loss.islower() else loss
            it_needs = ("linear" if logits else needs if needs == "linear"
                        else f"{needs}, or linear with from_logits=True")
            output = (f"activation {last.activation}" if last.activation else f"layer {last}")
            out.append(f"the output {output} does not fit the loss {words}"
                       f"{' with from_logits=True' if logits else ''} (it needs {it_needs})")
    return out


def structure_differences(model, spec: ModelSpec, compiled_loss: str | None = None,
                          from_logits: bool = False, what: str = "the model") -> list[str]:
    """Every difference, in words. `compiled_loss` (the name, or the class of the loss object
    the model was compiled with) is judged against spec.loss and the output layer when given;
    `from_logits` (the loss's flag) lets a linear output stand for a softmax / sigmoid one."""
    out: list[str] = []
    layers = describe_layers(model, spec.ignore, flatten=not names_a_model(spec))
    last = layers[-1] if layers else None
    if spec.input_shape is not None:
        shape = _input_shape(model)
        if shape != tuple(spec.input_shape):
            out.append(f"input shape: expected {tuple(spec.input_shape)}, found "
                       f"{shape if shape is not None else 'none (add keras.Input(shape=...))'}")
    if spec.layers is not None:
        expected = fold([layer for layer in spec.layers if layer.kind not in spec.ignore])
        out += _stack(expected, layers, from_logits)
    for requirement in spec.requires or ():
        count = _count(requirement, layers)
        if not requirement.holds(count):
            near = _near_misses(requirement, layers) if count < (requirement.at_least or 0) else []
            out.append(f"{what} has {requirement.what(count)}; the exercise asks for "
                       f"{requirement.bound()}" + (f" (found {', '.join(near)})" if near else ""))
    if spec.output is not None and last is not None and spec.layers is None:
        out += _output(spec.output, last, from_logits)
    out += _loss(spec, compiled_loss, from_logits, last)
    counts = weight_counts(model)
    for key in COUNTS:
        wanted = getattr(spec, key)
        if wanted is None:
            continue
        (low, high), found = wanted, None if counts is None else counts[key]
        if found is None or not low <= found <= high:
            label = key.replace("non_trainable", "non-trainable").replace("_", " ")
            expected = f"{low:,}" if low == high else f"between {low:,} and {high:,}"
            out.append(f"{label}: expected {expected}, found " + (
                f"{found:,}" if found is not None else
                "none (the model is not built: start it with keras.Input(shape=...))"))
    return out


def assert_structure(student_model, spec: ModelSpec, what: str = "the model") -> None:
    """Fail with every difference; `student_model` is what `student.model(...)` returned.

    The compiled loss is judged only when the spec names one, so that a check of the
    layers alone does not also fail for the loss: one mistake, one check. Its from_logits
    flag always counts (a logits output is a correct softmax output).
    """
    differences = structure_differences(  # under the heading that names it: "it has ..."
        student_model.model, spec, student_model.loss if spec.loss else None,
        from_logits=bool(getattr(student_model, "from_logits", False)), what="it")
    assert not differences, f"{what} differs from the exercise:\n" + "\n".join(
        f"- {d}" for d in differences)

