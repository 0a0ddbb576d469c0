"""The structural harness: the prescribed model passes, each classic mistake is named."""
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from autograder.bridge import LocalStudent  # noqa: E402
from autograder.checks.structure import (Layer, ModelSpec, assert_structure, spec_from,  # noqa: E402
                                         structure_differences)

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
        "the output activation softmax does not fit the loss binary_crossentropy (it needs sigmoid, "
        "or linear with from_logits=True)"]


# --------------------------------------------------------------------------- every layer the course uses

L = keras.layers


def _differences(spec, *layers, shape, loss=None, functional=False):
    if functional:
        inputs = keras.Input(shape)
        x = inputs
        for layer in layers:
            x = layer(x)
        model = keras.Model(inputs, x)
    else:
        model = keras.Sequential([keras.Input(shape), *layers])
    if loss:
        model.compile(optimizer="adam", loss=loss)
    student = LocalStudent({"m": model}).model("m")
    return structure_differences(student.model, spec, student.loss if spec.loss else None,
                                 student.from_logits, what="build_model()")


def _spec(*entries, **declared):
    return spec_from({"layers": list(entries), **declared})


# (spec entry, input shape, the layer a correct student writes, a wrong one, the message)
LAYER_CASES = [
    ({"class": "Dense", "units": 8, "activation": "tanh"}, (4,),
     lambda: L.Dense(8, activation="tanh"), lambda: L.Dense(8, activation="relu"),
     "layer 1: expected Dense(8, tanh), found Dense(8, relu)"),
    ({"class": "Conv1D", "filters": 4, "kernel_size": 3, "strides": 1, "padding": "valid"}, (10, 2),
     lambda: L.Conv1D(4, (3,)), lambda: L.Conv1D(4, 3, strides=2),
     "layer 1: expected Conv1D(4, kernel_size=(3,), strides=(1,), padding=\"valid\"), "
     "found Conv1D(4, kernel_size=(3,), strides=(2,), padding=\"valid\", linear)"),
    ({"class": "Conv2D", "filters": 32, "kernel_size": 3, "strides": 1, "padding": "valid",
      "activation": "relu"}, (12, 12, 1),
     lambda: L.Conv2D(32, (3, 3), activation="relu"), lambda: L.Conv2D(32, 5, activation="relu"),
     "layer 1: expected Conv2D(32, kernel_size=(3, 3), strides=(1, 1), padding=\"valid\", relu), "
     "found Conv2D(32, kernel_size=(5, 5), strides=(1, 1), padding=\"valid\", relu)"),
    ({"class": "Conv2D", "filters": 8, "kernel_size": [3, 3], "padding": "same"}, (12, 12, 1),
     lambda: L.Conv2D(8, 3, padding="same"), lambda: L.Conv2D(8, 3),
     "layer 1: expected Conv2D(8, kernel_size=(3, 3), padding=\"same\"), "
     "found Conv2D(8, kernel_size=(3, 3), padding=\"valid\", linear)"),
    ({"class": "MaxPooling1D", "pool_size": 2}, (10, 2),
     lambda: L.MaxPooling1D(), lambda: L.MaxPooling1D(3),
     "layer 1: expected MaxPooling1D(pool_size=(2,)), found MaxPooling1D(pool_size=(3,))"),
    ({"class": "MaxPooling2D", "pool_size": 2, "strides": 2}, (12, 12, 1),
     lambda: L.MaxPooling2D(pool_size=(2, 2), strides=None), lambda: L.MaxPooling2D(2, strides=1),
     "layer 1: expected MaxPooling2D(pool_size=(2, 2), strides=(2, 2)), "
     "found MaxPooling2D(pool_size=(2, 2), strides=(1, 1))"),
    ({"class": "AveragePooling1D", "pool_size": 2, "padding": "valid"}, (10, 2),
     lambda: L.AveragePooling1D(2), lambda: L.AveragePooling1D(2, padding="same"),
     "layer 1: expected AveragePooling1D(pool_size=(2,), padding=\"valid\"), "
     "found AveragePooling1D(pool_size=(2,), padding=\"same\")"),
    ({"class": "AveragePooling2D", "pool_size": 2}, (12, 12, 1),
     lambda: L.AveragePooling2D(2), lambda: L.MaxPooling2D(2),
     "layer 1: expected AveragePooling2D(pool_size=(2, 2)), found MaxPooling2D(pool_size=(2, 2))"),
    ({"class": "GlobalAveragePooling2D"}, (6, 6, 3),
     lambda: L.GlobalAveragePooling2D(), lambda: L.GlobalMaxPooling2D(),
     "layer 1: expected GlobalAveragePooling2D(), found GlobalMaxPooling2D()"),
    ({"class": "GlobalMaxPooling2D"}, (6, 6, 3),
     lambda: L.GlobalMaxPooling2D(), lambda: L.Flatten(),
     "layer 1: expected GlobalMaxPooling2D(), found Flatten()"),
    ({"class": "Dropout", "rate": 0.5}, (4,),
     lambda: L.Dropout(0.5), lambda: L.Dropout(0.2),
     "layer 1: expected Dropout(0.5), found Dropout(0.2)"),
    ({"class": "BatchNormalization"}, (4,),
     lambda: L.BatchNormalization(), lambda: L.LayerNormalization(),
     "layer 1: expected BatchNormalization(), found LayerNormalization()"),
    ({"class": "Flatten"}, (3, 3),
     lambda: L.Flatten(), lambda: L.Reshape((9, 1)),
     "layer 1: expected Flatten(), found Reshape(target_shape=(9, 1))"),
    ({"class": "Reshape", "target_shape": [3, 3, 1]}, (9,),
     lambda: L.Reshape((3, 3, 1)), lambda: L.Reshape((9, 1, 1)),
     "layer 1: expected Reshape(target_shape=(3, 3, 1)), found Reshape(target_shape=(9, 1, 1))"),
    ({"class": "Embedding", "input_dim": 100, "output_dim": 8}, (5,),
     lambda: L.Embedding(100, 8), lambda: L.Embedding(100, 16),
     "layer 1: expected Embedding(input_dim=100, output_dim=8), "
     "found Embedding(input_dim=100, output_dim=16)"),
    ({"class": "SimpleRNN", "units": 4}, (5, 2),
     lambda: L.SimpleRNN(4), lambda: L.SimpleRNN(6),
     "layer 1: expected SimpleRNN(4), found SimpleRNN(6)"),
    ({"class": "LSTM", "units": 4, "return_sequences": True}, (5, 2),
     lambda: L.LSTM(4, return_sequences=True), lambda: L.LSTM(4),
     "layer 1: expected LSTM(4, return_sequences=True), found LSTM(4, return_sequences=False)"),
    ({"class": "GRU", "units": 4}, (5, 2),
     lambda: L.GRU(4), lambda: L.LSTM(4),
     "layer 1: expected GRU(4), found LSTM(4)"),
    ({"class": "Conv2DTranspose", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
     (6, 6, 2),
     lambda: L.Conv2DTranspose(4, 3, strides=(2, 2), padding="same"),
     lambda: L.Conv2DTranspose(4, 3, strides=2),
     "layer 1: expected Conv2DTranspose(4, kernel_size=(3, 3), strides=(2, 2), padding=\"same\"), "
     "found Conv2DTranspose(4, kernel_size=(3, 3), strides=(2, 2), padding=\"valid\", linear)"),
    ({"class": "LeakyReLU", "negative_slope": 0.1}, (4,),
     lambda: L.LeakyReLU(0.1), lambda: L.LeakyReLU(),
     "layer 1: expected LeakyReLU(negative_slope=0.1), found LeakyReLU(negative_slope=0.3)"),
    ({"class": "LeakyReLU", "alpha": 0.3}, (4,),  # Keras 2's name for it
     lambda: L.LeakyReLU(), lambda: L.ReLU(),
     "layer 1: expected LeakyReLU(negative_slope=0.3), found ReLU(negative_slope=0)"),
    ({"class": "Rescaling", "scale": 0.00392156862745098}, (4,),
     lambda: L.Rescaling(1 / 255), lambda: L.Rescaling(1 / 256),
     "layer 1: expected Rescaling(scale=0.00392157), found Rescaling(scale=0.00390625)"),
]


@pytest.mark.parametrize("entry, shape, right, wrong, message", LAYER_CASES,
                         ids=[f"{i}-{case[0]['class']}" for i, case in enumerate(LAYER_CASES)])
def test_each_layer_class_is_compared_in_keras_terms(entry, shape, right, wrong, message):
    spec = _spec(entry)
    assert _differences(spec, right(), shape=shape) == []
    assert _differences(spec, right(), shape=shape, functional=True) == []
    assert _differences(spec, wrong(), shape=shape) == [message]


def test_a_spec_entry_leaves_free_what_it_does_not_name():
    spec = _spec({"class": "Conv2D", "activation": "relu"}, {"class": "MaxPooling2D"},
                 {"class": "Dense"})
    for filters, size in ((8, 3), (16, 5)):
        assert _differences(spec, L.Conv2D(filters, size, activation="relu"), L.MaxPooling2D(size),
                            L.Dense(filters), shape=(12, 12, 1)) == []
    assert _differences(spec, L.Conv2D(8, 3), L.MaxPooling2D(), L.Dense(3), shape=(12, 12, 1)) == [
        "layer 1: expected Conv2D(relu), found Conv2D(8, kernel_size=(3, 3), linear)"]


def _frozen_base(frozen=True):
    base = keras.Sequential([keras.Input((8, 8, 3)), L.Conv2D(4, 3), L.BatchNormalization(),
                             L.GlobalAveragePooling2D()], name="base")
    base.trainable = not frozen
    return base


def test_a_frozen_pretrained_base():
    spec = _spec({"class": "Model", "trainable": False, "non_trainable_parameters": 128},
                 {"class": "Dense", "units": 2, "activation": "softmax"})
    assert _differences(spec, _frozen_base(), L.Dense(2, activation="softmax"), shape=(8, 8, 3),
                        functional=True) == []
    assert _differences(spec, _frozen_base(), L.Dense(2, activation="softmax"), shape=(8, 8, 3)) == []
    assert _differences(spec, _frozen_base(frozen=False), L.Dense(2, activation="softmax"),
                        shape=(8, 8, 3), functional=True) == [
        "layer 1: expected Model(trainable=False, non_trainable_parameters=128), "
        "found Sequential(trainable=True, non_trainable_parameters=8)"]
    frozen_dense = _spec({"class": "Dense", "units": 3, "trainable": False})
    assert _differences(frozen_dense, L.Dense(3, trainable=False), shape=(4,)) == []
    assert _differences(frozen_dense, L.Dense(3), shape=(4,)) == [
        "layer 1: expected Dense(3, trainable=False), found Dense(3, trainable=True, linear)"]
    ranged = _spec({"class": "Sequential", "non_trainable_parameters": [1000, 5000]},
                   {"class": "Dense"})
    assert _differences(ranged, _frozen_base(), L.Dense(2), shape=(8, 8, 3)) == [
        "layer 1: expected Sequential(non_trainable_parameters=1,000 to 5,000), "
        "found Sequential(trainable=False, non_trainable_parameters=128)"]


# --------------------------------------------------------------------------- requirement-style specs

FASHION_CNN = {"input_shape": [28, 28, 1],
               "requires": [{"class": "Conv2D", "at_least": 2},
                            {"class": ["MaxPooling2D", "AveragePooling2D"], "after": "Conv2D"}],
               "output": {"units": 10, "activation": "softmax"}}


def _cnn(*middle, output=None):
    return [*middle, L.Flatten(), output or L.Dense(10, activation="softmax")]


def test_requirements_pass_any_stack_that_meets_them():
    spec = spec_from(FASHION_CNN)
    for layers in (
            _cnn(L.Conv2D(8, 3, activation="relu"), L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D()),
            _cnn(L.Conv2D(8, 3), L.ReLU(), L.MaxPooling2D(), L.Conv2D(16, 3, padding="same"),
                 L.AveragePooling2D(2), L.Dropout(0.3)),
            _cnn(L.Conv2D(8, 3), L.Conv2D(8, 3), L.Conv2D(8, 3), L.MaxPooling2D(),
                 output=L.Dense(10))):
        assert _differences(spec, *layers, shape=(28, 28, 1),
                            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)) == []


