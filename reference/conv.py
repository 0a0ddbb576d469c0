"""2-D convolution (cross-correlation, as Keras and the course), padding and output sizes.

Pure numpy, vectorised: windows come from `sliding_window_view` (im2col), the
products from one matrix multiplication (BLAS for floats). Channels-last throughout.

Shapes accepted by `conv2d`:
    x (H, W)        with kernel (kh, kw)                     -> (H', W')
    x (H, W, C)     with kernel (kh, kw, C)                  -> (H', W')
    x (H, W, C)     with kernel (kh, kw, C, F)               -> (H', W', F)
    x (N, H, W, C)  with kernel (kh, kw, C, F) or (kh, kw, C) -> (N, H', W', F) / (N, H', W')
"""
from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from reference._layout import (
    as_batch,
    explicit_padding,
    from_batch,
    pair,
    padding_amounts,
    padding_string,
    same_padding,
)

__all__ = ["output_size", "same_padding", "zero_pad", "conv2d"]


def output_size(n: int, kernel: int, stride: int = 1, padding=0) -> int:
    """Output length of a convolution or pooling along one axis.

    int padding p:  floor((n - kernel + 2p) / stride) + 1   (the course's formula)
    "valid":        floor((n - kernel) / stride) + 1        (Keras)
    "same":         ceil(n / stride)                         (Keras)
    """
    for value, name in ((n, "n"), (kernel, "kernel"), (stride, "stride")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if isinstance(padding, str):
        if padding_string(padding) == "same":
            return -(-n // stride)
        padding = 0
    if isinstance(padding, bool) or not isinstance(padding, numbers.Integral) or padding < 0:
        raise ValueError(f"padding must be a non-negative int, 'valid' or 'same', got {padding!r}")
    padded = n + 2 * padding
    if kernel > padded:
        raise ValueError(f"kernel {kernel} is larger than the padded input {padded}")
    return (padded - kernel) // stride + 1


def zero_pad(x, padding, kernel_size=None, stride=1) -> np.ndarray:
    """Zero-pad the spatial axes of x ((H, W), (H, W, C) or (N, H, W, C)).

    `padding` is an int, (rows, cols), (top, bottom, left, right),
    ((top, bottom), (left, right)), or "same" / "valid" with `kernel_size`
    (and `stride`) given: "same" is TensorFlow's, with the odd pixel at the
    bottom / right.
    """
    batch, rank = as_batch(x)
    if isinstance(padding, str):
        if kernel_size is None:
            raise ValueError("padding 'same'/'valid' needs kernel_size")
        spec = explicit_padding(padding, pair(kernel_size, "kernel_size"),
                                pair(stride, "stride"), batch.shape[1:3])
    else:
        spec = padding_amounts(padding)
    top, bottom, left, right = spec
    padded = np.pad(batch, ((0, 0), (top, bottom), (left, right), (0, 0)))
    return from_batch(padded, rank)


def _as_kernel(kernel, channels: int) -> tuple[np.ndarray, bool]:
    """Kernel as (kh, kw, C, F) and whether it had a filter axis."""
    k = np.asarray(kernel)
    if k.dtype == object or not np.issubdtype(k.dtype, np.number):
        raise ValueError(f"kernel must be a numeric array, got dtype {k.dtype}")
    if k.ndim == 2:
        k = k[:, :, np.newaxis]
    if k.ndim == 3:
        has_filters = False
        k = k[..., np.newaxis]
    elif k.ndim == 4:
        has_filters = True
    else:
        raise ValueError(f"kernel must be 2-D, 3-D (kh, kw, C) or 4-D (kh, kw, C, F), "
                         f"got shape {k.shape}")
    if k.shape[2] != channels:
        raise ValueError(f"kernel has {k.shape[2]} input channels but x has {channels}")
    if 0 in k.shape:
        raise ValueError(f"kernel must not be empty, got shape {k.shape}")
    return k, has_filters


def conv2d(x, kernel, bias=None, stride=1, padding="valid") -> np.ndarray:
    """Cross-correlate x with kernel, as keras.layers.Conv2D (no activation).

    stride: int or (rows, cols). padding: "valid", "same" (TensorFlow's split,
    extra pixel bottom/right), an int, (rows, cols) or (top, bottom, left, right).
    bias: scalar or (F,), added to every output position.
    """
    batch, rank = as_batch(x)
    if batch.shape[1] == 0 or batch.shape[2] == 0:
        raise ValueError(f"x must not be empty, got shape {np.shape(x)}")
    k, has_filters = _as_kernel(kernel, batch.shape[3])
    kh, kw = k.shape[:2]
    sh, sw = pair(stride, "stride")
    top, bottom, left, right = explicit_padding(padding, (kh, kw), (sh, sw), batch.shape[1:3])
    padded_h = batch.shape[1] + top + bottom
    padded_w = batch.shape[2] + left + right
    if kh > padded_h or kw > padded_w:
        raise ValueError(f"kernel {kh}x{kw} does not fit the padded input {padded_h}x{padded_w}")
    padded = np.pad(batch, ((0, 0), (top, bottom), (left, right), (0, 0)))
    # im2col: the (N, H', W', C, kh, kw) view is copied once with channels innermost
    # (the fastest copy order), then a single matrix product does every window.
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    n, out_h, out_w = windows.shape[:3]
    columns = windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * out_h * out_w, -1)
    out = (columns @ k.reshape(-1, k.shape[3])).reshape(n, out_h, out_w, k.shape[3])
    if bias is not None:
        b = np.asarray(bias)
        if b.ndim > 1 or (b.ndim == 1 and b.shape[0] != k.shape[3]):
            raise ValueError(f"bias must be a scalar or have shape ({k.shape[3]},), got {b.shape}")
        out = out + b
    if not has_filters:
        out = out[..., 0]
        return out[0] if rank in (2, 3) else out
    return from_batch(out, rank) if rank != 2 else out[0]
