"""The course's small fully connected network (MLP), written with its formulas.

Layout follows Keras's ``Dense``: a layer maps ``x`` of shape ``(N, in)`` with a
kernel ``W`` of shape ``(in, out)`` and a bias ``b`` of shape ``(out,)`` to
``a = g(z)``, ``z = x W + b``, shape ``(N, out)``. A network is lists
``weights = [W1, ..., WL]``, ``biases = [b1, ..., bL]`` and one activation name
per layer (or one name for all): "sigmoid", "tanh", "relu", "leaky_relu"
(alpha 0.01, the course's), "linear", or "softmax".

Training is ONE plain gradient-descent step ``W <- W - rate * dJ/dW`` (what
``keras.optimizers.SGD(rate)`` does without momentum) on the whole batch, by
explicit backpropagation:

    delta_L = dJ/da_L * g_L'(z_L)
    delta_l = (delta_{l+1} W_{l+1}^T) * g_l'(z_l)
    dJ/dW_l = a_{l-1}^T delta_l,   dJ/db_l = sum over samples of delta_l

with g' = g(1 - g) for sigmoid and 1 - g^2 for tanh (softmax uses its Jacobian).
Inputs are never modified; new arrays are returned.
"""

import numbers

import numpy as np

from reference.activations import ACTIVATIONS, _as_float64, softmax, softmax_jacobian

_NAMES = tuple(ACTIVATIONS) + ("softmax",)


def _check_activation(name):
    if name not in _NAMES:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(_NAMES)}")
    return name


def _activate(name, z):
    return softmax(z, axis=-1) if name == "softmax" else ACTIVATIONS[name][0](z)


def _through_activation(name, z, grad_a):
    """dJ/dz from dJ/da for a = g(z), per sample."""
    if name == "softmax":
        # softmax mixes a sample's outputs: dJ/dz_j = sum_i dJ/da_i * da_i/dz_j
        return np.einsum("ni,nij->nj", grad_a, softmax_jacobian(z))
    return grad_a * ACTIVATIONS[name][1](z)


def _layer(W, b, n_in, where=""):
    """Validated float64 kernel W (n_in, out) and bias b (out,)."""
    W = _as_float64(W, f"W{where}")
    b = _as_float64(b, f"b{where}")
    if W.ndim != 2:
        raise ValueError(f"W{where} must be 2-D (in, out), got shape {W.shape}")
    if W.shape[0] != n_in:
        raise ValueError(f"W{where} must have {n_in} rows to match its input (N, {n_in}), got shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b{where} must have shape ({W.shape[1]},) to match W{where} {W.shape}, got {b.shape}")
    return W, b


def _input(x):
    x = _as_float64(x, "x").copy()  # mlp_forward hands x back: never the caller's array
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (N, in), got shape {x.shape}")
    return x


def dense_forward(x, W, b, activation="sigmoid"):
    """One Dense layer: g(x W + b) with x (N, in), W (in, out), b (out,) -> (N, out)."""
    _check_activation(activation)
    x = _input(x)
    W, b = _layer(W, b, x.shape[1])
    return _activate(activation, x @ W + b)


def _network(x, weights, biases, activations):
    """Validated float64 copies of the inputs, and one activation name per layer."""
    weights, biases = list(weights), list(biases)
    if not weights:
        raise ValueError("the network needs at least one layer (weights is empty)")
    if len(biases) != len(weights):
        raise ValueError(f"got {len(weights)} weight matrices but {len(biases)} bias vectors")
    names = [activations] * len(weights) if isinstance(activations, str) else list(activations)
    if len(names) != len(weights):
        raise ValueError(f"got {len(weights)} layers but {len(names)} activation names")
    for name in names:
        _check_activation(name)
    x = _input(x)
    Ws, bs = [], []
    n_in = x.shape[1]
    for layer, (W, b) in enumerate(zip(weights, biases), start=1):
        W, b = _layer(W, b, n_in, where=str(layer))
        Ws.append(W)
        bs.append(b)
        n_in = W.shape[1]
    return x, Ws, bs, names


def _forward(x, Ws, bs, names):
    """Pre-activations [z1..zL] and activations [x, a1..aL]."""
    zs, outs = [], [x]
    for W, b, name in zip(Ws, bs, names):
        zs.append(outs[-1] @ W + b)
        outs.append(_activate(name, zs[-1]))
    return zs, outs