@pytest.mark.parametrize("layers, message", [
    (lambda: _cnn(L.Conv2D(8, 3), L.MaxPooling2D()),
     "build_model() has 1 Conv2D layer; the exercise asks for at least 2"),
    (lambda: _cnn(L.Dense(8)),
     "build_model() has no Conv2D layer; the exercise asks for at least 2"),
    (lambda: _cnn(L.Conv2D(8, 3), L.Conv2D(8, 3)),
     "build_model() has no MaxPooling2D or AveragePooling2D layer after a Conv2D layer; "
     "the exercise asks for at least 1"),
    (lambda: _cnn(L.MaxPooling2D(), L.Conv2D(8, 3), L.Conv2D(8, 3)),
     "build_model() has no MaxPooling2D or AveragePooling2D layer after a Conv2D layer"),
    (lambda: _cnn(L.Conv2D(8, 3), L.Conv2D(8, 3), L.MaxPooling2D(), output=L.Dense(5, activation="softmax")),
     "output layer: expected 10 units, found 5"),
    (lambda: _cnn(L.Conv2D(8, 3), L.Conv2D(8, 3), L.MaxPooling2D(), output=L.Dense(10)),
     "output layer: expected activation softmax, found linear (a linear output needs a loss "
     "with from_logits=True)"),
])
def test_each_unmet_requirement_is_named(layers, message):
    found = _differences(spec_from(FASHION_CNN), *layers(), shape=(28, 28, 1))
    assert any(message in line for line in found), found


