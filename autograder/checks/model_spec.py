"""What an exercise prescribes about a Keras model, in Keras's own terms.

A layer is a Keras class name plus any of its config arguments, written as Keras
writes them (`Conv2D(32, kernel_size=(3, 3), relu)`). The same `Layer` stands for a
prescribed layer (only the arguments it names are judged) and for a layer read from
a student's model (every argument of its `get_config()`, plus the parameter counts).
`structure.py` reads models and compares; the [model] table's format is documented
there.
"""
from __future__ import annotations

import functools
import inspect
import math
import re
from dataclasses import dataclass
from typing import Any

# A nested model's classes; a spec's "Model" is any of them.
MODELS = frozenset({"Model", "Sequential", "Functional"})
ACTIVATION_LAYERS = {"Activation": None, "ReLU": "relu", "Softmax": "softmax",
                     "LeakyReLU": "leaky_relu", "ELU": "elu"}
# Training-only noise: allowed anywhere unless the spec names the class.
REGULARISERS = frozenset({"Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise",
                          "GaussianDropout", "AlphaDropout"})
# The argument shown bare first (Keras's first positional one).
SIZE = {"Dense": "units", "SimpleRNN": "units", "LSTM": "units", "GRU": "units",
        **{k: "filters" for k in ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
                                  "SeparableConv1D", "SeparableConv2D")},
        **{k: "rate" for k in REGULARISERS if k != "GaussianNoise"}}
_CONV = ("filters", "kernel_size", "strides", "padding", "activation")
_POOL = ("pool_size", "strides", "padding")
# What str() of a layer read from a model shows (defaults left out, see _shown).
HEADLINE = {"Dense": ("units", "activation"),
            **{k: _CONV for k in SIZE if SIZE[k] == "filters"},
            **{f"{kind}Pooling{d}D": _POOL for kind in ("Max", "Average") for d in (1, 2, 3)},
            **{k: ("units", "return_sequences", "activation") for k in ("SimpleRNN", "LSTM", "GRU")},
            **{k: ("rate",) for k in SIZE if SIZE[k] == "rate"},
            "Embedding": ("input_dim", "output_dim"), "Activation": ("activation",),
            "LeakyReLU": ("negative_slope",), "Rescaling": ("scale", "offset"),
            "Reshape": ("target_shape",), **{k: ("trainable",) for k in MODELS}}
TUPLE_ARGS = {"kernel_size", "strides", "pool_size", "dilation_rate"}
ALWAYS_SHOWN = {"units", "filters", "rate", "kernel_size", "pool_size", "input_dim", "output_dim",
                "negative_slope", "scale", "target_shape", "trainable"}
# Not Keras arguments: counted on the rebuilt layer. A count may be a [low, high] range.
COUNTS = ("parameters", "trainable_parameters", "non_trainable_parameters")
ACTIVATION_ALIASES = {"swish": "silu", None: "linear"}
ARGUMENT_ALIASES = {"alpha": "negative_slope"}   # LeakyReLU's before Keras 3
LEAKY_RELU_SLOPE = 0.2                           # keras.activations.leaky_relu's default
MISSING = object()


def activation_name(value: Any) -> str:
    """"relu" for "relu", a serialized keras.activations.relu, or None -> "linear"."""
    if isinstance(value, dict):
        value = value.get("config") if isinstance(value.get("config"), str) else value.get("class_name")
    name = value if isinstance(value, str) or value is None else getattr(value, "__name__", str(value))
    return ACTIVATION_ALIASES.get(name, name)


def plain(value: Any) -> Any:
    """TOML lists and Keras tuples alike as tuples."""
    return tuple(plain(v) for v in value) if isinstance(value, (list, tuple)) else value


