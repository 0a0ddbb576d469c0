"""A notebook's public asserts are never stricter than its hidden checks: every equivalent
model the hidden checks accept passes the public test cell too (a student must not be led
to "fix" correct code), and a model the exercise rejects still fails it."""
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from pathlib import Path  # noqa: E402

from autograder import assignments, build  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
L = keras.layers
SPARSE = "sparse_categorical_crossentropy"


def public_cell(name: str, grade_id: str) -> str:
    nb = build.notebook(assignments.load(ROOT, name))
    return next(c.source for c in nb.cells if c.get("id") == grade_id)


def sequential(*layers, shape=(28, 28), loss=SPARSE, first=True):
    model = keras.Sequential(([keras.Input(shape)] if first else []) + list(layers))
    model.compile(optimizer="adam", loss=loss)
    return model


def functional(*layers, shape=(28, 28), loss=SPARSE):
    inputs = x = keras.Input(shape)
    for layer in layers:
        x = layer(x)
    model = keras.Model(inputs, x)
    model.compile(optimizer="adam", loss=loss)
    return model


def _hidden(*extra):
    return [L.Dense(128, activation="relu"), *extra]


MNIST_FORMS = {
    "the solution's form": lambda: sequential(L.Flatten(), *_hidden(), L.Dense(10, activation="softmax")),
    "functional": lambda: functional(L.Flatten(), *_hidden(), L.Dense(10, activation="softmax")),
    "activation layers": lambda: sequential(L.Flatten(), L.Dense(128), L.ReLU(), L.Dense(10),
                                            L.Activation("softmax")),
    "dropout": lambda: sequential(L.Flatten(), *_hidden(L.Dropout(0.2)), L.Dense(10, activation="softmax")),
    "reshape for flatten": lambda: sequential(L.Reshape((784,)), *_hidden(), L.Dense(10, activation="softmax")),
    "logits": lambda: sequential(L.Flatten(), *_hidden(), L.Dense(10),
                                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
    "input_shape=": lambda: sequential(L.Flatten(input_shape=(28, 28)), *_hidden(),
                                       L.Dense(10, activation="softmax"), first=False),
}


def run_public(source: str, build_model, **names):
    exec(compile(source, "<public asserts>", "exec"),
         {"keras": keras, "build_model": build_model, **names})


@pytest.mark.parametrize("form", MNIST_FORMS)
def test_mnist_public_asserts_accept_every_equivalent_model(form):
    run_public(public_cell("mnist-ann", "test_model"), MNIST_FORMS[form])


@pytest.mark.parametrize("form", ["the solution's form", "functional", "activation layers", "logits"])
def test_fashion_public_asserts_accept_every_equivalent_model(form):
    def second_hidden_layer():  # the form, with the exercise's second hidden layer
        model = MNIST_FORMS[form]()
        layers = [layer for layer in model.layers if not isinstance(layer, L.InputLayer)]
        at = next(i for i, layer in enumerate(layers) if isinstance(layer, L.Dense)) + 1
        return sequential(*[type(layer).from_config(layer.get_config()) for layer in layers[:at]],
                          L.Dense(64, activation="relu"),
                          *[type(layer).from_config(layer.get_config()) for layer in layers[at:]],
                          loss=model.loss)
    run_public(public_cell("fashion-ann", "test_model"), second_hidden_layer)


@pytest.mark.parametrize("builder", [
    lambda n: functional(L.Dense(64, activation="relu"), L.Dense(1), shape=(n,), loss="mse"),
    lambda n: sequential(L.Dense(64), L.ReLU(), L.Dropout(0.1), L.Dense(1), shape=(n,),
                         loss=keras.losses.MeanSquaredError()),
])
def test_hdb_public_asserts_accept_functional_models_and_loss_objects(builder):
    run_public(public_cell("hdb-regression", "test_model"), lambda: builder(57), N_FEATURES=57)


def test_the_public_asserts_still_reject_a_model_without_the_exercise():
    with pytest.raises(AssertionError, match="a hidden Dense layer"):
        run_public(public_cell("mnist-ann", "test_model"),
                   lambda: sequential(L.Flatten(), L.Dense(10, activation="softmax")))


@pytest.mark.parametrize("name, shape, written", [
    ("mnist-ann", (28, 28), "np.asarray(images, dtype='float32').reshape(-1, 28, 28) / 255"),
    ("fashion-ann", (28, 28), "np.asarray(images, dtype='float32').reshape(-1, 28, 28) / 255"),
    ("fashion-cnn", (28, 28), "np.asarray(images, dtype='float32').reshape(-1, 28, 28, 1) / 255"),
    ("fashion-cnn", (28, 28), "np.expand_dims(np.asarray(images) / 255.0, axis=-1)"),
    ("cifar-cnn", (32, 32, 3), "np.asarray(images, dtype='float32').reshape(-1, 32, 32, 3) / 255"),
])
def test_public_preprocess_asserts_accept_a_reshaping_answer(name, shape, written):
    """A preprocess that reshapes to the image size is right for every image the checks give."""
    import numpy as np

    namespace = {"np": np, "x_train": np.zeros((5, *shape), dtype=np.uint8)}
    exec(f"def preprocess(images):\n    return {written}\n", namespace)
    exec(compile(public_cell(name, "test_preprocess"), "<public asserts>", "exec"), namespace)


def test_a_big_failing_input_is_summarised_not_dumped():
    """A batch of 28x28 images as Hypothesis's smallest failing input: numpy's summary
    (a few values, '...'), not 784 numbers."""
    import numpy as np

    from autograder.bridge import LocalStudent
    from autograder.checks.runner import run_checks

    mnist = assignments.load(ROOT, "mnist-ann")
    namespace = mnist.solution_namespace()
    namespace["preprocess"] = lambda images: np.asarray(images, dtype="float32")  # not scaled
    outcomes = run_checks(mnist, LocalStudent(namespace), grade_id="test_preprocess")
    example = next(o.counterexample for o in outcomes if not o.passed and o.counterexample)
    assert "..." in example and len(example) < 1500, example