def test_before_a_class_means_before_its_first_layer():
    # the rescaling "before the convolutions": one after the first convolution is too late
    spec = spec_from({"requires": [{"class": "Rescaling", "before": "Conv2D", "exactly": 1}]})
    first = [L.Rescaling(1 / 255), L.Conv2D(4, 3), L.Conv2D(4, 3), L.Flatten()]
    assert _differences(spec, *first, shape=(12, 12, 1)) == []
    late = [L.Conv2D(4, 3), L.Rescaling(1 / 255), L.Conv2D(4, 3), L.Flatten()]
    assert _differences(spec, *late, shape=(12, 12, 1)) == [
        "build_model() has no Rescaling layer before a Conv2D layer; the exercise asks for exactly 1"]


def test_requirement_bounds_classes_and_arguments():
    spec = spec_from({"requires": [
        {"class": "Dropout", "at_most": 1}, {"class": "Conv2D", "activation": "relu", "exactly": 2},
        {"class": "LeakyReLU", "at_least": 1, "before": "Flatten"},
        {"class": "BatchNormalization", "at_least": 1, "at_most": 2}]})
    good = [L.Conv2D(4, 3, activation="relu"), L.BatchNormalization(), L.Conv2D(4, 3),
            L.LeakyReLU(), L.Dropout(0.2), L.Conv2D(4, 3, activation="relu"), L.Flatten()]
    assert _differences(spec, *good, shape=(12, 12, 1)) == []
    bad = [L.Conv2D(4, 3, activation="relu"), L.Dropout(0.2), L.Conv2D(4, 3, activation="relu"),
           L.Dropout(0.2), L.Conv2D(4, 3, activation="relu"), L.Flatten(), L.LeakyReLU()]
    assert _differences(spec, *bad, shape=(12, 12, 1)) == [
        "build_model() has 2 Dropout layers; the exercise asks for at most 1",
        "build_model() has 3 Conv2D(relu) layers; the exercise asks for exactly 2",
        "build_model() has no LeakyReLU layer before a Flatten layer; the exercise asks for at least 1",
        "build_model() has no BatchNormalization layer; the exercise asks for between 1 and 2"]


