"""A student's Keras model, rebuilt in the trusted process from what crossed the bridge.

What crosses is the model's JSON config (`model.to_json()`, compile config
included) and its weight arrays as `.npy`. The config is checked before Keras
sees it: every serialized object must be a standard Keras class from an
allowlist (no Lambda, no custom layers or functions, no `registered_name`
tricks), sizes are capped, and only then is the model built and its weights set.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.errors import StudentError
from autograder.kernel.bridge import MAX_PARAMETERS  # noqa: F401 - one limit, both ends
from autograder.kernel.bridge import model_payload  # noqa: F401 - LocalStudent sends models as the kernel does

MAX_CONFIG_BYTES = 2 * 2**20
MAX_DEPTH = 64

LAYERS = frozenset("""
InputLayer Dense Flatten Dropout Activation ReLU LeakyReLU Softmax ELU PReLU
Conv1D Conv2D Conv3D SeparableConv1D SeparableConv2D DepthwiseConv2D Conv1DTranspose
Conv2DTranspose MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D
AveragePooling3D GlobalAveragePooling1D GlobalAveragePooling2D GlobalMaxPooling1D
GlobalMaxPooling2D BatchNormalization LayerNormalization Reshape Permute RepeatVector
Embedding LSTM GRU SimpleRNN Bidirectional TimeDistributed Masking Rescaling Normalization
Resizing CenterCrop RandomFlip RandomRotation RandomZoom RandomTranslation RandomContrast
RandomCrop RandomBrightness Concatenate Add Subtract Average Multiply Maximum Minimum ZeroPadding1D
ZeroPadding2D Cropping1D Cropping2D UpSampling1D UpSampling2D SpatialDropout1D
SpatialDropout2D GaussianNoise GaussianDropout AlphaDropout Identity UnitNormalization
""".split())
MODELS = frozenset({"Sequential", "Functional", "Model", "DTypePolicy", "FloatDTypePolicy"})
DATA_TAGS = frozenset({"__tuple__", "__keras_tensor__", "__numpy__", "__slice__", "__ellipsis__"})
MODEL_MODULES = ("keras", "keras.models", "keras.src.models.functional",
                 "keras.src.models.sequential", "keras.src.models.model")
# Operations Keras itself writes into a functional model's config: an Embedding(mask_zero=True)
# passes its mask on as a NotEqual node. Pure tensor operations, no code of the student's.
OPERATIONS = {"keras.src.ops.numpy": frozenset({"NotEqual"})}
# Modules whose public names are all standard objects (looked up in Keras itself).
KERAS_NAMESPACES = ("keras.initializers", "keras.regularizers", "keras.constraints",
                    "keras.optimizers", "keras.optimizers.schedules", "keras.losses",
                    "keras.metrics")


@dataclass
class StudentModel:
    """The rebuilt model and what its compile config says."""

    model: Any
    optimizer: str | None = None
    loss: str | None = None        # the loss's name, or the class of a loss object
    metrics: list[str] = field(default_factory=list)
    parameters: int = 0
    loss_config: dict = field(default_factory=dict)   # a loss object's arguments
    training_steps: int | None = None  # what its optimizer counted in the kernel (None: unknown)
    learning_rate: float | None = None  # its optimizer's (a schedule's initial one); None: unknown

    @property
    def from_logits(self) -> bool:
        """Whether the loss takes logits: then a linear output is the right one."""
        return self.loss_config.get("from_logits") is True


def _allowed(module: str | None, class_name: str) -> bool:
    import keras

    if class_name in DATA_TAGS:  # Keras's tags for plain data (never "__lambda__": code)
        return module in (None, "builtins")
    if module == "keras.layers":
        return class_name in LAYERS
    if module in MODEL_MODULES:
        return class_name in MODELS
    if module in OPERATIONS:
        return class_name in OPERATIONS[module]
    if module in KERAS_NAMESPACES:
        namespace = keras
        for part in module.split(".")[1:]:
            namespace = getattr(namespace, part, None)
        return (not class_name.startswith("_") and namespace is not None
                and isinstance(getattr(namespace, class_name, None), type))
    return False


def validate_config(config: Any, path: str = "model", depth: int = 0) -> None:
    """Refuse anything but standard Keras objects; the message names what and where."""
    if depth > MAX_DEPTH:
        raise StudentError(f"the model's config is nested too deeply (at {path})")
    if isinstance(config, list):
        for i, item in enumerate(config):
            validate_config(item, f"{path}[{i}]", depth + 1)
        return
    if not isinstance(config, dict):
        return
    if "class_name" in config:
        module, name = config.get("module"), config.get("class_name")
        if not isinstance(name, str) or not _allowed(module, name):
            where = f"{module}.{name}" if module else str(name)
            if name in ("Lambda", "TFOpLambda"):
                raise StudentError(f"the model uses a Lambda layer ({path}): the grader "
                                   "rebuilds only standard Keras layers; use a built-in layer "
                                   "or activation instead")
            raise StudentError(f"the model uses {where} ({path}), which is not a standard "
                               "Keras class the grader accepts (no custom layers, functions "
                               "or objects)")
        registered = config.get("registered_name")
        if registered not in (None, name):
            raise StudentError(f"the model's {name} at {path} is registered as {registered!r}: "
                               "custom objects are not accepted")
    for key, value in config.items():
        validate_config(value, f"{path}.{key}" if "class_name" not in config else
                        f"{path}/{config.get('class_name')}.{key}", depth + 1)


# Keras writes a plain function (tf.nn.softmax, keras.losses.mse) as a builtins.function
# holding its __name__; one that Keras itself names as an activation, loss or metric is
# replaced by that name, which Keras resolves in its own namespaces.
FUNCTION_ALIASES = {"softmax_v2": "softmax", "log_softmax_v2": "log_softmax"}
FUNCTION_NAMESPACES = ("keras.activations", "keras.losses", "keras.metrics")
NOT_FUNCTIONS = frozenset({"get", "serialize", "deserialize"})   # the namespaces' own tools


def _keras_function(name: str) -> bool:
    import keras

    if name in NOT_FUNCTIONS:
        return False
    for module in FUNCTION_NAMESPACES:
        found = getattr(getattr(keras, module.split(".")[1], None), name, None)
        if callable(found) and not isinstance(found, type):
            return True
    return False


def named_functions(config: Any, depth: int = 0) -> Any:
    """`config` with each builtins.function Keras names turned into that name."""
    if depth > MAX_DEPTH:
        return config
    if isinstance(config, list):
        return [named_functions(item, depth + 1) for item in config]
    if not isinstance(config, dict):
        return config
    if (config.get("module"), config.get("class_name")) == ("builtins", "function") \
            and isinstance(config.get("config"), str):
        name = FUNCTION_ALIASES.get(config["config"], config["config"])
        if name.isidentifier() and not name.startswith("_") and _keras_function(name):
            return name
    return {key: named_functions(value, depth + 1) for key, value in config.items()}


def _name(entry: Any) -> str | None:
    if entry is None:
        return None
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        return entry.get("class_name") or entry.get("config", {}).get("name")
    return str(entry)


MAX_ACTIVATIONS = 50_000_000  # values one example may produce in one layer (200 MB as floats)


MERGES = frozenset({"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})


def estimate(config: dict) -> tuple[int, int] | None:
    """(parameters, the most values one layer outputs per example) of a model's config, by
    Keras's rules (reference/shapes.py) with nothing allocated; None when the calculator
    cannot tell (a layer or an argument it does not know, a layer used twice). Counted layer
    by layer: past the grader's limits it stops there, whatever follows."""
    inner = config.get("config") if isinstance(config.get("config"), dict) else {}
    layers = inner.get("layers")
    if not isinstance(layers, list) or not layers or not all(
            isinstance(layer, dict) and isinstance(layer.get("config"), dict) for layer in layers):
        return None
    if config.get("class_name") in ("Functional", "Model"):
        return _functional_estimate(layers)
    if config.get("class_name") != "Sequential":
        return None
    first = layers[0]["config"]
    given = first.get("batch_shape") or (layers[0].get("build_config") or {}).get("input_shape")
    if not isinstance(given, list) or len(given) < 2:
        return None
    shape, total = tuple(given[1:]), 0
    largest = _size(shape)
    for layer in layers:
        if layer.get("class_name") == "InputLayer":
            continue
        step = _layer_step(layer, shape)
        if step is None:
            return None
        parameters, shape = step
        total, largest = total + parameters, max(largest, _size(shape))
        if total > MAX_PARAMETERS or largest > MAX_ACTIVATIONS:
            break
    return total, largest


