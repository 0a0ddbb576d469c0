"""Every form of a correct model that a student writes passes the structural checks.

Each model is built in Keras, sent through LocalStudent as from a kernel (config and
weights cross, the grader rebuilds it) and judged against a spec; the mnist-ann and
fashion-ann cases run the assignments' own test_model checks from their declarations.
"""
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from autograder import assignments  # noqa: E402
from autograder.bridge import LocalStudent  # noqa: E402
from autograder.checks.structure import (ModelSpec, assert_structure, spec_from,  # noqa: E402
                                         structure_differences)
from autograder.checks.trained_models import image_classifier_checks  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`:UserWarning")
L = keras.layers
ROOT = Path(__file__).resolve().parents[2]
MNIST_ANN = assignments.load(ROOT, "mnist-ann")
MNIST = spec_from(MNIST_ANN.model)
SPARSE = "sparse_categorical_crossentropy"


def sequential(*layers, loss=SPARSE, shape=(28, 28)):
    model = keras.Sequential(([keras.Input(shape)] if shape else []) + list(layers))
    model.compile(optimizer="adam", loss=loss)
    return model


def functional(*layers, loss=SPARSE, shape=(28, 28)):
    inputs = keras.Input(shape)
    x = inputs
    for layer in layers:
        x = layer(x)
    model = keras.Model(inputs, x)
    model.compile(optimizer="adam", loss=loss)
    return model


def differences(model, spec):
    student = LocalStudent({"m": model}).model("m")
    return structure_differences(student.model, spec, student.loss, student.from_logits)


def relu_layers(sizes):
    return [L.Dense(n, activation="relu") for n in sizes]


# Each a correct answer to mnist-ann (sizes (128,): Flatten, Dense(128, relu), Dense(10,
# softmax)) and to fashion-ann (sizes (128, n): a second hidden relu layer of any size).
FORMS = {
    "activations as arguments": lambda sizes: sequential(
        L.Flatten(), *relu_layers(sizes), L.Dense(10, activation="softmax")),
    "activations as their own layers": lambda sizes: sequential(
        L.Flatten(), *[x for n in sizes for x in (L.Dense(n), L.Activation("relu"))],
        L.Dense(10), L.Activation("softmax")),
    "ReLU and Softmax layers": lambda sizes: sequential(
        L.Flatten(), *[x for n in sizes for x in (L.Dense(n), L.ReLU())], L.Dense(10), L.Softmax()),
    "tf.nn and keras.activations functions": lambda sizes: sequential(
        L.Flatten(), *[L.Dense(n, activation=tf.nn.relu) for n in sizes],
        L.Dense(10, activation=keras.activations.softmax)),
    "tf.nn.softmax": lambda sizes: sequential(
        L.Flatten(), *[L.Dense(n, activation=keras.activations.relu) for n in sizes],
        L.Dense(10, activation=tf.nn.softmax)),
    "input_shape on the first layer": lambda sizes: sequential(
        L.Flatten(input_shape=(28, 28)), *relu_layers(sizes), L.Dense(10, activation="softmax"),
        shape=None),
    "functional": lambda sizes: functional(
        L.Flatten(), *relu_layers(sizes), L.Dense(10, activation="softmax")),
    "Reshape to one axis": lambda sizes: sequential(
        L.Reshape((784,)), *relu_layers(sizes), L.Dense(10, activation="softmax")),
    "Reshape to -1": lambda sizes: functional(
        L.Reshape((-1,)), *relu_layers(sizes), L.Dense(10, activation="softmax")),
    "Dropout anywhere": lambda sizes: sequential(
        L.Dropout(0.1), L.Flatten(), *[x for n in sizes for x in (L.Dense(n, activation="relu"),
                                                                 L.Dropout(0.5))],
        L.Dense(10, activation="softmax"), L.Dropout(0.0)),
    "logits with from_logits=True": lambda sizes: sequential(
        L.Flatten(), *relu_layers(sizes), L.Dense(10),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
    "functional logits": lambda sizes: functional(
        L.Flatten(), *[x for n in sizes for x in (L.Dense(n), L.ReLU())], L.Dense(10),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
    "a loss object": lambda sizes: sequential(
        L.Flatten(), *relu_layers(sizes), L.Dense(10, activation="softmax"),
        loss=keras.losses.SparseCategoricalCrossentropy()),
    "a loss function": lambda sizes: sequential(
        L.Flatten(), *relu_layers(sizes), L.Dense(10, activation="softmax"),
        loss=keras.losses.sparse_categorical_crossentropy),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_the_mnist_model_has_no_difference(form):
    assert differences(FORMS[form]((128,)), MNIST) == []


@pytest.mark.parametrize("name, sizes", [("mnist-ann", (128,)), ("fashion-ann", (128, 64))])
@pytest.mark.parametrize("form", FORMS)
def test_the_assignments_model_checks_pass_every_form(name, sizes, form):
    """image_classifier_checks from the declaration: every test_model check passes."""
    checks = image_classifier_checks(assignments.load(ROOT, name))
    model = FORMS[form](sizes)
    student = LocalStudent({"build_model": lambda: model})
    names = [n for n in checks if n.startswith("test_model")]
    assert len(names) >= 3
    for check in names:
        checks[check](student)


def test_one_mistake_one_check():
    """A wrong loss fails only the loss check; a logits output only where it does not fit."""
    checks = image_classifier_checks(MNIST_ANN)
    right = sequential(L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax"),
                       loss="mse")
    student = LocalStudent({"build_model": lambda: right})
    checks["test_model_layers"](student)
    checks["test_model_parameters"](student)
    with pytest.raises(AssertionError, match="loss: expected sparse_categorical_crossentropy or "
                                             "categorical_crossentropy, found mse"):
        checks["test_model_output_fits_the_loss"](student)
    softmax_with_logits = sequential(
        L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax"),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    student = LocalStudent({"build_model": lambda: softmax_with_logits})
    checks["test_model_layers"](student)
    with pytest.raises(AssertionError, match=r"the output activation softmax does not fit the loss "
                                             r"sparse_categorical_crossentropy with from_logits=True "
                                             r"\(it needs linear\)"):
        checks["test_model_output_fits_the_loss"](student)
    plain_logits = sequential(L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10))
    student = LocalStudent({"build_model": lambda: plain_logits})
    with pytest.raises(AssertionError, match=r"the output activation linear does not fit the loss "
                                             r"sparse_categorical_crossentropy \(it needs softmax, "
                                             r"or linear with from_logits=True\)"):
        checks["test_model_output_fits_the_loss"](student)


# --------------------------------------------------------------------------- other outputs and layers

BINARY = spec_from({"input_shape": [4], "loss": "binary_crossentropy",
                    "output": {"units": 1, "activation": "sigmoid"}})


@pytest.mark.parametrize("make", [
    lambda: sequential(L.Dense(8, activation="relu"), L.Dense(1, activation="sigmoid"),
                       loss="binary_crossentropy", shape=(4,)),
    lambda: sequential(L.Dense(8, activation="relu"), L.Dense(1), L.Activation("sigmoid"),
                       loss=keras.losses.BinaryCrossentropy(), shape=(4,)),
    lambda: functional(L.Dense(8, activation="relu"), L.Dense(1),
                       loss=keras.losses.BinaryCrossentropy(from_logits=True), shape=(4,)),
], ids=["sigmoid", "sigmoid layer and loss object", "logit"])
def test_binary_outputs(make):
    assert differences(make(), BINARY) == []


def test_a_wrong_binary_output_is_named():
    softmax = sequential(L.Dense(2, activation="softmax"), loss="binary_crossentropy", shape=(4,))
    assert differences(softmax, BINARY) == [
        "output layer: expected 1 units, found 2", "output layer: expected activation sigmoid, found softmax",
        "the output activation softmax does not fit the loss binary_crossentropy (it needs sigmoid, "
        "or linear with from_logits=True)"]
    sigmoid_logits = sequential(L.Dense(1, activation="sigmoid"), shape=(4,),
                                loss=keras.losses.BinaryCrossentropy(from_logits=True))
    assert differences(sigmoid_logits, BINARY) == [
        "the output activation sigmoid does not fit the loss binary_crossentropy with "
        "from_logits=True (it needs linear)"]


@pytest.mark.parametrize("loss", [SPARSE, "categorical_crossentropy",
                                  keras.losses.CategoricalCrossentropy(),
                                  keras.losses.CategoricalCrossentropy(from_logits=True)])
def test_a_softmax_or_logits_output_with_either_cross_entropy(loss):
    spec = spec_from({"loss": [SPARSE, "categorical_crossentropy"],
                      "output": {"units": 10, "activation": "softmax"}})
    logits = getattr(loss, "get_config", lambda: {})().get("from_logits")
    model = sequential(L.Flatten(), L.Dense(10, activation=None if logits else "softmax"), loss=loss)
    assert differences(model, spec) == []


LEAKY = spec_from({"layers": [{"class": "Dense", "units": 8, "activation": "leaky_relu"},
                              {"class": "Dense", "units": 8}, {"class": "LeakyReLU", "negative_slope": 0.1},
                              {"class": "Dense", "units": 1}]})


@pytest.mark.parametrize("first, second", [
    (lambda: [L.Dense(8, activation="leaky_relu")], lambda: [L.Dense(8), L.LeakyReLU(0.1)]),
    (lambda: [L.Dense(8), L.LeakyReLU()], lambda: [L.Dense(8), L.LeakyReLU(negative_slope=0.1)]),
    (lambda: [L.Dense(8), L.Activation("leaky_relu")], lambda: [L.Dense(8), L.ReLU(negative_slope=0.1)]),
])
def test_leaky_relu_as_an_argument_or_a_layer(first, second):
    model = sequential(*first(), *second(), L.Dense(1), loss="mse", shape=(4,))
    assert differences(model, LEAKY) == []
    wrong = sequential(*first(), L.Dense(8), L.LeakyReLU(0.3), L.Dense(1), loss="mse", shape=(4,))
    assert differences(wrong, LEAKY) == [
        "layer 2: expected Dense(8, negative_slope=0.1, leaky_relu), "
        "found Dense(8, negative_slope=0.3, leaky_relu)"]


def test_a_cnn_in_every_written_form():
    spec = spec_from({"input_shape": [12, 12, 1], "layers": [
        {"class": "Conv2D", "filters": 8, "kernel_size": 3, "strides": 1, "padding": "valid",
         "activation": "relu"},
        {"class": "MaxPooling2D", "pool_size": 2, "strides": 2, "padding": "valid"},
        {"class": "Flatten"}, {"class": "Dense", "units": 10, "activation": "softmax"}]})
    forms = [
        sequential(L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                   L.Dense(10, activation="softmax"), shape=(12, 12, 1)),
        functional(L.Conv2D(8, (3, 3), strides=(1, 1)), L.ReLU(), L.MaxPooling2D((2, 2), strides=None),
                   L.Dropout(0.25), L.Reshape((-1,)), L.Dense(10), shape=(12, 12, 1),
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
        sequential(L.Conv2D(8, 3, input_shape=(12, 12, 1)), L.Activation(tf.nn.relu),
                   L.MaxPooling2D(pool_size=2, strides=2), L.Flatten(), L.Dense(10), L.Softmax(),
                   shape=None),
    ]
    for model in forms:
        assert differences(model, spec) == []


def test_assert_structure_passes_the_logits_flag_to_the_layers_check():
    student = LocalStudent({"m": FORMS["logits with from_logits=True"]((128,))}).model("m")
    assert student.from_logits
    assert_structure(student, ModelSpec(layers=MNIST.layers), "build_model()")
    plain = LocalStudent({"m": sequential(L.Flatten(), L.Dense(128, activation="relu"),
                                          L.Dense(10))}).model("m")
    with pytest.raises(AssertionError,
                       match=r"layer 3: expected Dense\(10, softmax\), found Dense\(10, linear\)"):
        assert_structure(plain, ModelSpec(layers=MNIST.layers), "build_model()")


def test_a_required_activation_counts_in_every_form():
    spec = spec_from({"requires": [{"class": "ReLU", "at_least": 3},
                                   {"class": "Conv2D", "kernel_size": 3, "at_least": 2}]})
    model = sequential(L.Conv2D(4, 3, activation="relu"), L.Conv2D(4, (3, 3)), L.ReLU(),
                       L.Flatten(), L.Dense(4), L.Activation("relu"), L.Dense(1), loss="mse",
                       shape=(8, 8, 1))
    assert differences(model, spec) == []
    fewer = sequential(L.Conv2D(4, 3, activation="relu"), L.Conv2D(4, 5), L.Flatten(),
                       L.Dense(1), loss="mse", shape=(8, 8, 1))
    assert differences(fewer, spec) == [
        "the model has 1 ReLU layer; the exercise asks for at least 3",
        "the model has 1 Conv2D(kernel_size=(3, 3)) layer; the exercise asks for at least 2 "
        "(found Conv2D(4, kernel_size=(5, 5), linear))"]  # what was written instead
