"""Loss functions exactly as the Keras 3 loss classes compute them, in float64 numpy.

Shapes and reduction (Keras's default, ``reduction="sum_over_batch_size"``):

- ``y_true`` and ``y_pred`` are batches ``(N, ...)``. The per-sample loss
  reduces the last axis: the *mean* of the elementwise loss for
  binary cross-entropy, MSE and MAE, the *sum* over classes for categorical
  cross-entropy. The reported loss is the mean of the per-sample values.
  ``reduction=None`` returns the per-sample values instead (what Keras's
  ``reduction=None`` returns), ``"sum"`` their sum; ``"mean"`` (the default)
  and ``"sum_over_batch_size"`` are the Keras default.
- A 1-D ``y_true``/``y_pred`` of shape ``(N,)`` is, as in Keras, ONE sample of
  N outputs: its per-sample value is 0-d. The mean over all N is the same
  either way; reshape to ``(N, 1)`` to see N per-sample values.
- As Keras, a rank difference of one with a trailing axis of 1 is absorbed:
  ``(N,)`` labels against ``(N, 1)`` predictions are compared as ``(N, 1)``.
  Any other shape mismatch is a ValueError (where Keras's MSE/MAE would
  silently broadcast, e.g. ``(N, 1)`` against ``(N, 3)``).

Probabilities (``from_logits=False``) are clipped to ``[EPSILON, 1 - EPSILON]``
with ``EPSILON = 1e-7`` (``keras.config.epsilon()``), so values outside [0, 1]
are not an error. Categorical cross-entropy first renormalises ``y_pred`` to sum
to 1 along the class axis (then clips); sparse categorical cross-entropy clips
first and then renormalises (Keras feeds log(clipped p) to a softmax
cross-entropy). Keras computes in float32 by default; these are float64, so
compare with a float32 tolerance (or build the Keras loss with
``dtype="float64"``). Note that in float32 ``1 - 1e-7`` rounds to
``1 - 1.19e-7``, so float32 Keras values inside the clip region differ.
"""

import numpy as np

from reference.activations import _as_float64

EPSILON = 1e-7  # keras.config.epsilon()

_MEAN = ("mean", "sum_over_batch_size")
_NONE = (None, "none")