def _size(shape) -> int:
    return int(np.prod(shape)) if all(isinstance(n, int) for n in shape) else 0


def _layer_step(layer: dict, shape: tuple) -> tuple[int, tuple] | None:
    """(parameters, output shape) of one single-input layer on `shape`, or None."""
    from reference import shapes

    kind, arguments = layer.get("class_name"), layer["config"]
    accepted = shapes.accepted_arguments(kind)
    if accepted is None:
        return None
    try:
        summary = shapes.summarize(shape, [{"type": kind, **{k: v for k, v in arguments.items()
                                                             if k in accepted}}])
    except (ValueError, TypeError):
        return None
    return summary.total_params, tuple(summary.output_shape)


def _tensors(value: Any) -> list[str]:
    """The layers whose outputs a node's arguments name (keras_history), in order."""
    if isinstance(value, list):
        return [name for item in value for name in _tensors(item)]
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        history = (value.get("config") or {}).get("keras_history")
        return [history[0]] if isinstance(history, list) and history else [None]
    return []


def _merged(kind: str, arguments: dict, inputs: list[tuple]) -> tuple | None:
    """The output shape of a merge layer (Concatenate along its axis; the others keep it)."""
    if kind != "Concatenate":
        return inputs[0]
    axis = arguments.get("axis", -1)
    if not isinstance(axis, int) or any(len(i) != len(inputs[0]) for i in inputs):
        return None
    at = axis if axis < 0 else axis - 1  # the config's axis counts the batch
    try:
        out = list(inputs[0])
        out[at] = sum(i[at] for i in inputs)
    except (IndexError, TypeError):
        return None
    return tuple(out)