# --------------------------------------------------------------------------- the declaration

def test_the_toml_format():
    import tomllib

    declared = tomllib.loads('''
        input_shape = [28, 28, 1]
        loss = ["sparse_categorical_crossentropy", "categorical_crossentropy"]
        parameters = [1000, 60000]
        layers = [
            { class = "Conv2D", filters = 32, kernel_size = 3, activation = "relu" },
            { class = "MaxPooling2D", pool_size = 2 },
            { class = "Flatten" },
            { class = "Dense", units = 10, activation = "softmax" },
        ]
        requires = [{ class = ["MaxPooling2D", "AveragePooling2D"], after = "Conv2D" }]
        output = { units = 10 }
    ''')
    spec = spec_from(declared)
    assert [str(layer) for layer in spec.layers] == [
        "Conv2D(32, kernel_size=(3, 3), relu)", "MaxPooling2D(pool_size=(2, 2))", "Flatten()",
        "Dense(10, softmax)"]
    assert (spec.input_shape, spec.loss, spec.parameters) == (
        (28, 28, 1), ("sparse_categorical_crossentropy", "categorical_crossentropy"), (1000, 60000))
    assert spec.requires[0].bound() == "at least 1" and spec.output.units == 10
    right = [L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
             L.Dense(10, activation="softmax")]
    assert _differences(spec, *right, shape=(28, 28, 1), loss="categorical_crossentropy") == []
    assert _differences(spec, *right, shape=(28, 28, 1), loss="mse") == [
        "loss: expected sparse_categorical_crossentropy or categorical_crossentropy, found mse",
        "the output activation softmax does not fit the loss mse (it needs linear)"]