class Layer:
    """A layer: `kind` (a Keras class name; "Model" is any nested model, None any class)
    and `args` (Keras config arguments and COUNTS). `Layer("Dense", 128, "relu")` gives
    the size argument (units, filters or rate) and the activation positionally."""

    def __init__(self, kind: str | None, size: Any = None, activation: Any = None, /, *,
                 shown: tuple[str, ...] | None = None, **args: Any):
        aliases = ARGUMENT_ALIASES if kind == "LeakyReLU" else {}
        args = {aliases.get(k, k): plain(v) for k, v in args.items()}
        if size is not None:
            args[SIZE.get(kind, "units")] = size
        if activation is not None:
            args["activation"] = activation
        rank = re.search(r"([123])D(Transpose)?$", kind or "")
        rank = int(rank.group(1)) if rank else None
        for name in TUPLE_ARGS & set(args):
            if rank and isinstance(args[name], int) and not isinstance(args[name], bool):
                args[name] = (args[name],) * rank    # kernel_size=3 on a 2-D layer is (3, 3)
        if kind == "Reshape" and len(args.get("target_shape", ())) == 1:
            kind, shown = "Flatten", ()           # a Reshape to one axis is a Flatten
            args.pop("target_shape")
        if kind in ACTIVATION_LAYERS and ACTIVATION_LAYERS[kind]:
            args.setdefault("activation", ACTIVATION_LAYERS[kind])
        if "activation" in args:
            args["activation"] = activation_name(args["activation"])
        self.kind, self.args = kind, args
        named = tuple(k for k in args if kind not in ACTIVATION_LAYERS or k != "activation"
                      or kind == "Activation")
        self.shown = named if shown is None else shown

    @property
    def units(self):
        return self.args.get("units", self.args.get("filters"))

    @property
    def activation(self) -> str | None:
        return self.args.get("activation")

    def value(self, name: str) -> Any:
        """The argument's value, its Keras default when the config leaves it out."""
        if name in self.args:
            return self.args[name]
        if name == "negative_slope" and self.activation == "leaky_relu":
            return LEAKY_RELU_SLOPE
        return keras_defaults(self.kind).get(name, MISSING)

    def folded(self, activation: "Layer") -> "Layer":
        """This layer with the standalone activation layer after it as its activation."""
        args, shown = {**self.args, "activation": activation.activation}, ("activation",)
        if activation.activation == "leaky_relu":
            args["negative_slope"] = activation.value("negative_slope")
            shown += ("negative_slope",)
        return Layer(self.kind, shown=tuple(dict.fromkeys(self.shown + shown)), **args)

    def showing(self, names) -> "Layer":
        return Layer(self.kind, shown=tuple(dict.fromkeys([*self.shown, *names])), **self.args)

    def __eq__(self, other):
        return isinstance(other, Layer) and (self.kind, self.args) == (other.kind, other.args)

    __hash__ = None

    def __repr__(self):
        return f"Layer({self.kind!r}, {self.args!r})"

    def arguments(self) -> str:
        """"(32, kernel_size=(3, 3), relu)": the size bare, then key=value, the activation last."""
        size = SIZE.get(self.kind)
        order = HEADLINE.get(self.kind, ())
        names = sorted((n for n in self.shown if n in self.args),
                       key=lambda n: order.index(n) if n in order else len(order))
        inner = [show(self.args[size])] if size in names else []
        inner += [f"{n}={show(self.args[n], n)}" for n in names if n not in (size, "activation")]
        if "activation" in names:
            inner.append(str(self.args["activation"]))
        return f"({', '.join(inner)})"

    def __str__(self) -> str:
        return f"{self.kind or 'a layer'}{self.arguments()}"


def show(value: Any, name: str = "") -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool) and name in COUNTS:
        return f"{value:,}"
    if isinstance(value, tuple) and name in COUNTS and len(value) == 2:
        return f"{value[0]:,} to {value[1]:,}"
    return str(value)


@functools.lru_cache(maxsize=None)
def keras_defaults(kind: str | None) -> dict[str, Any]:
    """The keyword defaults of keras.layers.<kind>.__init__, normalised as get_config writes them."""
    import keras

    cls = getattr(keras.layers, kind or "", None)
    if not isinstance(cls, type):
        return {}
    found = {name: plain(p.default) for name, p in inspect.signature(cls.__init__).parameters.items()
             if p.default is not inspect.Parameter.empty}
    if "activation" in found:
        found["activation"] = activation_name(found["activation"])
    return found


def same_kind(want: str | None, got: str) -> bool:
    return (want is None or want == got or (want == "Model" and got in MODELS)
            or (want in ACTIVATION_LAYERS and got in ACTIVATION_LAYERS))


