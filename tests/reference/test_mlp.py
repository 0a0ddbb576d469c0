"""reference.mlp: forward pass against Keras Dense layers, one gradient step against GradientTape."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import mlp

SEEDS = st.integers(0, 2**32 - 1)
ARCHITECTURES = [(2, 3, 1), (3, 4, 2)]
TF_ACTIVATIONS = {
    "sigmoid": tf.math.sigmoid,
    "tanh": tf.math.tanh,
    "relu": tf.nn.relu,
    # tf.nn.leaky_relu rounds alpha to float32 (0.0099999998): write the float64 slope out
    "leaky_relu": lambda z: tf.where(z > 0, z, 0.01 * z),
    "linear": tf.identity,
    "softmax": tf.nn.softmax,
}


def network(sizes, seed, n=5, scale=1.0):
    """Random float64 x (n, in), weights [(in, h), (h, out)], biases, and targets in (0, 1)."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=scale, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(scale=scale, size=b) for b in sizes[1:]]
    x = rng.normal(size=(n, sizes[0]))
    y = rng.uniform(0.05, 0.95, size=(n, sizes[-1]))
    return x, y, weights, biases


def tf_step(x, y, weights, biases, rate, activations, loss):
    """One manual gradient-descent step with tf.Variables and GradientTape; returns (W, b, loss)."""
    Ws = [tf.Variable(W) for W in weights]
    bs = [tf.Variable(b) for b in biases]
    with tf.GradientTape() as tape:
        a = tf.constant(x)
        for W, b, name in zip(Ws, bs, activations):
            a = TF_ACTIVATIONS[name](a @ W + b)
        value = loss(tf.constant(y), a)
    grads = tape.gradient(value, Ws + bs)
    for var, grad in zip(Ws + bs, grads):
        var.assign_sub(rate * grad)
    return [W.numpy() for W in Ws], [b.numpy() for b in bs], float(value)


def keras_model(weights, biases, activations):
    """A float64 Keras Sequential of Dense layers carrying these weights."""
    layers = [keras.Input((weights[0].shape[0],), dtype="float64")]
    for W, name in zip(weights, activations):
        layers.append(keras.layers.Dense(W.shape[1], activation=name, dtype="float64"))
    model = keras.Sequential(layers)
    for layer, W, b in zip(model.layers, weights, biases):
        layer.set_weights([W, b])
    return model


def assert_same_arrays(ours, theirs, atol=1e-10):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


# Forward pass

def test_dense_forward_by_hand():
    x = np.array([[1.0, 2.0]])
    W = np.array([[0.5, -1.0, 0.0], [0.25, 1.0, 0.0]])
    b = np.array([0.0, 0.5, -1.0])
    np.testing.assert_allclose(mlp.dense_forward(x, W, b, "linear"), [[1.0, 1.5, -1.0]])
    np.testing.assert_allclose(mlp.dense_forward(x, W, b), 1 / (1 + np.exp(-np.array([[1.0, 1.5, -1.0]]))))


