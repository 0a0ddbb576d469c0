"""The structural harness: the prescribed model passes, each classic mistake is named."""
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from autograder.bridge import LocalStudent  # noqa: E402
from autograder.checks.structure import Layer, ModelSpec, assert_structure, structure_differences  # noqa: E402

# The course's MNIST exercise: add a hidden Dense of 128 relu.
MNIST = ModelSpec(layers=[Layer("Flatten"), Layer("Dense", 128, "relu"), Layer("Dense", 10, "softmax")],
                  input_shape=(28, 28), parameters=(101_770, 101_770),
                  loss="sparse_categorical_crossentropy")


def _model(*layers, loss="sparse_categorical_crossentropy", shape=(28, 28)):
    model = keras.Sequential([keras.Input(shape), *layers])
    if loss:
        model.compile(optimizer="adam", loss=loss)
    return LocalStudent({"m": model}).model("m")


def _right():
    return [keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax")]


def test_the_prescribed_model_passes():
    assert_structure(_model(*_right()), MNIST)
    # Dropout anywhere, and an activation as its own layer, are the same model.
    assert_structure(_model(keras.layers.Flatten(), keras.layers.Dense(128), keras.layers.ReLU(),
                            keras.layers.Dropout(0.2), keras.layers.Dense(10),
                            keras.layers.Activation("softmax")), MNIST)


@pytest.mark.parametrize("layers, loss, message", [
    ([keras.layers.Flatten, lambda: keras.layers.Dense(10, activation="softmax")], None,
     "1 layer(s) missing at the end: expected Dense(10, softmax) after 2 layer(s)"),
    ([keras.layers.Flatten, lambda: keras.layers.Dense(64, activation="relu"),
      lambda: keras.layers.Dense(10, activation="softmax")], None,
     "layer 2: expected Dense(128, relu), found Dense(64, relu)"),
    ([keras.layers.Flatten, lambda: keras.layers.Dense(128, activation="sigmoid"),
      lambda: keras.layers.Dense(10, activation="softmax")], None,
     "layer 2: expected Dense(128, relu), found Dense(128, sigmoid)"),
    ([keras.layers.Flatten, lambda: keras.layers.Dense(128, activation="relu"),
      lambda: keras.layers.Dense(10, activation="sigmoid")], None,
     "the output activation sigmoid does not fit the loss sparse_categorical_crossentropy"),
    ([keras.layers.Flatten, lambda: keras.layers.Dense(128, activation="relu"),
      lambda: keras.layers.Dense(10, activation="softmax")], "mse",
     "loss: expected sparse_categorical_crossentropy, found mse"),
    ([keras.layers.Flatten, lambda: keras.layers.Dense(128, activation="relu"),
      lambda: keras.layers.Dense(128, activation="relu"),
      lambda: keras.layers.Dense(10, activation="softmax")], None,
     "more than the exercise asks for"),
])
def test_each_mistake_is_named(layers, loss, message):
    student = _model(*[make() for make in layers], loss=loss or "sparse_categorical_crossentropy")
    with pytest.raises(AssertionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        assert_structure(student, MNIST)


def test_input_shape_and_parameter_range():
    student = _model(*_right(), shape=(784,))
    differences = structure_differences(student.model, MNIST, student.loss)
    assert "input shape: expected (28, 28), found (784,)" in differences
    loose = ModelSpec(output=Layer("Dense", 10, "softmax"), parameters=(1, 1000))
    assert structure_differences(student.model, loose, student.loss) == [
        "parameters: expected between 1 and 1,000, found 101,770"]


def test_output_only_spec_for_open_exercises():
    spec = ModelSpec(output=Layer("Dense", 1, "sigmoid"), loss="binary_crossentropy")
    student = _model(keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                     keras.layers.Dense(1, activation="sigmoid"), loss="binary_crossentropy")
    assert structure_differences(student.model, spec, student.loss) == []
    wrong = _model(keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax"),
                   loss="binary_crossentropy")
    assert structure_differences(wrong.model, spec, wrong.loss) == [
        "output layer: expected 1 units, found 2", "output layer: expected activation sigmoid, found softmax",
        "the output activation softmax does not fit the loss binary_crossentropy (it needs sigmoid)"]