def _align(y_true, y_pred):
    """Keras's squeeze_or_expand_to_same_rank: absorb one trailing axis of size 1."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        if y_pred.ndim == 1:
            y_pred = y_pred[:, None]
        else:
            y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        if y_true.ndim == 1:
            y_true = y_true[:, None]
        else:
            y_pred = y_pred[..., 0]
    return y_true, y_pred


def _pair(y_true, y_pred):
    """Float64, rank-aligned y_true and y_pred of the same non-empty shape (>= 1-D)."""
    y_true = _as_float64(y_true, "y_true")
    y_pred = _as_float64(y_pred, "y_pred")
    y_true, y_pred = _align(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred shapes do not match: y_true {y_true.shape}, y_pred {y_pred.shape}"
        )
    if y_pred.ndim == 0:
        raise ValueError("y_true and y_pred must have at least 1 dimension, got scalars")
    if y_pred.size == 0:
        raise ValueError(f"y_true and y_pred are empty (shape {y_pred.shape})")
    return y_true, y_pred


def _reduce(per_sample, reduction):
    """Apply a Keras reduction to per-sample losses."""
    if reduction in _NONE:
        return per_sample
    if reduction in _MEAN:
        return np.mean(per_sample)
    if reduction == "sum":
        return np.sum(per_sample)
    raise ValueError(
        f"reduction must be None, 'none', 'mean', 'sum_over_batch_size' or 'sum', got {reduction!r}"
    )


def _log_softmax(logits, axis):
    """log(softmax(logits)) along axis, without overflow."""
    shifted = logits - np.max(logits, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _class_axis(axis, ndim):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for y_pred with {ndim} dimension(s)")
    return int(axis) % ndim


def binary_crossentropy(y_true, y_pred, from_logits=False, reduction="mean"):
    """Binary cross-entropy (log loss), as ``keras.losses.BinaryCrossentropy``.

    Elementwise ``-(y ln p + (1 - y) ln(1 - p))`` with p clipped to
    ``[1e-7, 1 - 1e-7]``; with ``from_logits=True`` p = sigmoid(y_pred), computed
    stably as ``max(z, 0) - z y + ln(1 + e^-|z|)`` (no clipping). Per sample: the
    mean over the last axis; ``(N, 1)`` gives ``(N,)``. Returns the mean over
    samples (default), or see the module docstring for ``reduction``.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        z = y_pred
        elementwise = np.maximum(z, 0.0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return _reduce(np.mean(elementwise, axis=-1), reduction)


def categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1, reduction="mean"):
    """Categorical cross-entropy, as ``keras.losses.CategoricalCrossentropy``.

    ``y_true`` is one-hot (or any distribution) with ``y_pred``'s shape, classes
    along ``axis``. Per sample ``-sum_c y_c ln p_c`` over the class axis, where
    p = y_pred / sum(y_pred, axis) clipped to ``[1e-7, 1 - 1e-7]`` (Keras
    renormalises), or p = softmax(y_pred, axis) with ``from_logits=True``
    (computed as log-softmax, no clipping). ``(N, C)`` gives ``(N,)`` per-sample
    values. ValueError for an axis out of range, or (probabilities) a row whose
    sum is 0, where Keras would return NaN.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    axis = _class_axis(axis, y_pred.ndim)
    if from_logits:
        log_p = _log_softmax(y_pred, axis)
    else:
        totals = np.sum(y_pred, axis=axis, keepdims=True)
        if np.any(totals == 0):
            raise ValueError("y_pred sums to 0 along the class axis for some sample; cannot renormalise")
        p = np.clip(y_pred / totals, EPSILON, 1.0 - EPSILON)
        log_p = np.log(p)
    return _reduce(-np.sum(y_true * log_p, axis=axis), reduction)


def _sparse_labels(y_true, y_pred):
    """Integer labels of shape y_pred.shape[:-1], each in [0, C)."""
    labels = _as_float64(y_true, "y_true")
    if labels.ndim == y_pred.ndim and labels.ndim > 0 and labels.shape[-1] == 1:
        labels = labels[..., 0]  # (N, 1) labels, as Keras squeezes them
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"y_true shape {labels.shape} does not match y_pred shape {y_pred.shape} "
            "without its class axis"
        )
    if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
        raise ValueError("y_true must hold integer class labels")
    n_classes = y_pred.shape[-1]
    if np.any(labels < 0) or np.any(labels >= n_classes):
        raise ValueError(f"y_true labels must lie in [0, {n_classes}) for {n_classes} classes")
    return labels.astype(np.int64)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, reduction="mean"):
    """Categorical cross-entropy with integer labels, as ``keras.losses.SparseCategoricalCrossentropy``.

    ``y_pred`` is ``(N, C)`` (classes on the last axis), ``y_true`` labels ``(N,)``
    or ``(N, 1)``. Per sample ``-ln p[label]``: with ``from_logits=True`` p =
    softmax(y_pred); otherwise, as Keras, p is y_pred clipped to
    ``[1e-7, 1 - 1e-7]`` and then renormalised to sum 1. ValueError for labels
    that are not integers in [0, C).
    """
    y_pred = _as_float64(y_pred, "y_pred")
    if y_pred.ndim == 0:
        raise ValueError("y_pred must have a class axis, got a scalar")
    if y_pred.size == 0:
        raise ValueError(f"y_pred is empty (shape {y_pred.shape})")
    labels = _sparse_labels(y_true, y_pred)
    logits = y_pred if from_logits else np.log(np.clip(y_pred, EPSILON, 1.0 - EPSILON))
    log_p = _log_softmax(logits, -1)
    picked = np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]
    return _reduce(-picked, reduction)


def mse(y_true, y_pred, reduction="mean"):
    """Mean squared error, as ``keras.losses.MeanSquaredError``.

    Per sample the mean of (y_true - y_pred)^2 over the last axis, then the mean
    over samples: for equal-width samples, the mean over all elements.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce(np.mean(np.square(y_true - y_pred), axis=-1), reduction)


def mae(y_true, y_pred, reduction="mean"):
    """Mean absolute error, as ``keras.losses.MeanAbsoluteError`` (see ``mse``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce(np.mean(np.abs(y_true - y_pred), axis=-1), reduction)


def rmse(y_true, y_pred):
    """Root mean squared error, as ``keras.metrics.RootMeanSquaredError``.

    sqrt of the mean of (y_true - y_pred)^2 over all elements of all samples
    (not the mean of per-sample roots).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sqrt(np.mean(np.square(y_true - y_pred)))


# Keras's string names (model.compile(loss=...)) -> reference function.
LOSSES = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "mean_squared_error": mse,
    "mse": mse,
    "mean_absolute_error": mae,
    "mae": mae,
}