@pytest.mark.parametrize(
    "sizes, hidden, output",
    [((2, 3, 1), "sigmoid", "sigmoid"), ((3, 4, 2), "sigmoid", "sigmoid"), ((2, 3, 1), "relu", "linear"),
     ((3, 4, 2), "tanh", "softmax")],  # softmax only over more than one output
)
def test_forward_pass_matches_keras_dense_layers(sizes, hidden, output):
    x, _, weights, biases = network(sizes, seed=1)
    names = [hidden, output]
    outs = mlp.mlp_forward(x, weights, biases, names)
    assert [a.shape for a in outs] == [(5, sizes[0]), (5, sizes[1]), (5, sizes[2])]
    np.testing.assert_array_equal(outs[0], x)
    model = keras_model(weights, biases, names)
    hidden_model = keras.Model(model.inputs[0], model.layers[0].output)
    np.testing.assert_allclose(outs[1], hidden_model(x).numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(outs[2], model(x).numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(mlp.dense_forward(outs[1], weights[1], biases[1], output), outs[2], atol=1e-15)


def test_one_activation_name_applies_to_every_layer():
    x, _, weights, biases = network((2, 3, 1), seed=2)
    one_name = mlp.mlp_forward(x, weights, biases, "tanh")
    assert_same_arrays(one_name, mlp.mlp_forward(x, weights, biases, ["tanh", "tanh"]), 0)


# One gradient-descent step

@pytest.mark.parametrize("sizes", ARCHITECTURES)
@settings(max_examples=15)
@given(seed=SEEDS, rate=st.floats(0.01, 2.0))
def test_sigmoid_mse_step_matches_gradient_tape(sizes, seed, rate):
    x, y, weights, biases = network(sizes, seed)
    mse = keras.losses.MeanSquaredError(dtype="float64")
    W_tf, b_tf, loss_tf = tf_step(x, y, weights, biases, rate, ["sigmoid", "sigmoid"], mse)
    W_ours, b_ours, loss_ours = mlp.mse_gradient_step(x, y, weights, biases, rate, ["sigmoid", "sigmoid"])
    assert_same_arrays(W_ours, W_tf)
    assert_same_arrays(b_ours, b_tf)
    assert loss_ours == pytest.approx(loss_tf, rel=1e-12)


@pytest.mark.parametrize(
    "sizes, names",
    [(sizes, names) for sizes in ARCHITECTURES
     for names in [("tanh", "linear"), ("relu", "sigmoid"), ("leaky_relu", "tanh"), ("linear", "relu")]]
    + [((3, 4, 2), ("sigmoid", "softmax"))],  # softmax only over more than one output
)
def test_mse_step_with_other_activations_matches_gradient_tape(sizes, names):
    x, y, weights, biases = network(sizes, seed=3)
    mse = keras.losses.MeanSquaredError(dtype="float64")
    W_tf, b_tf, loss_tf = tf_step(x, y, weights, biases, 0.5, names, mse)
    W_ours, b_ours, loss_ours = mlp.mse_gradient_step(x, y, weights, biases, 0.5, names)
    assert_same_arrays(W_ours, W_tf)
    assert_same_arrays(b_ours, b_tf)
    assert loss_ours == pytest.approx(loss_tf, rel=1e-12)


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@settings(max_examples=15)
@given(seed=SEEDS, binary=st.booleans())
def test_bce_step_matches_gradient_tape_away_from_the_clip(sizes, seed, binary):
    x, y, weights, biases = network(sizes, seed, scale=0.5)  # outputs stay far inside [1e-7, 1 - 1e-7]
    if binary:
        y = np.round(y)
    bce = keras.losses.BinaryCrossentropy(dtype="float64")
    W_tf, b_tf, loss_tf = tf_step(x, y, weights, biases, 0.3, ["tanh", "sigmoid"], bce)
    W_ours, b_ours, loss_ours = mlp.bce_gradient_step(x, y, weights, biases, 0.3, ["tanh", "sigmoid"])
    assert_same_arrays(W_ours, W_tf)
    assert_same_arrays(b_ours, b_tf)
    assert loss_ours == pytest.approx(loss_tf, rel=1e-12)


def test_mse_step_equals_keras_sgd_train_on_batch():
    x, y, weights, biases = network((3, 4, 2), seed=4, n=6)
    model = keras_model(weights, biases, ["sigmoid", "sigmoid"])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.5),
        loss=keras.losses.MeanSquaredError(dtype="float64"),
        run_eagerly=True,
    )
    keras_loss = model.train_on_batch(x, y)
    W_ours, b_ours, loss_ours = mlp.mse_gradient_step(x, y, weights, biases, 0.5, ["sigmoid", "sigmoid"])
    assert_same_arrays(W_ours, [layer.kernel.numpy() for layer in model.layers])
    assert_same_arrays(b_ours, [layer.bias.numpy() for layer in model.layers])
    assert loss_ours == pytest.approx(keras_loss, rel=1e-6)  # Keras reports the loss through a float32 tracker


@pytest.mark.parametrize("sizes", ARCHITECTURES)
@settings(max_examples=20)
@given(seed=SEEDS)
def test_a_small_step_lowers_the_loss(sizes, seed):
    x, y, weights, biases = network(sizes, seed)
    names = ["sigmoid", "sigmoid"]
    W1, b1, before = mlp.mse_gradient_step(x, y, weights, biases, 0.05, names)
    after = mlp.mse_gradients(x, y, W1, b1, names)[2]
    assert after < before
    W2, b2, before = mlp.bce_gradient_step(x, y, weights, biases, 0.05, names)
    assert mlp.bce_gradients(x, y, W2, b2, names)[2] < before


