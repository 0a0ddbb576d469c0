"""Argument normalisation shared by the convolution and pooling references.

Conventions: images are channels-last (NHWC). A 2-D array is one greyscale
image, (H, W, C) one image, (N, H, W, C) a batch.
"""
from __future__ import annotations

import numbers

import numpy as np

PADDING_STRINGS = ("valid", "same")


def pair(value, name: str) -> tuple[int, int]:
    """An int or a pair of ints -> (rows, cols); each must be a positive integer."""
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        values = tuple(value)
    else:
        values = (value, value)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        if v < 1:
            raise ValueError(f"{name} must be positive, got {value!r}")
    return int(values[0]), int(values[1])


def padding_string(padding: str) -> str:
    """Validate a Keras padding string (case-insensitive, as Keras)."""
    lowered = padding.lower()
    if lowered not in PADDING_STRINGS:
        raise ValueError(f"unknown padding {padding!r} (use 'valid', 'same' or an int)")
    return lowered


def same_padding(n: int, kernel: int, stride: int = 1) -> tuple[int, int]:
    """TensorFlow's "same" padding along one axis: (before, after).

    The output length is ceil(n / stride); the total padding needed is split with
    the extra pixel (when the total is odd) after, i.e. at the bottom / right.
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + kernel - n, 0)
    return total // 2, total - total // 2


def explicit_padding(padding, kernel: tuple[int, int], stride: tuple[int, int],
                     spatial: tuple[int, int]) -> tuple[int, int, int, int]:
    """Any accepted padding spec -> (top, bottom, left, right).

    Accepts "valid", "same", an int, (rows, cols), (top, bottom, left, right) or
    ((top, bottom), (left, right)).
    """
    if isinstance(padding, str):
        if padding_string(padding) == "valid":
            return 0, 0, 0, 0
        top, bottom = same_padding(spatial[0], kernel[0], stride[0])
        left, right = same_padding(spatial[1], kernel[1], stride[1])
        return top, bottom, left, right
    return padding_amounts(padding)


def padding_amounts(padding) -> tuple[int, int, int, int]:
    """A numeric padding spec -> (top, bottom, left, right), all >= 0."""
    if isinstance(padding, (list, tuple)):
        flat = []
        for item in padding:
            flat.extend(item if isinstance(item, (list, tuple)) else [item])
        if len(padding) == 2 and len(flat) == 2:  # (rows, cols)
            flat = [flat[0], flat[0], flat[1], flat[1]]
        if len(flat) != 4:
            raise ValueError(
                "padding must be an int, (rows, cols), (top, bottom, left, right) "
                f"or ((top, bottom), (left, right)), got {padding!r}")
    else:
        flat = [padding] * 4
    for v in flat:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise ValueError(f"padding must be made of ints, got {padding!r}")
        if v < 0:
            raise ValueError(f"padding must not be negative, got {padding!r}")
    return tuple(int(v) for v in flat)  # type: ignore[return-value]


def as_batch(x, name: str = "x") -> tuple[np.ndarray, int]:
    """Return x as (N, H, W, C) plus its original rank (2, 3 or 4)."""
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    if arr.ndim == 2:
        return arr[np.newaxis, :, :, np.newaxis], 2
    if arr.ndim == 3:
        return arr[np.newaxis], 3
    if arr.ndim == 4:
        return arr, 4
    raise ValueError(f"{name} must be 2-D (H, W), 3-D (H, W, C) or 4-D (N, H, W, C), "
                     f"got shape {arr.shape}")


def from_batch(out: np.ndarray, rank: int) -> np.ndarray:
    """Undo as_batch on a (N, H, W, C) result."""
    if rank == 2:
        return out[0, :, :, 0]
    if rank == 3:
        return out[0]
    return out