def same_value(name: str, want: Any, got: Any) -> bool:
    if got is MISSING:
        return False
    if name in COUNTS and isinstance(want, tuple):
        return want[0] <= got <= want[1]
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, tuple) \
            and name != "target_shape":
        want = (want,) * len(got)            # kernel_size=3 is (3, 3) on a 2-D layer
    if isinstance(want, tuple) and isinstance(got, tuple):
        return len(want) == len(got) and all(same_value(name, w, g) for w, g in zip(want, got))
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(want, got, rel_tol=1e-5, abs_tol=1e-12)
    if isinstance(want, str) and isinstance(got, str):
        return want.lower() == got.lower()
    return want == got


def differing(want: Layer, got: Layer, logits: bool = False) -> list[str]:
    """The arguments `want` names that `got` does not have (["class"] for another class).
    `logits`: a linear `got` stands for a softmax / sigmoid `want` (a from_logits loss)."""
    if not same_kind(want.kind, got.kind):
        return ["class"]
    out = []
    for name, wanted in want.args.items():
        found = got.value(name)
        if name == "strides" and wanted is None:     # pooling: strides None means pool_size
            wanted = want.args.get("pool_size", got.value("pool_size"))
        if name == "activation" and logits and wanted in ("softmax", "sigmoid") and found == "linear":
            continue
        if not same_value(name, wanted, found):
            out.append(name)
    return out


def read_layer(layer) -> Layer:
    """A layer of a rebuilt model as the spec sees it: its config, and its parameter counts."""
    kind = type(layer).__name__
    config = {k: v for k, v in layer.get_config().items()
              if k not in ("name", "dtype", "layers", "build_input_shape", "input_layers",
                           "output_layers")}
    if kind == "ReLU":
        config["activation"] = _relu_name(config)
    counts = {}
    try:
        trainable = int(sum(math.prod(w.shape) for w in layer.trainable_weights))
        frozen = int(sum(math.prod(w.shape) for w in layer.non_trainable_weights))
        counts = {"parameters": trainable + frozen, "trainable_parameters": trainable,
                  "non_trainable_parameters": frozen}
        if trainable + frozen:  # a rebuilt nested model says trainable; its weights do not
            config["trainable"] = trainable > 0
    except (AttributeError, ValueError, TypeError):
        pass
    described = Layer(kind, shown=(), **config, **counts)
    return described.showing(_shown(described))


def _relu_name(config: dict) -> str:
    slope, top, threshold = (config.get("negative_slope") or 0, config.get("max_value"),
                             config.get("threshold") or 0)
    if threshold or (top is not None and (slope or top != 6)):
        return f"relu(max_value={top}, negative_slope={slope:g}, threshold={threshold:g})"
    return "relu6" if top is not None else "leaky_relu" if slope else "relu"


def _shown(layer: Layer) -> list[str]:
    """The headline arguments worth reading: the size, the activation of a layer that is
    linear by default, and any other headline argument away from its default."""
    defaults = keras_defaults(layer.kind)
    names = []
    for name in HEADLINE.get(layer.kind, ()):
        value, default = layer.args.get(name, MISSING), defaults.get(name, MISSING)
        if name == "strides" and default is None:
            default = layer.args.get("pool_size")
        if value is MISSING:
            continue
        if name == "trainable":
            wanted = value is False
        elif name in ALWAYS_SHOWN or (name == "activation" and default in ("linear", MISSING)):
            wanted = True
        else:
            wanted = default is MISSING or not same_value(name, default, value)
        if wanted:
            names.append(name)
    return names


@dataclass(frozen=True)
class Requirement:
    """At least / at most so many layers of `kinds` (any of them) with `layer`'s arguments,
    counted after the first layer of `after` and before the first of `before`."""

    kinds: tuple[str, ...]
    layer: Layer
    at_least: int | None = 1
    at_most: int | None = None
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()

    def bound(self) -> str:
        low, high = self.at_least or 0, self.at_most
        if high is None:
            return f"at least {low}"
        if low == high:
            return f"exactly {low}"
        return f"at most {high}" if low == 0 else f"between {low} and {high}"

    def what(self, count: int) -> str:
        named = self.layer.arguments()
        kinds = " or ".join(k + (named if named != "()" else "") for k in self.kinds)
        where = "".join(f" {word} a {' or '.join(k)} layer" for word, k
                        in (("after", self.after), ("before", self.before)) if k)
        return f"{count if count else 'no'} {kinds} layer{'s' if count > 1 else ''}{where}"

    def matches(self, layer: Layer) -> bool:
        """Whether `layer` has the requirement's arguments (its class is judged apart)."""
        return not differing(Layer(None, **self.layer.args), layer)

    def holds(self, count: int) -> bool:
        return (count >= (self.at_least or 0)) and (self.at_most is None or count <= self.at_most)