def test_gradients_match_finite_differences():
    x, y, weights, biases = network((2, 3, 1), seed=5)
    grads_W, _, loss = mlp.mse_gradients(x, y, weights, biases, "sigmoid")
    h = 1e-6
    bumped = [W.copy() for W in weights]
    bumped[0][1, 2] += h
    numeric = (mlp.mse_gradients(x, y, bumped, biases, "sigmoid")[2] - loss) / h
    assert grads_W[0][1, 2] == pytest.approx(numeric, rel=1e-4)


def test_single_output_targets_may_be_one_dimensional():
    x, y, weights, biases = network((2, 3, 1), seed=6)
    flat = mlp.mse_gradient_step(x, y[:, 0], weights, biases, 0.1, "sigmoid")
    column = mlp.mse_gradient_step(x, y, weights, biases, 0.1, "sigmoid")
    assert_same_arrays(flat[0] + flat[1], column[0] + column[1], 0)


def test_inputs_are_never_modified_and_results_are_new_arrays():
    x, y, weights, biases = network((3, 4, 2), seed=7)
    saved = [a.copy() for a in [x, y, *weights, *biases]]
    new_W, new_b, _ = mlp.mse_gradient_step(x, y, weights, biases, 0.1, "sigmoid")
    mlp.bce_gradient_step(x, y, weights, biases, 0.1, "sigmoid")
    outs = mlp.mlp_forward(x, weights, biases, "sigmoid")
    outs[0][0, 0] = 99.0
    assert_same_arrays([x, y, *weights, *biases], saved, 0)
    assert all(new is not old for new, old in zip(new_W + new_b, weights + biases))


# Bad input

def test_layer_shape_mismatches_are_named():
    x, y, weights, biases = network((3, 4, 2), seed=8)
    with pytest.raises(ValueError, match=r"W must have 3 rows to match its input \(N, 3\), got shape \(2, 4\)"):
        mlp.dense_forward(x, np.zeros((2, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        mlp.dense_forward(x, weights[0], np.zeros(3))
    with pytest.raises(ValueError, match="W must be 2-D"):
        mlp.dense_forward(x, np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"x must be 2-D \(N, in\)"):
        mlp.dense_forward(x[0], weights[0], biases[0])
    with pytest.raises(ValueError, match=r"W2 must have 4 rows"):
        mlp.mlp_forward(x, [weights[0], weights[0]], biases, "sigmoid")
    with pytest.raises(ValueError, match=r"b2 must have shape \(2,\)"):
        mlp.mlp_forward(x, weights, [biases[0], biases[0]], "sigmoid")


def test_network_description_mismatches():
    x, y, weights, biases = network((3, 4, 2), seed=9)
    with pytest.raises(ValueError, match="got 2 weight matrices but 1 bias vectors"):
        mlp.mlp_forward(x, weights, biases[:1], "sigmoid")
    with pytest.raises(ValueError, match="got 2 layers but 3 activation names"):
        mlp.mlp_forward(x, weights, biases, ["sigmoid"] * 3)
    with pytest.raises(ValueError, match="at least one layer"):
        mlp.mlp_forward(x, [], [], "sigmoid")
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        mlp.mlp_forward(x, weights, biases, ["swish", "sigmoid"])
    with pytest.raises(ValueError, match="unknown activation 'elu'"):
        mlp.dense_forward(x, weights[0], biases[0], "elu")


def test_training_arguments_are_checked():
    x, y, weights, biases = network((3, 4, 2), seed=10)
    with pytest.raises(ValueError, match=r"y must have the output's shape \(5, 2\), got \(5, 3\)"):
        mlp.mse_gradient_step(x, np.zeros((5, 3)), weights, biases, 0.1, "sigmoid")
    with pytest.raises(ValueError, match=r"y must have the output's shape \(5, 2\), got \(5,\)"):
        mlp.mse_gradient_step(x, np.zeros(5), weights, biases, 0.1, "sigmoid")
    for rate in (0, -0.1, float("inf"), "0.1"):
        with pytest.raises(ValueError, match="rate must be a finite number > 0"):
            mlp.mse_gradient_step(x, y, weights, biases, rate, "sigmoid")
    with pytest.raises(ValueError, match="needs a sigmoid output layer, got 'linear'"):
        mlp.bce_gradient_step(x, y, weights, biases, 0.1, ["sigmoid", "linear"])
