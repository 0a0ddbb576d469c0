"""The receptive field of a unit after a stack of convolution and pooling layers.

A unit's receptive field is the square of input pixels that can change its
value. With r the field's side and j the jump (input pixels between two
neighbouring units of the current layer), both 1 at the input, a layer with
kernel (or pool) k and stride s gives

    r_out = r_in + (k - 1) * j_in        j_out = j_in * s

Padding moves the windows, not their size, so it does not enter. Layers are the
dicts of `reference.shapes` (a Keras class name under "type" and Keras
arguments, square sizes given as one int); layers without a spatial window
(activations, BatchNormalization, Dropout) leave r and j unchanged.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

WINDOW_LAYERS = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
PASS_THROUGH = ("Activation", "BatchNormalization", "Dropout", "LeakyReLU")


def window(layer: Mapping[str, Any]) -> tuple[int, int]:
    """(kernel, stride) of a layer: pooling strides default to the pool size, Conv2D's to 1."""
    kind = layer.get("type")
    if kind in PASS_THROUGH:
        return 1, 1
    if kind not in WINDOW_LAYERS:
        raise ValueError(f"receptive field: unsupported layer type {kind!r}")
    if kind == "Conv2D":
        k = layer["kernel_size"]
        s = layer.get("strides", 1)
    else:
        k = layer.get("pool_size", 2)
        s = layer.get("strides") or k
    if layer.get("dilation_rate", 1) != 1:
        raise ValueError("receptive field: dilated convolutions are not supported")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (k, s)):
        raise ValueError(f"receptive field: kernel and stride must be positive ints, got {k!r}, {s!r}")
    return k, s


def receptive_field_steps(layers: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """(r, j) after each layer, in order."""
    r, j = 1, 1
    steps = []
    for layer in layers:
        k, s = window(layer)
        r, j = r + (k - 1) * j, j * s
        steps.append((r, j))
    return steps


def receptive_field(layers: Sequence[Mapping[str, Any]]) -> int:
    """The side, in input pixels, of the receptive field of one unit of the last layer."""
    steps = receptive_field_steps(layers)
    return steps[-1][0] if steps else 1