@dataclass
class ModelSpec:
    layers: list[Layer] | None = None          # the whole stack after the input, in order
    input_shape: tuple | None = None           # without the batch axis
    output: Layer | None = None                # the last layer (kind None: any class)
    parameters: tuple[int, int] | None = None  # inclusive range
    trainable_parameters: tuple[int, int] | None = None      # the model's, inclusive range
    non_trainable_parameters: tuple[int, int] | None = None  # e.g. BatchNormalization's statistics
    loss: str | tuple[str, ...] | None = None  # the loss (or any of the losses) asked for
    requires: list[Requirement] | None = None  # counts of layers, for open exercises

    @property
    def ignore(self) -> set[str]:
        """Classes skipped when walking the stack: the regularisers the spec does not name."""
        named = {layer.kind for layer in self.layers or ()}
        named |= {k for r in self.requires or () for k in r.kinds}
        return {"InputLayer"} | (REGULARISERS - named)


REQUIREMENT_KEYS = {"class", "at_least", "at_most", "exactly", "after", "before"}


def _layer(entry: dict, where: str) -> Layer:
    if not isinstance(entry, dict):
        raise ValueError(f"[model] {where} must be a table such as {{ class = \"Dense\", units = 10 }}")
    args = {k: v for k, v in entry.items() if k != "class"}
    kind = entry.get("class")
    if kind is not None:
        _known(kind, where)
    return Layer(kind, **args)


def _known(kind, where: str) -> None:
    from autograder.models import LAYERS

    if not isinstance(kind, str) or kind not in LAYERS | MODELS:
        raise ValueError(f"[model] {where}: {kind!r} is not a Keras layer class the grader knows")


def _names(value, where: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value or ())
    for name in names:
        _known(name, where)
    return names


def _requirement(entry: dict, i: int) -> Requirement:
    where = f"requires[{i}]"
    if not isinstance(entry, dict) or "class" not in entry:
        raise ValueError(f"[model] {where} needs a class, e.g. {{ class = \"Conv2D\", at_least = 2 }}")
    counts = {k: entry[k] for k in ("at_least", "at_most", "exactly") if k in entry}
    if not all(isinstance(v, int) and v >= 0 for v in counts.values()):
        raise ValueError(f"[model] {where}: at_least, at_most and exactly are counts (0 or more)")
    low = counts.get("exactly", counts.get("at_least", 0 if "at_most" in counts else 1))
    high = counts.get("exactly", counts.get("at_most"))
    args = {k: v for k, v in entry.items() if k not in REQUIREMENT_KEYS}
    kinds = _names(entry["class"], where)
    return Requirement(kinds=kinds, layer=Layer(kinds[0] if len(kinds) == 1 else None, **args),
                       at_least=low, at_most=high, after=_names(entry.get("after"), where),
                       before=_names(entry.get("before"), where))


def spec_from(declared: dict) -> ModelSpec:
    """The ModelSpec of assignment.toml's [model] table (format: structure.py)."""
    unknown = set(declared) - {"layers", "input_shape", "loss", "output", "requires", *COUNTS}
    if unknown:
        raise ValueError(f"[model] has unknown keys: {', '.join(sorted(unknown))}")

    def count(key: str) -> tuple[int, int] | None:
        value = declared.get(key)
        return (value, value) if isinstance(value, int) else None if value is None else tuple(value)

    loss = declared.get("loss")
    layers = declared.get("layers")
    requires = declared.get("requires")
    return ModelSpec(
        layers=None if layers is None else [_layer(e, f"layers[{i}]") for i, e in enumerate(layers)],
        input_shape=tuple(declared["input_shape"]) if "input_shape" in declared else None,
        output=_layer(declared["output"], "output") if "output" in declared else None,
        loss=tuple(loss) if isinstance(loss, list) else loss,
        parameters=count("parameters"),
        trainable_parameters=count("trainable_parameters"),
        non_trainable_parameters=count("non_trainable_parameters"),
        requires=None if requires is None else [_requirement(e, i) for i, e in enumerate(requires)],
    )