@pytest.mark.parametrize("declared, message", [
    ({"layers": [{"class": "Conv2d"}]}, "layers[0]: 'Conv2d' is not a Keras layer class"),
    ({"layers": ["Dense"]}, "layers[0] must be a table"),
    ({"requires": [{"at_least": 2}]}, "requires[0] needs a class"),
    ({"requires": [{"class": "Dense", "at_least": -1}]}, "are counts"),
    ({"requires": [{"class": "Dense", "after": "Convolution"}]}, "'Convolution' is not a Keras"),
    ({"outputs": {}}, "unknown keys: outputs"),
])
def test_a_faulty_declaration_is_named(declared, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        spec_from(declared)


def test_the_documented_example_is_valid():
    import tomllib
    import textwrap

    from autograder.checks import structure

    doc = structure.__doc__
    block = doc[doc.index("    [model]\n"):doc.index("\nA layer is")]
    spec = spec_from(tomllib.loads(textwrap.dedent(block))["model"])
    assert len(spec.layers) == 4 and len(spec.requires) == 2 and spec.output.units == 10
    model = [L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
             L.Dense(10, activation="softmax")]
    assert _differences(spec, *model, shape=(28, 28, 1), loss="sparse_categorical_crossentropy") == [
        "build_model() has 1 Conv2D layer; the exercise asks for at least 2",
        "parameters: expected 101,770, found 54,410"]


def test_an_output_without_an_activation_is_shown_as_it_is():
    spec = ModelSpec(output=Layer("Dense", 10, "softmax"), loss="sparse_categorical_crossentropy")
    assert _differences(spec, L.Flatten(), shape=(2, 5), loss="sparse_categorical_crossentropy") == [
        "output layer: expected a Dense layer, found Flatten()",
        "the output layer Flatten() does not fit the loss sparse_categorical_crossentropy "
        "(it needs softmax, or linear with from_logits=True)"]
    free = ModelSpec(output=Layer(None, 10, "softmax"))
    assert _differences(free, L.Flatten(), shape=(2, 5)) == [
        "output layer: expected 10 units, found Flatten()",
        "output layer: expected activation softmax, found Flatten()"]


@pytest.mark.parametrize("written, name", [
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"),
    ("BinaryCrossentropy", "binary_crossentropy"), ("MeanSquaredError", "mean_squared_error"),
    ("mse", "mean_squared_error"), ("mae", "mean_absolute_error"), ("Huber", "huber"),
    ("MSE", "mean_squared_error"), ("MAE", "mean_absolute_error"), ("BCE", "binary_crossentropy"),
    ("bce", "binary_crossentropy"), ("KLD", "kl_divergence"),
    ("KLDivergence", "kl_divergence"), ("BinaryFocalCrossentropy", "binary_focal_crossentropy"),
    ("categorical_crossentropy", "categorical_crossentropy"), (None, None),
])
def test_a_loss_object_is_its_function_name(written, name):
    from autograder.checks.structure import loss_name

    assert loss_name(written) == name


def test_a_nested_model_is_read_as_its_layers_unless_the_spec_names_a_model():
    inner = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(128, activation="relu")])
    nested = _model(inner, keras.layers.Dense(10, activation="softmax"))
    assert structure_differences(nested.model, MNIST, compiled_loss=nested.loss) == []
    frozen_base = ModelSpec(layers=[Layer("Model"), Layer("Dense", 10, "softmax")])
    assert structure_differences(nested.model, frozen_base) == []
    flat = _model(*_right())
    assert structure_differences(flat.model, frozen_base)[0].startswith("layer 1: expected Model")
