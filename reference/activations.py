"""Activation functions and their derivatives, as TensorFlow/Keras computes them.

Pure numpy, vectorised, float64. Every function takes any real array-like
(scalar, list, ndarray of ints or floats) and returns a float64 ndarray of the
same shape (0-d for a scalar). Derivatives are taken with respect to the input
``x`` and evaluated at ``x`` (the pre-activation), which is what
``tf.GradientTape`` reports; the course writes them in terms of the output
g = g(x): sigmoid g' = g(1 - g), tanh g' = 1 - g^2.

Conventions that differ between sources:

- Leaky ReLU: the course's slides use alpha = 0.01, which is our default.
  ``tf.nn.leaky_relu`` defaults to 0.2 and Keras 3's ``LeakyReLU`` layer to
  ``negative_slope=0.3``; pass alpha explicitly when comparing. TensorFlow
  stores alpha as float32 (0.01 acts as 0.009999999776), a relative
  difference of ~2e-8 from our float64 alpha.
- At x == 0 the ReLU derivative is 0 and the leaky ReLU derivative is alpha, as
  TensorFlow's gradients (``features > 0 ? 1 : ...``).
- ``softmax`` works along one axis (default the last, the class axis of a
  ``(N, C)`` batch), as ``tf.nn.softmax(axis=...)``.
"""

import numbers

import numpy as np


def _as_float64(x, name="x"):
    """Return ``x`` as a float64 ndarray; ValueError naming ``name`` if it is not real numbers."""
    try:
        array = np.asarray(x)
        if np.iscomplexobj(array):
            raise ValueError("got complex numbers")
        return array.astype(np.float64, copy=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of real numbers: {err}") from None


def _check_alpha(alpha):
    """Leaky ReLU's negative slope must be a finite number >= 0 (Keras rejects negatives too)."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise ValueError(f"alpha must be a real number, got {alpha!r}")
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be finite and >= 0, got {alpha!r}")
    return float(alpha)


def _check_axis(axis, ndim):
    """Return ``axis`` as a non-negative index into an array of ``ndim`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an int, got {axis!r}")
    if ndim == 0:
        raise ValueError("softmax needs an array with at least 1 dimension, got a scalar")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array with {ndim} dimension(s)")
    return int(axis) % ndim


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), elementwise, as ``tf.math.sigmoid``.

    Stable for large |x|: only e^-|x| is ever computed, so nothing overflows.
    """
    x = _as_float64(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(x):
    """Hyperbolic tangent, elementwise, as ``tf.math.tanh``."""
    return np.tanh(_as_float64(x))


def relu(x):
    """ReLU max(x, 0), elementwise, as ``tf.nn.relu``."""
    return np.maximum(_as_float64(x), 0.0)


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x for x > 0, alpha * x otherwise, elementwise.

    ``alpha`` (>= 0) defaults to the course's 0.01; ``tf.nn.leaky_relu`` defaults
    to 0.2 and Keras 3's ``LeakyReLU`` to 0.3. ValueError for a negative alpha.
    """
    alpha = _check_alpha(alpha)
    x = _as_float64(x)
    return np.where(x > 0, x, alpha * x)


def linear(x):
    """Identity (Keras's "linear" activation), as a float64 copy."""
    return _as_float64(x).copy()


def softmax(x, axis=-1):
    """Softmax along ``axis``: e^x_i / sum_j e^x_j, as ``tf.nn.softmax(x, axis)``.

    ``x`` has at least one dimension; a ``(N, C)`` batch of logits uses the
    default ``axis=-1``. The maximum along the axis is subtracted first, so
    logits of 1000 do not overflow. ValueError for a scalar or an axis out of range.
    """
    x = _as_float64(x)
    axis = _check_axis(axis, x.ndim)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def sigmoid_derivative(x):
    """d sigmoid / dx at x, computed as g(1 - g) with g = sigmoid(x) (the course's formula)."""
    g = sigmoid(x)
    return g * (1.0 - g)


def tanh_derivative(x):
    """d tanh / dx at x, computed as 1 - g^2 with g = tanh(x) (the course's formula)."""
    g = tanh(x)
    return 1.0 - g * g


def relu_derivative(x):
    """d relu / dx at x: 1 where x > 0, else 0 (0 at x == 0, as TensorFlow's gradient)."""
    return (_as_float64(x) > 0).astype(np.float64)


def leaky_relu_derivative(x, alpha=0.01):
    """d leaky_relu / dx at x: 1 where x > 0, else alpha (alpha at x == 0, as TensorFlow)."""
    alpha = _check_alpha(alpha)
    return np.where(_as_float64(x) > 0, 1.0, alpha)


def linear_derivative(x):
    """d x / dx: ones of x's shape."""
    return np.ones_like(_as_float64(x))


def softmax_jacobian(x):
    """Jacobian of ``softmax(x, axis=-1)`` with respect to ``x``, over the last axis.

    For a vector ``x`` of shape ``(C,)`` returns ``(C, C)``: ``J[i, j] = ds_i / dx_j
    = s_i (delta_ij - s_j)``, i.e. ``diag(s) - s s^T``. For a batch ``(..., C)``
    returns ``(..., C, C)``, one Jacobian per vector (``tape.batch_jacobian``).
    """
    s = softmax(x, axis=-1)
    diag = s[..., :, None] * np.eye(s.shape[-1])
    return diag - s[..., :, None] * s[..., None, :]


# name -> (activation, derivative with respect to its input), as Keras names them.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "linear": (linear, linear_derivative),
}
