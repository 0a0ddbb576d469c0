"""Keras-exact output shapes, activation sizes and parameter counts of a layer stack.

`summarize(input_shape, layers)` answers, for a Keras `Sequential` model, what
`model.summary()` would: each layer's output shape, its activation size (number
of values it outputs per example) and its parameters, split into trainable and
non-trainable. It never imports TensorFlow; the tests check it against Keras 3.

Conventions:
- Shapes exclude the batch dimension and are channels-last (NHWC): an image is
  (height, width, channels), a sequence is (steps, features), an integer token
  sequence for `Embedding` is (steps,).
- A layer is a dict: the Keras class name under "type", and Keras constructor
  argument names with Keras 3 defaults, e.g.
  `{"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same"}`.
  Sizes (kernel_size, strides, pool_size, ...) are an int or one int per axis.
- Arguments Keras accepts that change neither shapes nor parameters (activation,
  name, rate, initializers, ...) are accepted and ignored; arguments Keras does
  not know are rejected, as Keras rejects them (this catches typos such as
  "stride" for "strides", which would otherwise silently change the answer).
- Keras aliases (MaxPool2D, Convolution2D, ...) are accepted; summaries report
  the canonical class name, as `model.summary()` does.
- "trainable": false on a layer makes all its parameters non-trainable.

Errors are `ValueError`s naming the layer's 1-based index, its type and the
reason, e.g. "layer 3 MaxPooling2D: pool 3x3 does not fit input 2x2 with
padding 'valid'".
"""
from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

Shape = tuple[int, ...]

__all__ = [
    "LayerSummary",
    "Summary",
    "summarize",
    "conv_output_length",
    "conv_transpose_output_length",
    "conv_params",
    "dense_params",
    "LAYER_TYPES",
    "accepted_arguments",
]


@dataclass(frozen=True)
class LayerSummary:
    """One layer's row of the summary. `output_shape` excludes the batch."""

    index: int  # 1-based position in the layer list
    type: str  # canonical Keras class name
    output_shape: Shape
    activation_size: int  # product of output_shape: values output per example
    params: int
    trainable_params: int
    non_trainable_params: int

    def to_dict(self) -> dict:
        return {
            "type": self.type,
            "output_shape": list(self.output_shape),
            "activation_size": self.activation_size,
            "params": self.params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }


@dataclass(frozen=True)
class Summary:
    """The whole stack: per-layer rows and parameter totals (what `model.summary()` shows)."""

    input_shape: Shape
    layers: tuple[LayerSummary, ...]
    total_params: int
    trainable_params: int
    non_trainable_params: int

    @property
    def output_shape(self) -> Shape:
        """Shape of the last layer's output (the input shape for an empty stack)."""
        return self.layers[-1].output_shape if self.layers else self.input_shape

    def to_dict(self) -> dict:
        """JSON-serialisable form: {"layers": [...], "total_params", "trainable_params", "non_trainable_params"}."""
        return {
            "layers": [layer.to_dict() for layer in self.layers],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }


# --------------------------------------------------------------------------- public helpers


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require_positive(**values: Any) -> None:
    for name, value in values.items():
        if not _is_int(value) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def conv_output_length(n: int, kernel: int, stride: int = 1, padding: str | int = "valid",
                       dilation: int = 1) -> int:
    """Length of one spatial axis after a convolution or pooling window, Keras rule.

    "valid": floor((n - span) / stride) + 1 with span = dilation * (kernel - 1) + 1;
    "same" (and Conv1D's "causal"): ceil(n / stride), whatever the kernel;
    an int p: explicit symmetric zero padding, floor((n + 2p - span) / stride) + 1.
    Raises ValueError when the window does not fit (the result would be <= 0).
    """
    _require_positive(n=n, kernel=kernel, stride=stride, dilation=dilation)
    span = dilation * (kernel - 1) + 1
    if isinstance(padding, str):
        mode = padding.lower()
        if mode in ("same", "causal"):
            return -(-n // stride)
        if mode != "valid":
            raise ValueError(f"unknown padding {padding!r} (use 'valid', 'same' or an int)")
        pad = 0
    elif _is_int(padding) and padding >= 0:
        pad = padding
    else:
        raise ValueError(f"padding must be 'valid', 'same' or a non-negative int, got {padding!r}")
    out = (n + 2 * pad - span) // stride + 1
    if out <= 0:
        raise ValueError(f"kernel {kernel} (span {span}) does not fit input {n} with padding {padding!r}")
    return out


def conv_transpose_output_length(n: int, kernel: int, stride: int = 1, padding: str = "valid",
                                 output_padding: int | None = None, dilation: int = 1) -> int:
    """Length of one spatial axis after Conv2DTranspose, Keras 3 rule.

    With output_padding None: "valid" -> (n - 1) * stride + max(span, stride),
    "same" -> n * stride. With output_padding p: "valid" -> (n - 1) * stride + span + p,
    "same" -> (n - 1) * stride + span % 2 + p (only the kernel's parity counts).
    span = dilation * (kernel - 1) + 1. May return 0 (Keras allows it; `summarize` rejects it).
    """
    _require_positive(n=n, kernel=kernel, stride=stride, dilation=dilation)
    span = dilation * (kernel - 1) + 1
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in ("valid", "same"):
        raise ValueError(f"unknown padding {padding!r} (use 'valid' or 'same')")
    if output_padding is None:
        return (n - 1) * stride + max(span, stride) if mode == "valid" else n * stride
    if not _is_int(output_padding) or output_padding < 0:
        raise ValueError(f"output_padding must be a non-negative integer, got {output_padding!r}")
    base = span if mode == "valid" else span % 2
    return (n - 1) * stride + base + output_padding


def conv_params(kernel_size: int | Sequence[int], in_channels: int, filters: int,
                use_bias: bool = True) -> int:
    """Parameters of a convolution: prod(kernel_size) * in_channels * filters (+ filters biases).

    `kernel_size` is an int (square 2-D kernel) or one int per spatial axis.
    """
    kernel = (kernel_size, kernel_size) if _is_int(kernel_size) else tuple(kernel_size)
    _require_positive(in_channels=in_channels, filters=filters,
                      **{f"kernel_size[{i}]": k for i, k in enumerate(kernel)})
    return math.prod(kernel) * in_channels * filters + (filters if use_bias else 0)


def dense_params(in_units: int, units: int, use_bias: bool = True) -> int:
    """Parameters of a Dense layer: in_units * units (+ units biases)."""
    _require_positive(in_units=in_units, units=units)
    return in_units * units + (units if use_bias else 0)


GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def recurrent_params(kind: str, features: int, units: int, use_bias: bool = True,
                     reset_after: bool = True) -> int:
    """Parameters of a SimpleRNN, LSTM or GRU layer on `features` inputs a time step: per gate
    a kernel (features x units), a recurrent kernel (units x units) and units biases (two sets
    for a GRU with reset_after=True, Keras 3's default). The time steps do not count."""
    _require_positive(features=features, units=units)
    biases = (2 if kind == "GRU" and reset_after else 1) if use_bias else 0
    return GATES[kind] * units * (features + units + biases)


def series_windows(length: int, look_back: int) -> int:
    """(window of look_back values, the value after it) pairs in a series: length - look_back."""
    _require_positive(length=length, look_back=look_back)
    return max(length - look_back, 0)


# --------------------------------------------------------------------------- argument access

_REQUIRED = object()


class _Args:
    """A layer dict with typed, Keras-defaulted accessors whose errors name the layer."""

    def __init__(self, index: int, type_name: str, spec: Mapping[str, Any]):
        self.index, self.type, self.spec = index, type_name, spec

    def error(self, reason: str) -> ValueError:
        return ValueError(f"layer {self.index} {self.type}: {reason}")

    def get(self, key: str, default: Any = _REQUIRED) -> Any:
        if key in self.spec and self.spec[key] is not None:
            return self.spec[key]
        if default is _REQUIRED:
            raise self.error(f"missing required argument {key!r}")
        return default

    def positive_int(self, key: str, default: Any = _REQUIRED) -> int:
        value = self.get(key, default)
        if not _is_int(value) or value <= 0:
            raise self.error(f"{key} must be a positive integer, got {value!r}")
        return value

    def int_tuple(self, key: str, n: int, default: Any = _REQUIRED, allow_zero: bool = False) -> Shape:
        """An int or a list of n ints, as a tuple of n ints (> 0, or >= 0 with allow_zero)."""
        value = self.get(key, default)
        items = (value,) * n if _is_int(value) else value
        low = 0 if allow_zero else 1
        if (not isinstance(items, Sequence) or isinstance(items, str) or len(items) != n
                or not all(_is_int(v) and v >= low for v in items)):
            what = "non-negative" if allow_zero else "positive"
            raise self.error(f"{key} must be a {what} integer or a list of {n} such integers, got {value!r}")
        return tuple(items)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"{key} must be true or false, got {value!r}")
        return value

    def padding(self, allowed: tuple[str, ...] = ("valid", "same"), lowercase: bool = True) -> str:
        """The padding mode; conv layers lowercase it (Keras standardize_padding), pooling does not."""
        value = self.get("padding", "valid")
        mode = value.lower() if isinstance(value, str) and lowercase else value
        if mode not in allowed:
            options = " or ".join(f"'{a}'" for a in allowed) if len(allowed) < 3 else (
                ", ".join(f"'{a}'" for a in allowed[:-1]) + f" or '{allowed[-1]}'")
            raise self.error(f"unknown padding {value!r} (use {options})")
        return mode

    def channels_last(self) -> None:
        value = self.get("data_format", "channels_last")
        if not isinstance(value, str) or value.lower() != "channels_last":
            raise self.error(f"data_format {value!r} is not supported (the calculator is channels-last only)")

    def strides_and_dilation(self, rank: int) -> tuple[Shape, Shape]:
        strides = self.int_tuple("strides", rank, 1)
        dilation = self.int_tuple("dilation_rate", rank, 1)
        if max(strides) > 1 and max(dilation) > 1:  # Keras refuses this combination
            raise self.error(f"strides {_fmt(strides)} > 1 together with dilation_rate {_fmt(dilation)} > 1 "
                             "is not supported")
        return strides, dilation


