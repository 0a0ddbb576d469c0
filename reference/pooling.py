"""Max and average pooling, exactly as tf.nn.max_pool2d / tf.nn.avg_pool2d.

x is (H, W), (H, W, C) or (N, H, W, C); pooling is per channel over the spatial
axes. `stride` defaults to the pool size; padding is "valid" or "same"
(TensorFlow's split, the odd pixel bottom/right). "same" average pooling divides
by the number of real pixels in each window: the padding is not counted.
"""
from __future__ import annotations

import numpy as np

from reference._layout import as_batch, explicit_padding, from_batch, pair, padding_string

__all__ = ["max_pool", "avg_pool", "global_max_pool", "global_avg_pool"]


def _pooled(batch: np.ndarray, pool_size, stride, padding, fill, combine):
    """Combine the pool windows of batch (N, H, W, C) elementwise with `combine`.

    Returns the (N, H', W', C) result and the padding used. Rather than
    materialising every window, it folds the ph*pw shifted, strided views of the
    padded input into one output array: a loop over window offsets, never pixels,
    which is several times faster than reducing a sliding-window view.
    """
    if not isinstance(padding, str):
        raise ValueError(f"pooling padding must be 'valid' or 'same', got {padding!r}")
    padding_string(padding)
    ph, pw = pair(pool_size, "pool_size")
    sh, sw = pair(stride if stride is not None else (ph, pw), "stride")
    if batch.shape[1] == 0 or batch.shape[2] == 0:
        raise ValueError(f"x must not be empty, got spatial shape {batch.shape[1:3]}")
    spec = explicit_padding(padding, (ph, pw), (sh, sw), batch.shape[1:3])
    top, bottom, left, right = spec
    padded_h, padded_w = batch.shape[1] + top + bottom, batch.shape[2] + left + right
    if ph > padded_h or pw > padded_w:
        raise ValueError(f"pool {ph}x{pw} does not fit input {batch.shape[1]}x{batch.shape[2]} "
                         f"with padding {padding!r}")
    padded = np.pad(batch, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    out_h, out_w = (padded_h - ph) // sh + 1, (padded_w - pw) // sw + 1
    out = None
    for i in range(ph):
        for j in range(pw):
            view = padded[:, i:i + (out_h - 1) * sh + 1:sh, j:j + (out_w - 1) * sw + 1:sw]
            out = view.copy() if out is None else combine(out, view, out=out)
    return out, spec


def max_pool(x, pool_size=2, stride=None, padding="valid") -> np.ndarray:
    """Maximum over each pool window; keeps x's dtype."""
    batch, rank = as_batch(x)
    if np.issubdtype(batch.dtype, np.floating):
        fill = -np.inf
    else:
        fill = np.iinfo(batch.dtype).min
    out, _ = _pooled(batch, pool_size, stride, padding, fill, np.maximum)
    return from_batch(out, rank)


def avg_pool(x, pool_size=2, stride=None, padding="valid") -> np.ndarray:
    """Mean over the real (unpadded) pixels of each pool window, as float."""
    batch, rank = as_batch(x)
    if not np.issubdtype(batch.dtype, np.floating):
        batch = batch.astype(np.float64)
    sums, spec = _pooled(batch, pool_size, stride, padding, 0, np.add)
    if any(spec):
        # Count the real pixels per window by pooling a ones-mask the same way.
        ones = np.ones((1,) + batch.shape[1:3] + (1,), dtype=batch.dtype)
        counts, _ = _pooled(ones, pool_size, stride, padding, 0, np.add)
    else:
        counts = np.prod(pair(pool_size, "pool_size"))
    return from_batch(sums / counts, rank)


def _global(x, reduce) -> np.ndarray:
    batch, rank = as_batch(x)
    if batch.shape[1] == 0 or batch.shape[2] == 0:
        raise ValueError(f"x must not be empty, got shape {np.shape(x)}")
    out = reduce(batch, axis=(1, 2))  # (N, C)
    if rank == 2:
        return out[0, 0]
    return out[0] if rank == 3 else out


def global_max_pool(x) -> np.ndarray:
    """Maximum over H and W: (H, W) -> scalar, (H, W, C) -> (C,), (N, H, W, C) -> (N, C)."""
    return _global(x, np.max)


def global_avg_pool(x) -> np.ndarray:
    """Mean over H and W: (H, W) -> scalar, (H, W, C) -> (C,), (N, H, W, C) -> (N, C)."""
    batch, _ = as_batch(x)
    if not np.issubdtype(batch.dtype, np.floating):
        x = np.asarray(x, dtype=np.float64)
    return _global(x, np.mean)