def _functional_estimate(layers: list) -> tuple[int, int] | None:
    """estimate() of a functional graph: each layer's input shape propagated from the Input
    layers through the names its node refers to (the shapes the config records may lie)."""
    outputs: dict[str, tuple] = {}
    total = largest = 0
    for layer in layers:
        kind, arguments = layer.get("class_name"), layer["config"]
        if kind == "InputLayer":
            given = arguments.get("batch_shape")
            if not isinstance(given, list) or len(given) < 2:
                return None
            out = tuple(given[1:])
        else:
            nodes = layer.get("inbound_nodes")
            if not isinstance(nodes, list) or len(nodes) != 1 or not isinstance(nodes[0], dict):
                return None  # called twice (shared) or never: not estimated
            sources = _tensors(nodes[0].get("args"))
            if not sources or any(source not in outputs for source in sources):
                return None
            inputs = [outputs[source] for source in sources]
            if kind in MERGES:
                out = _merged(kind, arguments, inputs)
            else:
                step = _layer_step(layer, inputs[0]) if len(inputs) == 1 else None
                if step is None:
                    return None
                parameters, out = step
                total += parameters
            if out is None:
                return None
        if not all(isinstance(n, int) and n > 0 for n in out):
            return None
        outputs[layer.get("name")] = out
        largest = max(largest, _size(out))
        if total > MAX_PARAMETERS or largest > MAX_ACTIVATIONS:
            break
    return total, largest