def _fmt(dims: Sequence[int]) -> str:
    return "x".join(str(d) for d in dims)


def _window_output(a: _Args, spatial: Shape, window: Shape, strides: Shape, padding: str,
                   dilation: Shape | None = None, what: str = "kernel") -> Shape:
    """Per-axis output lengths of a conv/pool window; a readable error when it does not fit."""
    dilation = dilation or (1,) * len(window)
    spans = tuple(d * (k - 1) + 1 for k, d in zip(window, dilation))
    if padding == "valid" and any(s > n for s, n in zip(spans, spatial)):
        dilated = f" with dilation_rate {_fmt(dilation)} (span {_fmt(spans)})" if max(dilation) > 1 else ""
        raise a.error(f"{what} {_fmt(window)}{dilated} does not fit input {_fmt(spatial)} with padding '{padding}'")
    return tuple(conv_output_length(n, k, s, padding, d)
                 for n, k, s, d in zip(spatial, window, strides, dilation))


# --------------------------------------------------------------------------- layer handlers
# Each handler takes the input shape (no batch) and the layer's arguments and returns
# (output_shape, trainable_params, non_trainable_params) as Keras builds the layer.

Result = tuple[Shape, int, int]


def _conv(shape: Shape, a: _Args, rank: int) -> Result:
    """Conv1D / Conv2D: (*spatial, C) -> (*spatial', filters); params prod(k) * C/groups * filters + filters."""
    a.channels_last()
    filters = a.positive_int("filters")
    kernel = a.int_tuple("kernel_size", rank)
    strides, dilation = a.strides_and_dilation(rank)
    padding = a.padding(("valid", "same", "causal") if rank == 1 else ("valid", "same"))
    groups = a.positive_int("groups", 1)
    *spatial, channels = shape
    if channels % groups or filters % groups:
        raise a.error(f"groups={groups} must divide both the input channels ({channels}) and filters ({filters})")
    out = _window_output(a, tuple(spatial), kernel, strides, padding, dilation)
    params = conv_params(kernel, channels // groups, filters, a.boolean("use_bias", True))
    return (*out, filters), params, 0


def _conv_transpose(shape: Shape, a: _Args) -> Result:
    """Conv2DTranspose: (H, W, C) -> (H', W', filters), see conv_transpose_output_length."""
    a.channels_last()
    filters = a.positive_int("filters")
    kernel = a.int_tuple("kernel_size", 2)
    strides, dilation = a.strides_and_dilation(2)
    padding = a.padding()
    output_padding = a.get("output_padding", None)
    if output_padding is not None:
        output_padding = a.int_tuple("output_padding", 2, allow_zero=True)
        if any(p >= s for p, s in zip(output_padding, strides)):
            raise a.error(f"output_padding {_fmt(output_padding)} must be smaller than strides {_fmt(strides)}")
    *spatial, channels = shape
    out = tuple(
        conv_transpose_output_length(n, k, s, padding, None if output_padding is None else output_padding[i], d)
        for i, (n, k, s, d) in enumerate(zip(spatial, kernel, strides, dilation)))
    if min(out) <= 0:  # only "same" with output_padding, an even kernel and a 1-pixel input
        raise a.error(f"output would be empty ({_fmt(out)}) for input {_fmt(spatial)}, kernel {_fmt(kernel)}, "
                      f"padding '{padding}', output_padding {_fmt(output_padding)}")
    return (*out, filters), conv_params(kernel, channels, filters, a.boolean("use_bias", True)), 0


def _depthwise(shape: Shape, a: _Args, pointwise: bool) -> Result:
    """DepthwiseConv2D (C -> C * depth_multiplier) and SeparableConv2D (then a 1x1 conv to filters)."""
    a.channels_last()
    filters = a.positive_int("filters") if pointwise else None
    kernel = a.int_tuple("kernel_size", 2)
    strides, dilation = a.strides_and_dilation(2)
    padding = a.padding()
    multiplier = a.positive_int("depth_multiplier", 1)
    use_bias = a.boolean("use_bias", True)
    *spatial, channels = shape
    out = _window_output(a, tuple(spatial), kernel, strides, padding, dilation)
    depthwise = math.prod(kernel) * channels * multiplier
    if not pointwise:
        return (*out, channels * multiplier), depthwise + (channels * multiplier if use_bias else 0), 0
    return (*out, filters), depthwise + conv_params(1, channels * multiplier, filters, use_bias), 0


def _pool(shape: Shape, a: _Args, rank: int, default_pool: Any) -> Result:
    """Max/AveragePooling1D/2D: strides default to pool_size, padding "valid"; channels kept."""
    a.channels_last()
    pool = a.int_tuple("pool_size", rank, default_pool)
    strides = a.int_tuple("strides", rank, pool)
    padding = a.padding(lowercase=False)  # Keras pooling compares the string as given
    *spatial, channels = shape
    return (*_window_output(a, tuple(spatial), pool, strides, padding, what="pool"), channels), 0, 0


def _global_pool(shape: Shape, a: _Args) -> Result:
    """GlobalAverage/MaxPooling2D: (H, W, C) -> (C,), or (1, 1, C) with keepdims."""
    a.channels_last()
    return ((1, 1, shape[-1]) if a.boolean("keepdims", False) else (shape[-1],)), 0, 0


def _flatten(shape: Shape, a: _Args) -> Result:
    """Flatten: (...) -> (prod,); either data_format gives the same length."""
    return (math.prod(shape),), 0, 0


def _reshape(shape: Shape, a: _Args) -> Result:
    """Reshape to target_shape (no batch); one entry may be -1, inferred from the size."""
    target = a.get("target_shape")
    if (not isinstance(target, Sequence) or isinstance(target, str) or not target
            or not all(_is_int(d) and (d > 0 or d == -1) for d in target)):
        raise a.error(f"target_shape must be a list of positive integers (at most one -1), got {target!r}")
    if list(target).count(-1) > 1:
        raise a.error(f"target_shape may contain at most one -1, got {list(target)}")
    size, known = math.prod(shape), math.prod(d for d in target if d != -1)
    if (-1 in target and size % known) or (-1 not in target and size != known):
        raise a.error(f"cannot reshape {size} values (shape {shape}) into {tuple(target)}")
    return tuple(size // known if d == -1 else d for d in target), 0, 0


def _lora(a: _Args) -> int | None:
    if a.get("quantization_config", None) is not None:
        raise a.error("quantization_config is not supported by the calculator")
    rank = a.get("lora_rank", None)
    return None if rank is None else a.positive_int("lora_rank")


def _dense(shape: Shape, a: _Args) -> Result:
    """Dense acts on the last axis: (..., n) -> (..., units); params (n + 1) * units.

    With lora_rank r (Keras LoRA) the kernel is frozen and r * (n + units) trainable weights are added.
    """
    units = a.positive_int("units")
    params = dense_params(shape[-1], units, a.boolean("use_bias", True))
    rank = _lora(a)
    if rank is None:
        return (*shape[:-1], units), params, 0
    kernel = shape[-1] * units
    return (*shape[:-1], units), params - kernel + rank * (shape[-1] + units), kernel


def _identity(shape: Shape, a: _Args, required: tuple[str, ...] = ()) -> Result:
    """Activation, LeakyReLU, Dropout: shape unchanged, no parameters."""
    for key in required:
        a.get(key)
    return shape, 0, 0


def _dropout(shape: Shape, a: _Args) -> Result:
    rate = a.get("rate")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
        raise a.error(f"rate must be a number between 0 and 1, got {rate!r}")
    return shape, 0, 0


def _batch_norm(shape: Shape, a: _Args) -> Result:
    """BatchNormalization over `axis` (Keras numbering, batch = 0; default -1, the channels).

    gamma and beta (if scale / center) are trainable, moving mean and variance are not: 4C in all.
    """
    axis = a.get("axis", -1)
    if not _is_int(axis) or axis == 0 or not -len(shape) <= axis <= len(shape):
        raise a.error(f"axis {axis!r} is not a feature axis of input shape {shape} (batch axis 0 excluded)")
    channels = shape[axis - 1 if axis > 0 else axis]
    learned = int(a.boolean("center", True)) + int(a.boolean("scale", True))
    return shape, learned * channels, 2 * channels


def _zero_padding(shape: Shape, a: _Args) -> Result:
    """ZeroPadding2D: padding int, (sym_h, sym_w) or ((top, bottom), (left, right))."""
    a.channels_last()
    value = a.get("padding", 1)
    if _is_int(value):
        value = (value, value)
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        raise a.error(f"padding must be an int, a pair or a pair of pairs, got {value!r}")
    pads = []
    for item in value:
        pair = (item, item) if _is_int(item) else item
        if (not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2
                or not all(_is_int(p) and p >= 0 for p in pair)):
            raise a.error(f"padding must be non-negative ints as int, (h, w) or ((t, b), (l, r)), got {a.get('padding')!r}")
        pads.append(sum(pair))
    return (shape[0] + pads[0], shape[1] + pads[1], shape[2]), 0, 0


def _upsampling(shape: Shape, a: _Args) -> Result:
    """UpSampling2D: (H, W, C) -> (H * size_h, W * size_w, C); size defaults to 2."""
    a.channels_last()
    size = a.int_tuple("size", 2, 2)
    return (shape[0] * size[0], shape[1] * size[1], shape[2]), 0, 0


def _embedding(shape: Shape, a: _Args) -> Result:
    """Embedding: integer ids of any shape (usually (T,)) -> (*shape, output_dim); input_dim * output_dim."""
    input_dim, output_dim = a.positive_int("input_dim"), a.positive_int("output_dim")
    table = input_dim * output_dim
    rank = _lora(a)
    if rank is None:
        return (*shape, output_dim), table, 0
    return (*shape, output_dim), rank * (input_dim + output_dim), table


def _rnn(shape: Shape, a: _Args, gates: int) -> Result:
    """SimpleRNN (1 gate), LSTM (4), GRU (3): (T, F) -> (units,) or (T, units) with return_sequences.

    Per gate: kernel F * units, recurrent kernel units * units, bias units; GRU with
    reset_after=True (the Keras 3 default) has a second bias per gate.
    """
    units = a.positive_int("units")
    if a.boolean("return_state", False):
        raise a.error("return_state=True returns several tensors, which a Sequential stack cannot pass on")
    use_bias = a.boolean("use_bias", True)
    biases = 2 if a.type == "GRU" and a.boolean("reset_after", True) else 1
    steps, features = shape
    params = gates * units * (features + units + (biases if use_bias else 0))
    return ((steps, units) if a.boolean("return_sequences", False) else (units,)), params, 0


# --------------------------------------------------------------------------- the layer table

@dataclass(frozen=True)
class _Kind:
    handler: Callable[[Shape, _Args], Result]
    rank: int | None  # exact input rank (no batch) or None for any
    args: frozenset[str]  # Keras constructor arguments this class accepts


_RANK_NAMES = {2: "(steps, features)", 3: "(height, width, channels)"}

# Accepted by every Keras 3 layer (base Layer keyword arguments).
_BASE = {"name", "trainable", "dtype", "autocast", "activity_regularizer", "input_shape", "input_dim"}
_CONV = {"filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
         "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
         "bias_regularizer", "kernel_constraint", "bias_constraint"}
_DEPTHWISE = {"kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate",
              "activation", "use_bias", "depthwise_initializer", "bias_initializer",
              "depthwise_regularizer", "bias_regularizer", "depthwise_constraint", "bias_constraint"}
_SEPARABLE = _DEPTHWISE | {"filters", "pointwise_initializer", "pointwise_regularizer", "pointwise_constraint"}
_POOL = {"pool_size", "strides", "padding", "data_format"}
_DENSE = {"units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
          "bias_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha",
          "quantization_config"}
_BATCH_NORM = {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
               "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
               "gamma_regularizer", "beta_constraint", "gamma_constraint", "renorm", "renorm_clipping",
               "renorm_momentum", "synchronized"}
_EMBEDDING = {"input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
              "embeddings_constraint", "mask_zero", "weights", "lora_rank", "lora_alpha",
              "quantization_config", "input_length"}
_RNN = {"units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
        "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
        "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "return_sequences",
        "return_state", "go_backwards", "stateful", "unroll", "seed", "zero_output_for_mask"}
_GATED = _RNN | {"recurrent_activation", "use_cudnn", "implementation"}


def _kind(handler: Callable[..., Result], rank: int | None, args: set[str]) -> _Kind:
    return _Kind(handler, rank, frozenset(args | _BASE))


_KINDS: dict[str, _Kind] = {
    "Conv2D": _kind(partial(_conv, rank=2), 3, _CONV),
    "Conv1D": _kind(partial(_conv, rank=1), 2, _CONV),
    "Conv2DTranspose": _kind(_conv_transpose, 3, (_CONV - {"groups"}) | {"output_padding"}),
    "DepthwiseConv2D": _kind(partial(_depthwise, pointwise=False), 3, _DEPTHWISE),
    "SeparableConv2D": _kind(partial(_depthwise, pointwise=True), 3, _SEPARABLE),
    "MaxPooling2D": _kind(partial(_pool, rank=2, default_pool=2), 3, _POOL),
    "MaxPooling1D": _kind(partial(_pool, rank=1, default_pool=2), 2, _POOL),
    # Keras 3 gives AveragePooling no default pool_size (MaxPooling defaults to 2).
    "AveragePooling2D": _kind(partial(_pool, rank=2, default_pool=_REQUIRED), 3, _POOL),
    "AveragePooling1D": _kind(partial(_pool, rank=1, default_pool=_REQUIRED), 2, _POOL),
    "GlobalAveragePooling2D": _kind(_global_pool, 3, {"data_format", "keepdims"}),
    "GlobalMaxPooling2D": _kind(_global_pool, 3, {"data_format", "keepdims"}),
    "Flatten": _kind(_flatten, None, {"data_format"}),
    "Reshape": _kind(_reshape, None, {"target_shape"}),
    "Dense": _kind(_dense, None, _DENSE),
    "Dropout": _kind(_dropout, None, {"rate", "noise_shape", "seed"}),
    "BatchNormalization": _kind(_batch_norm, None, _BATCH_NORM),
    "Activation": _kind(partial(_identity, required=("activation",)), None, {"activation"}),
    "LeakyReLU": _kind(_identity, None, {"negative_slope", "alpha"}),
    "ZeroPadding2D": _kind(_zero_padding, 3, {"padding", "data_format"}),
    "UpSampling2D": _kind(_upsampling, 3, {"size", "data_format", "interpolation"}),
    "Embedding": _kind(_embedding, None, _EMBEDDING),
    "SimpleRNN": _kind(partial(_rnn, gates=1), 2, _RNN),
    "LSTM": _kind(partial(_rnn, gates=4), 2, _GATED | {"unit_forget_bias"}),
    "GRU": _kind(partial(_rnn, gates=3), 2, _GATED | {"reset_after"}),
}

# keras.layers exports these names for the same classes.
_ALIASES = {
    "Convolution2D": "Conv2D", "Convolution1D": "Conv1D", "Convolution2DTranspose": "Conv2DTranspose",
    "SeparableConvolution2D": "SeparableConv2D", "MaxPool2D": "MaxPooling2D", "MaxPool1D": "MaxPooling1D",
    "AvgPool2D": "AveragePooling2D", "AvgPool1D": "AveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
}

LAYER_TYPES: tuple[str, ...] = tuple(_KINDS)
"""The canonical Keras class names `summarize` understands (aliases are also accepted)."""


def accepted_arguments(type_name: str) -> frozenset[str] | None:
    """The Keras arguments `summarize` takes for a layer class (None: a class it does not know)."""
    kind = _KINDS.get(_ALIASES.get(type_name, type_name))
    return kind.args if kind else None


# --------------------------------------------------------------------------- summarize


def _check_input_shape(input_shape: Any) -> Shape:
    if (isinstance(input_shape, Sequence) and not isinstance(input_shape, str) and input_shape
            and all(_is_int(d) and d > 0 for d in input_shape)):
        return tuple(input_shape)
    raise ValueError("input_shape must be a non-empty list of positive integers "
                     f"(without the batch dimension), got {input_shape!r}")


def _summarize_layer(index: int, shape: Shape, spec: Any) -> LayerSummary:
    if not isinstance(spec, Mapping):
        raise ValueError(f"layer {index}: expected a dict with a 'type' key, got {spec!r}")
    given = spec.get("type")
    if not isinstance(given, str):
        raise ValueError(f"layer {index}: missing 'type' (a Keras layer class name such as 'Conv2D')")
    type_name = _ALIASES.get(given, given)
    a = _Args(index, type_name, spec)
    kind = _KINDS.get(type_name)
    if kind is None:
        raise ValueError(f"layer {index} {given}: unknown layer type (known: {', '.join(LAYER_TYPES)})")
    for key in spec:
        if key != "type" and key not in kind.args:
            close = difflib.get_close_matches(key, sorted(kind.args), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise a.error(f"unknown argument {key!r}{hint}")
    if kind.rank is not None and len(shape) != kind.rank:
        raise a.error(f"expects a {kind.rank}-D input {_RANK_NAMES[kind.rank]}, got shape {shape}")
    out, trainable, frozen = kind.handler(shape, a)
    if not a.boolean("trainable", True):
        trainable, frozen = 0, trainable + frozen
    return LayerSummary(index=index, type=type_name, output_shape=tuple(out),
                        activation_size=math.prod(out), params=trainable + frozen,
                        trainable_params=trainable, non_trainable_params=frozen)


def summarize(input_shape: Sequence[int], layers: Sequence[Mapping[str, Any]]) -> Summary:
    """Summarize a Keras Sequential stack, as `model.summary()` would.

    input_shape: one example's shape, no batch, e.g. (28, 28, 1) or (T,) for Embedding ids.
    layers: list of layer dicts {"type": KerasClassName, **keras_constructor_args}.
    Raises ValueError naming the layer index, type and reason for anything Keras would
    refuse (and for empty outputs Keras would silently build).
    """
    shape = _check_input_shape(input_shape)
    if not isinstance(layers, Sequence) or isinstance(layers, (str, bytes)):
        raise ValueError(f"layers must be a list of layer dicts, got {type(layers).__name__}")
    rows = []
    for index, spec in enumerate(layers, start=1):
        rows.append(_summarize_layer(index, shape, spec))
        shape = rows[-1].output_shape
    trainable = sum(r.trainable_params for r in rows)
    frozen = sum(r.non_trainable_params for r in rows)
    return Summary(input_shape=tuple(input_shape), layers=tuple(rows),
                   total_params=trainable + frozen, trainable_params=trainable,
                   non_trainable_params=frozen)
