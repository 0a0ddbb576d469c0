"""Reference solution of the `ann-basics` assignment, written as a student would.

Numpy only: activations and their derivatives, one neuron, softmax, the losses
and metrics of the course, and one gradient-descent step of a small MLP. The
trusted versions the grader compares against are reference/activations.py,
reference/losses.py, reference/metrics.py and reference/mlp.py. Each function
below is copied verbatim into a solution cell of source/ann-basics/ann-basics.ipynb
by `dlgrade build`; the docstrings are the task statements the
students read.
"""
import numpy as np


def sigmoid(z):
    """The sigmoid 1 / (1 + e^(-z)), elementwise.

    z: a number or an array. Returns floats of z's shape, e.g. sigmoid(0) == 0.5.
    Large |z| must not give NaN: sigmoid(-1000) is 0 and sigmoid(1000) is 1.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # e^(-|z|) is at most 1: it never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    ### END SOLUTION


def sigmoid_derivative(z):
    """The derivative of the sigmoid at z: g(1 - g) with g = sigmoid(z).

    z is the input of the sigmoid (not its output). sigmoid_derivative(0) == 0.25.
    """
    ### BEGIN SOLUTION
    g = sigmoid(z)
    return g * (1 - g)
    ### END SOLUTION


def tanh(z):
    """The hyperbolic tangent (e^z - e^(-z)) / (e^z + e^(-z)), elementwise.

    Returns floats of z's shape in (-1, 1); tanh(1000) is 1, not NaN.
    (np.tanh is allowed.)
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-2 * np.abs(z))  # multiply the formula by e^(-|z|) / e^(-|z|): no overflow
    return np.sign(z) * (1 - e) / (1 + e)
    ### END SOLUTION


def tanh_derivative(z):
    """The derivative of tanh at z: 1 - g^2 with g = tanh(z). tanh_derivative(0) == 1."""
    ### BEGIN SOLUTION
    g = tanh(z)
    return 1 - g ** 2
    ### END SOLUTION


def relu(z):
    """ReLU: max(z, 0) elementwise (z where z > 0, else 0). Returns z's shape."""
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(z, dtype=float), 0)
    ### END SOLUTION


def relu_derivative(z):
    """The slope of ReLU at z: 1.0 where z > 0, else 0.0 (0.0 at z == 0, as TensorFlow).

    Return floats, not booleans.
    """
    ### BEGIN SOLUTION
    return (np.asarray(z) > 0).astype(float)
    ### END SOLUTION


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z where z > 0, else alpha * z, elementwise. alpha defaults to 0.01."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)
    ### END SOLUTION


def leaky_relu_derivative(z, alpha=0.01):
    """The slope of leaky ReLU at z: 1.0 where z > 0, else alpha (alpha at z == 0)."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha)
    ### END SOLUTION


def neuron(x, w, b, activation="sigmoid"):
    """One neuron: the weighted sum of its inputs plus the bias, through the activation.

    x: the inputs, shape (n,) for one example or (N, n) for a batch of N;
    w: the weights, shape (n,); b: the bias, a number;
    activation: "sigmoid", "tanh", "relu" or "leaky_relu" (use your functions above).
    Returns g(x . w + b): a number for one example, shape (N,) for a batch.
    """
    ### BEGIN SOLUTION
    functions = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu}
    z = np.dot(np.asarray(x, dtype=float), np.asarray(w, dtype=float)) + b
    return functions[activation](z)
    ### END SOLUTION


def softmax(z):
    """Softmax over the last axis: e^(z_i) / sum_j e^(z_j).

    z: a vector (C,) of scores, or a batch (N, C), one row per example.
    Each row of the result is positive and sums to 1. Subtract each row's maximum
    before np.exp, so that scores like 1000 do not overflow.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
    ### END SOLUTION


def binary_crossentropy(y_true, y_pred):
    """Binary cross-entropy (log loss), as Keras computes it.

    y_true: 0/1 labels; y_pred: predicted probabilities of the label 1, same shape.
    Clip y_pred to [1e-7, 1 - 1e-7] first (Keras's epsilon: log(0) is -inf), then
    return the mean over all values of -(y ln p + (1 - y) ln(1 - p)), a number.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    ### END SOLUTION


def categorical_crossentropy(y_true, y_pred):
    """Categorical cross-entropy, as Keras computes it.

    y_true: one-hot labels (N, C); y_pred: predicted probabilities (N, C), each row
    summing to 1. Clip y_pred to [1e-7, 1 - 1e-7], take -sum_c y_c ln p_c over the
    classes of each example, and return the mean over the N examples, a number.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    return np.mean(-np.sum(y * np.log(p), axis=-1))
    ### END SOLUTION


