"""Structural checks on a rebuilt Keras model, one harness for every model exercise.

`structure_differences(model, spec)` lists, in plain words, every way the model
differs from what the exercise prescribes ("layer 2: expected Dense(128, relu),
found Dense(64, relu)"); `assert_structure` fails a check with all of them.
A standalone Activation/ReLU/Softmax layer counts as the activation of the
layer before it, and Dropout (which the exercises allow anywhere) is skipped
unless the spec names it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The output a loss needs: (activations that fit, units rule).
LOSS_OUTPUTS = {
    "sparse_categorical_crossentropy": ({"softmax"}, "classes"),
    "categorical_crossentropy": ({"softmax"}, "classes"),
    "binary_crossentropy": ({"sigmoid"}, 1),
    "mean_squared_error": ({"linear"}, None),
    "mse": ({"linear"}, None),
    "mean_absolute_error": ({"linear"}, None),
    "mae": ({"linear"}, None),
}
LOSS_ALIASES = {"SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
                "CategoricalCrossentropy": "categorical_crossentropy",
                "BinaryCrossentropy": "binary_crossentropy",
                "MeanSquaredError": "mean_squared_error", "MeanAbsoluteError": "mean_absolute_error"}
ACTIVATION_LAYERS = {"Activation", "ReLU", "Softmax", "LeakyReLU", "ELU"}


@dataclass(frozen=True)
class Layer:
    """One prescribed layer: its class, units (Dense) or filters (Conv), activation."""

    kind: str
    units: int | None = None
    activation: str | None = None

    def __str__(self) -> str:
        inner = ", ".join(str(x) for x in (self.units, self.activation) if x is not None)
        return f"{self.kind}({inner})"


@dataclass
class ModelSpec:
    layers: list[Layer] | None = None      # the whole stack after the input, in order
    input_shape: tuple | None = None       # without the batch axis
    output: Layer | None = None            # the last layer
    parameters: tuple[int, int] | None = None  # inclusive range
    loss: str | None = None                # the loss the exercise asks for
    ignore: set[str] = field(default_factory=lambda: {"Dropout", "InputLayer"})


def spec_from(declared: dict) -> ModelSpec:
    """The ModelSpec of assignment.toml's [model] table: layers as {class, units or filters,
    activation}, input_shape, loss, parameters (a count, or [low, high])."""
    layers = declared.get("layers")
    parameters = declared.get("parameters")
    if isinstance(parameters, int):
        parameters = (parameters, parameters)
    return ModelSpec(
        layers=None if layers is None else [
            Layer(entry["class"], entry.get("units", entry.get("filters")), entry.get("activation"))
            for entry in layers],
        input_shape=tuple(declared["input_shape"]) if "input_shape" in declared else None,
        loss=declared.get("loss"),
        parameters=tuple(parameters) if parameters is not None else None,
    )


def _activation_name(layer) -> str | None:
    kind = type(layer).__name__
    if kind == "ReLU":
        return "relu"
    if kind == "Softmax":
        return "softmax"
    if kind in ("LeakyReLU", "ELU"):
        return kind.lower().replace("leakyrelu", "leaky_relu")
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None) if activation is not None else None


def describe_layers(model, ignore: set[str]) -> list[Layer]:
    """The model as the spec sees it: activation layers folded into the layer before."""
    found: list[Layer] = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in ignore:
            continue
        if kind in ACTIVATION_LAYERS and found and found[-1].activation in (None, "linear"):
            found[-1] = Layer(found[-1].kind, found[-1].units, _activation_name(layer))
            continue
        units = getattr(layer, "units", None) or getattr(layer, "filters", None)
        found.append(Layer(kind, units, _activation_name(layer) if hasattr(layer, "activation")
                           else None))
    return found


def loss_name(loss: str | None) -> str | None:
    return LOSS_ALIASES.get(loss, loss) if loss else None


def structure_differences(model, spec: ModelSpec, compiled_loss: str | None = None) -> list[str]:
    out: list[str] = []
    layers = describe_layers(model, spec.ignore)
    if spec.input_shape is not None:
        try:
            shape = tuple(model.input_shape[1:])
        except (AttributeError, ValueError):
            shape = None
        if shape != tuple(spec.input_shape):
            out.append(f"input shape: expected {tuple(spec.input_shape)}, found "
                       f"{shape if shape is not None else 'none (add keras.Input(shape=...))'}")
    if spec.layers is not None:
        expected = [layer for layer in spec.layers if layer.kind not in spec.ignore]
        for i, (want, got) in enumerate(zip(expected, layers), start=1):
            if (want.kind != got.kind or (want.units is not None and want.units != got.units)
                    or (want.activation is not None and want.activation != got.activation)):
                out.append(f"layer {i}: expected {want}, found {got}")
        if len(layers) < len(expected):
            missing = ", ".join(str(x) for x in expected[len(layers):])
            out.append(f"{len(expected) - len(layers)} layer(s) missing at the end: expected "
                       f"{missing} after {len(layers)} layer(s)")
        elif len(layers) > len(expected):
            extra = ", ".join(str(x) for x in layers[len(expected):])
            out.append(f"{len(layers) - len(expected)} layer(s) more than the exercise asks for: "
                       f"{extra}")
    last = layers[-1] if layers else None
    if spec.output is not None and last is not None and spec.layers is None:
        want = spec.output
        if want.units is not None and last.units != want.units:
            out.append(f"output layer: expected {want.units} units, found {last.units}")
        if want.activation is not None and last.activation != want.activation:
            out.append(f"output layer: expected activation {want.activation}, found "
                       f"{last.activation}")
    loss = loss_name(compiled_loss)
    if spec.loss is not None and loss != loss_name(spec.loss):
        out.append(f"loss: expected {spec.loss}, found {compiled_loss or 'none (not compiled)'}")
    if loss in LOSS_OUTPUTS and last is not None:
        activations, _ = LOSS_OUTPUTS[loss]
        if last.activation not in activations:
            out.append(f"the output activation {last.activation} does not fit the loss {loss} "
                       f"(it needs {' or '.join(sorted(activations))})")
    if spec.parameters is not None:
        low, high = spec.parameters
        count = int(model.count_params())
        if not low <= count <= high:
            wanted = f"{low:,}" if low == high else f"between {low:,} and {high:,}"
            out.append(f"parameters: expected {wanted}, found {count:,}")
    return out


def assert_structure(student_model, spec: ModelSpec, what: str = "the model") -> None:
    """Fail with every difference; `student_model` is what `student.model(...)` returned.

    The compiled loss is judged only when the spec names one, so that a check of the
    layers alone does not also fail for the loss: one mistake, one check.
    """
    differences = structure_differences(student_model.model, spec,
                                        student_model.loss if spec.loss else None)
    assert not differences, f"{what} differs from the exercise:\n" + "\n".join(
        f"- {d}" for d in differences)
