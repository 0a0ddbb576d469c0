"""Classification metrics and minibatch bookkeeping, as Keras and scikit-learn compute them.

Accepted forms for labels and predictions (N samples, C classes):

- class labels ``(N,)`` or ``(N, 1)``: integers (ints or integral floats);
- one-hot targets or probabilities/logits ``(N, C)`` with C > 1: argmax over the
  last axis (first maximum on ties, as ``np.argmax`` and ``tf.argmax``);
- binary probabilities ``(N,)`` or ``(N, 1)`` with any non-integral value:
  thresholded as Keras's ``binary_accuracy`` (predicted 1 where p > 0.5,
  strictly), only against binary labels in {0, 1}.

Every bad input (empty arrays, different sample counts, non-integer or negative
labels, probabilities against multi-class labels) is a ValueError.
"""

import numbers

import numpy as np

from reference.activations import _as_float64


def _integral(values):
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def _column(a, name):
    """``a`` as 1-D per-sample values: (N,) as is, (N, 1) squeezed, (N, C>1) argmax."""
    if a.ndim == 0:
        raise ValueError(f"{name} must be an array of samples, got a scalar")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if a.ndim > 2:
        raise ValueError(f"{name} must be (N,), (N, 1) or (N, C), got shape {a.shape}")
    if a.ndim == 2:
        return a[:, 0] if a.shape[1] == 1 else np.argmax(a, axis=1).astype(np.float64)
    return a


def _labels(a, name):
    """Non-negative int64 class labels from labels, one-hot rows or score rows."""
    a = _column(_as_float64(a, name), name)
    if not _integral(a):
        raise ValueError(f"{name} must hold integer class labels")
    if np.any(a < 0):
        raise ValueError(f"{name} holds negative class labels")
    return a.astype(np.int64)


def _same_length(y_true, y_pred):
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred have different numbers of samples: {len(y_true)} and {len(y_pred)}"
        )


def _predicted_labels(y_true, y_pred, threshold):
    """Predicted labels; thresholds binary probabilities as Keras's binary_accuracy."""
    scores = _column(_as_float64(y_pred, "y_pred"), "y_pred")
    _same_length(y_true, scores)
    if _integral(scores):
        if np.any(scores < 0):
            raise ValueError("y_pred holds negative class labels")
        return scores.astype(np.int64)
    if np.any(y_true > 1):
        raise ValueError(
            "y_pred holds non-integer scores for a single column, which are thresholded as "
            "binary probabilities, but y_true has labels other than 0 and 1"
        )
    return (scores > threshold).astype(np.int64)


def accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of samples whose predicted class equals the true class (float64 in [0, 1]).

    ``y_true``: labels ``(N,)``/``(N, 1)`` or one-hot ``(N, C)``. ``y_pred``:
    labels, ``(N, C)`` probabilities or logits (argmax, as Keras's
    ``CategoricalAccuracy``/``SparseCategoricalAccuracy``), or binary
    probabilities ``(N,)``/``(N, 1)`` compared as ``p > threshold`` (Keras's
    ``BinaryAccuracy``, threshold 0.5). Multi-label (N, C) binary outputs are
    not supported: they are argmaxed.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    truth = _labels(y_true, "y_true")
    predicted = _predicted_labels(truth, y_pred, threshold)
    return np.mean(truth == predicted)


def error_rate(y_true, y_pred, threshold=0.5):
    """1 - accuracy (the course's "error"); same arguments as ``accuracy``."""
    return 1.0 - accuracy(y_true, y_pred, threshold)


def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts ``M[i, j]`` of samples of true class i predicted as class j (int64).

    Rows are true classes and columns predicted classes, as
    ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(num_classes))``.
    Labels may be given as labels, one-hot or score rows (argmax). ``num_classes``
    defaults to the largest label seen + 1; ValueError if a label is >= num_classes.
    """
    truth = _labels(y_true, "y_true")
    predicted = _labels(y_pred, "y_pred")
    _same_length(truth, predicted)
    largest = int(max(truth.max(), predicted.max()))
    if num_classes is None:
        num_classes = largest + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    elif largest >= num_classes:
        raise ValueError(f"label {largest} is out of range for num_classes={num_classes}")
    num_classes = int(num_classes)
    flat = np.bincount(truth * num_classes + predicted, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes).astype(np.int64)


def steps_per_epoch(n_samples, batch_size):
    """Minibatch steps in one epoch: ceil(n_samples / batch_size), as Keras ``fit``.

    The course writes n / batch size; Keras runs a last, smaller batch for the
    remainder, hence the ceiling (60000 samples, batch 128 -> 469 steps).
    Both arguments must be positive ints.
    """
    for name, value in (("n_samples", n_samples), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name} must be an int, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be positive, got {value}")
    return -(-int(n_samples) // int(batch_size))