def mse(y_true, y_pred):
    """Mean squared error: the mean over all values of (y_true - y_pred)^2, a number."""
    ### BEGIN SOLUTION
    error = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(error ** 2)
    ### END SOLUTION


def mae(y_true, y_pred):
    """Mean absolute error: the mean over all values of |y_true - y_pred|, a number."""
    ### BEGIN SOLUTION
    error = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.abs(error))
    ### END SOLUTION


def accuracy(y_true, y_pred):
    """The fraction of examples whose predicted class is the true class (0.0 to 1.0).

    Each argument is either class labels, shape (N,), or one row per example,
    shape (N, C): one-hot labels or predicted probabilities, whose class is the
    argmax of the row.
    """
    ### BEGIN SOLUTION
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    if y_pred.ndim == 2:
        y_pred = np.argmax(y_pred, axis=1)
    return np.mean(y_true == y_pred)
    ### END SOLUTION


def confusion_matrix(y_true, y_pred, num_classes=None):
    """The confusion matrix M: M[i, j] counts the examples of true class i predicted as j.

    y_true, y_pred: class labels 0, 1, ..., shape (N,). Rows are the TRUE classes,
    columns the PREDICTED ones. num_classes defaults to the largest label in
    y_true or y_pred, plus 1. Returns an int array (num_classes, num_classes).
    """
    ### BEGIN SOLUTION
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if num_classes is None:
        num_classes = max(y_true.max(), y_pred.max()) + 1
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    for true, predicted in zip(y_true, y_pred):
        matrix[true, predicted] += 1
    return matrix
    ### END SOLUTION


def gradient_step(x, y, weights, biases, rate, activation="sigmoid"):
    """One step of gradient descent on the MSE of a small fully connected network.

    x: inputs (N, n_in); y: targets (N, n_out); weights: a list [W1, ..., WL] with
    Wl of shape (n_{l-1}, n_l); biases: a list [b1, ..., bL] with bl of shape (n_l,);
    rate: the learning rate; activation: the activation of EVERY layer, "sigmoid",
    "tanh", "relu" or "leaky_relu".
    Forward: a0 = x, zl = a_{l-1} Wl + bl, al = g(zl). Loss: J = mse(y, aL), the
    mean over all N * n_out values.
    Backward: deltaL = dJ/daL * g'(zL) with dJ/daL = 2 (aL - y) / (N * n_out);
    delta_{l-1} = (deltal Wl^T) * g'(z_{l-1}); dJ/dWl = a_{l-1}^T deltal and
    dJ/dbl = deltal summed over the examples.
    Update every layer: W <- W - rate * dJ/dW, b <- b - rate * dJ/db.
    Returns (new_weights, new_biases, loss): two lists of new arrays, and J
    computed BEFORE the update. Use your activations, derivatives and mse.
    """
    ### BEGIN SOLUTION
    functions = {"sigmoid": (sigmoid, sigmoid_derivative), "tanh": (tanh, tanh_derivative),
                 "relu": (relu, relu_derivative), "leaky_relu": (leaky_relu, leaky_relu_derivative)}
    g, g_prime = functions[activation]
    weights = [np.asarray(W, dtype=float) for W in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    y = np.asarray(y, dtype=float)
    # forward pass, keeping every z and a for the backward pass
    zs, outputs = [], [np.asarray(x, dtype=float)]
    for W, b in zip(weights, biases):
        zs.append(outputs[-1] @ W + b)
        outputs.append(g(zs[-1]))
    loss = mse(y, outputs[-1])
    # backward pass, from the last layer to the first
    delta = 2 * (outputs[-1] - y) / y.size * g_prime(zs[-1])
    new_weights, new_biases = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grad_W = outputs[i].T @ delta
        grad_b = delta.sum(axis=0)
        if i > 0:  # backpropagate with the OLD weights of layer i
            delta = (delta @ weights[i].T) * g_prime(zs[i - 1])
        new_weights[i] = weights[i] - rate * grad_W
        new_biases[i] = biases[i] - rate * grad_b
    return new_weights, new_biases, loss
    ### END SOLUTION