def rebuild(payload: Any) -> StudentModel:
    """{"config": json text, "weights": [arrays]} from the bridge -> a built Keras model."""
    if not isinstance(payload, dict) or not isinstance(payload.get("config"), str) \
            or not isinstance(payload.get("weights"), list):
        raise StudentError("the model could not be read (expected its config and weights)")
    text, weights = payload["config"], payload["weights"]
    if len(text) > MAX_CONFIG_BYTES:
        raise StudentError(f"the model's config is over {MAX_CONFIG_BYTES // 2**20} MiB")
    if not all(isinstance(w, np.ndarray) and w.dtype.kind in "fiub" for w in weights):
        raise StudentError("the model's weights are not all numeric arrays")
    parameters = int(sum(w.size for w in weights))
    if parameters > MAX_PARAMETERS:
        raise StudentError(f"the model has {parameters:,} parameters, over the grader's limit "
                           f"of {MAX_PARAMETERS:,}")
    try:
        config = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise StudentError("the model's config is not valid JSON") from None
    if not isinstance(config, dict) or config.get("class_name") not in ("Sequential", "Functional", "Model"):
        raise StudentError("the value is not a Keras model (expected a Sequential or functional model)")
    config = named_functions(config)
    validate_config(config)
    sizes = estimate(config)  # refused before Keras allocates anything, when it can be told
    if sizes is not None:
        declared, largest = sizes
        if declared > MAX_PARAMETERS:
            raise StudentError(f"the model declares {declared:,} parameters, over the grader's limit "
                               f"of {MAX_PARAMETERS:,}")
        if largest > MAX_ACTIVATIONS:
            raise StudentError(f"one of the model's layers outputs {largest:,} values per example, "
                               f"over the grader's limit of {MAX_ACTIVATIONS:,}")

    import keras

    compile_config = config.get("compile_config") or {}
    learning_rate = _learning_rate(compile_config.get("optimizer"))  # Keras consumes the config
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as exc:  # noqa: BLE001 - whatever Keras refuses is the student's model
        raise StudentError(f"the model could not be rebuilt: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0][:300] if str(exc) else ''}") from None
    expected = [tuple(w.shape) for w in model.weights]
    got = [tuple(w.shape) for w in weights]
    if expected != got:
        raise StudentError(f"the model's weights do not fit its layers: expected shapes "
                           f"{expected[:6]}{'...' if len(expected) > 6 else ''}, got "
                           f"{got[:6]}{'...' if len(got) > 6 else ''}")
    if weights:
        model.set_weights(weights)
    if sizes is not None:  # the grader's predictions run in batches that fit its memory
        model._dlgrade_largest_activation = sizes[1]
    metrics = compile_config.get("metrics") or []
    loss = compile_config.get("loss")
    return StudentModel(
        model=model,
        optimizer=_name(compile_config.get("optimizer")),
        loss=_name(compile_config.get("loss")),
        metrics=[m for m in (_name(x) for x in (metrics if isinstance(metrics, list) else [metrics])) if m],
        parameters=parameters,
        loss_config=dict(loss["config"]) if isinstance(loss, dict)
        and isinstance(loss.get("config"), dict) else {},
        training_steps=_steps(payload.get("steps")),
        learning_rate=learning_rate,
    )


def _learning_rate(optimizer) -> float | None:
    """The learning rate an optimizer's config gives (a schedule's initial one)."""
    config = optimizer.get("config") if isinstance(optimizer, dict) else None
    rate = config.get("learning_rate") if isinstance(config, dict) else None
    if isinstance(rate, dict):  # a schedule: {"class_name": "ExponentialDecay", "config": {...}}
        rate = (rate.get("config") or {}).get("initial_learning_rate")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate == rate:
        return float(rate)
    return None


def _steps(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