def mlp_forward(x, weights, biases, activations):
    """Forward pass; returns every layer's activations ``[x, a1, ..., aL]`` (a_l is (N, out_l))."""
    x, Ws, bs, names = _network(x, weights, biases, activations)
    return _forward(x, Ws, bs, names)[1]


def _backward(zs, outs, Ws, names, delta):
    """Gradients of J for every W and b, from delta_L = dJ/dz_L."""
    grads_W, grads_b = [None] * len(Ws), [None] * len(Ws)
    for layer in reversed(range(len(Ws))):
        grads_W[layer] = outs[layer].T @ delta
        grads_b[layer] = delta.sum(axis=0)
        if layer > 0:
            delta = _through_activation(names[layer - 1], zs[layer - 1], delta @ Ws[layer].T)
    return grads_W, grads_b


def _targets(y, output):
    y = _as_float64(y, "y")
    if y.ndim == 1 and output.shape[1] == 1:
        y = y[:, None]  # (N,) targets for a single output unit
    if y.shape != output.shape:
        raise ValueError(f"y must have the output's shape {output.shape}, got {y.shape}")
    return y


def _check_rate(rate):
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not np.isfinite(rate) or rate <= 0:
        raise ValueError(f"rate must be a finite number > 0, got {rate!r}")
    return float(rate)


def _mse(x, Ws, bs, names, y):
    zs, outs = _forward(x, Ws, bs, names)
    y = _targets(y, outs[-1])
    error = outs[-1] - y
    loss = np.mean(np.square(error))
    grad_out = 2.0 * error / error.size  # d mean((a - y)^2) / da
    delta = _through_activation(names[-1], zs[-1], grad_out)
    return (*_backward(zs, outs, Ws, names, delta), loss)


def _bce(x, Ws, bs, names, y):
    if names[-1] != "sigmoid":
        raise ValueError(f"binary cross-entropy needs a sigmoid output layer, got {names[-1]!r}")
    zs, outs = _forward(x, Ws, bs, names)
    y = _targets(y, outs[-1])
    z = zs[-1]
    loss = np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))))
    delta = (outs[-1] - y) / y.size  # sigmoid's g' cancels the 1/(a(1-a)) of the loss
    return (*_backward(zs, outs, Ws, names, delta), loss)


def mse_gradients(x, y, weights, biases, activations):
    """(dJ/dW list, dJ/db list, J) for J = MSE, the mean over samples and outputs (Keras's MSE).

    y is (N, out), or (N,) for one output unit.
    """
    return _mse(*_network(x, weights, biases, activations), y)


def bce_gradients(x, y, weights, biases, activations):
    """(dJ/dW list, dJ/db list, J) for J = binary cross-entropy of a sigmoid output layer.

    J is the mean over samples and outputs of -(y ln a + (1 - y) ln(1 - a)),
    UNCLIPPED: computed from the output pre-activation z as
    max(z, 0) - z y + ln(1 + e^-|z|), so it equals Keras's
    ``BinaryCrossentropy()`` only while every a lies in [1e-7, 1 - 1e-7]
    (Keras clips there, and its gradient vanishes outside). With a sigmoid
    output delta_L = (a - y) / (N * outputs).
    """
    return _bce(*_network(x, weights, biases, activations), y)


def _step(loss_and_grads, x, y, weights, biases, rate, activations):
    """W <- W - rate * dJ/dW for every layer; returns (new_weights, new_biases, J at the old weights)."""
    rate = _check_rate(rate)
    x, Ws, bs, names = _network(x, weights, biases, activations)
    grads_W, grads_b, loss = loss_and_grads(x, Ws, bs, names, y)
    new_W = [W - rate * g for W, g in zip(Ws, grads_W)]
    new_b = [b - rate * g for b, g in zip(bs, grads_b)]
    return new_W, new_b, loss


def mse_gradient_step(x, y, weights, biases, rate, activations):
    """One gradient-descent step on the MSE loss (see ``mse_gradients``).

    Returns ``(new_weights, new_biases, loss)`` where ``loss`` is the MSE at the
    OLD weights (the value Keras's ``train_on_batch`` reports); rate > 0.
    """
    return _step(_mse, x, y, weights, biases, rate, activations)


def bce_gradient_step(x, y, weights, biases, rate, activations):
    """One gradient-descent step on binary cross-entropy (sigmoid output; see ``bce_gradients``).

    Returns ``(new_weights, new_biases, loss)``, the loss at the OLD weights; rate > 0.
    """
    return _step(_bce, x, y, weights, biases, rate, activations)
