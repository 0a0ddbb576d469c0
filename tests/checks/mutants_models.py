"""Known-wrong notebooks for the model assignments (mnist-ann, fashion-ann).

A mutant replaces whole cells of the instructor notebook (by cell id) with what a
student really writes. `loses`: cell -> words its failure messages must contain
(the cell must lose points); `keeps`: cells that must keep full marks. Cells in
neither may go either way (e.g. accuracy when a model without its hidden layer
still classifies well). A replacement may be a function of the reference
solution's training time on this machine (the budget mutant sleeps past 3x it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
CELLS = ("test_preprocess", "test_model", "test_accuracy", "test_training_time")


@dataclass(frozen=True)
class NotebookMutant:
    name: str
    replaces: dict[str, str | Callable[[float], str]]
    loses: dict[str, tuple[str, ...]]
    keeps: tuple[str, ...] = ()


def model(*layers: str, compile_args: str = 'optimizer="adam", loss="sparse_categorical_crossentropy", '
                                             'metrics=["accuracy"]', prelude: str = "",
          first: str = "keras.Input(shape=(28, 28))") -> str:
    body = ",\n        ".join((first, "keras.layers.Flatten()") + layers)
    return (f"{prelude}def build_model():\n    model = keras.Sequential([\n        {body},\n    ])\n"
            f"    model.compile({compile_args})\n    return model\n")


def training(fit_images: str = "preprocess(x_train)", fit_labels: str = "y_train", after: str = "",
             fit: bool = True) -> str:
    lines = ["model = build_model()"]
    if fit:
        lines.append(f"history = model.fit({fit_images}, {fit_labels}, epochs=5, batch_size=32, verbose=0)")
    return "\n".join(lines + ([after] if after else [])) + "\n"


def hidden(assignment: str) -> tuple[str, ...]:
    """The reference's hidden layers."""
    first = 'keras.layers.Dense(128, activation="relu")'
    return (first,) if assignment == "mnist-ann" else (first, first)


OUTPUT = 'keras.layers.Dense(10, activation="softmax")'
CUSTOM_LAYER = '''class Doubling(keras.layers.Layer):
    def call(self, x):
        return 2 * x


'''


def regression_model(*layers: str, loss: str = '"mse"', prelude: str = "",
                     first: str = "keras.Input(shape=(N_FEATURES,))") -> str:
    body = ",\n        ".join((first,) + layers)
    return (f"{prelude}def build_model():\n    model = keras.Sequential([\n        {body},\n    ])\n"
            f"    model.compile(optimizer=\"adam\", loss={loss}, metrics=[\"mae\"])\n    return model\n")


def regression_training(fit: str = "x_train, y_train") -> str:
    return f"model = build_model()\nhistory = model.fit({fit}, epochs=10, batch_size=64, verbose=0)\n"


RELU_64 = 'keras.layers.Dense(64, activation="relu")'


def hdb_catalogue() -> list[NotebookMutant]:
    """The network half of hdb-regression (its functions' mutants: mutants_hdb_regression.py)."""
    model_cells = ("test_model", "test_mae", "test_training_time")
    return [
        NotebookMutant(
            "output_with_relu",
            {"build_model": regression_model(RELU_64, RELU_64, 'keras.layers.Dense(1, activation="relu")')},
            {"test_model": ("output layer: expected activation linear, found relu",)},
            keeps=("test_features",)),
        NotebookMutant(
            "output_with_sigmoid",  # every price squeezed into (0, 1) thousand dollars
            {"build_model": regression_model(RELU_64, 'keras.layers.Dense(1, activation="sigmoid")')},
            {"test_model": ("found sigmoid",), "test_mae": ("no better than predicting the average",),
             "test_training_time": ("looks untrained",)},
            keeps=("test_features",)),
        NotebookMutant(
            "no_hidden_layer",
            {"build_model": regression_model("keras.layers.Dense(1)")},
            {"test_model": ("no hidden Dense layer",), "test_mae": ("above",)},
            keeps=("test_features",)),
        NotebookMutant(
            "hidden_layers_without_activation",
            {"build_model": regression_model("keras.layers.Dense(64)", "keras.layers.Dense(64)",
                                             "keras.layers.Dense(1)")},
            {"test_model": ("hidden layers have no relu",)},
            keeps=("test_features", "test_training_time")),
        NotebookMutant(
            "classification_loss",  # the labels are prices: fit fails
            {"build_model": regression_model(RELU_64, "keras.layers.Dense(1)",
                                             loss='"sparse_categorical_crossentropy"')},
            {"test_model": ("not a regression loss",), "test_mae": ("above",),
             "test_training_time": ("could not be timed",)},
            keeps=("test_features",)),
        NotebookMutant(
            "wrong_input_shape",
            {"build_model": regression_model(RELU_64, "keras.layers.Dense(1)",
                                             first="keras.Input(shape=(3,))")},
            {"test_model": ("input shape: expected (57,), found (3,)",),
             "test_mae": ("could not predict from the 57 features",),
             "test_training_time": ("could not be timed",)},
            keeps=("test_features",)),
        NotebookMutant(
            "untrained_model",
            {"train": "model = build_model()\n"},
            {"test_mae": ("no better than predicting the average",),
             "test_training_time": ("looks untrained",)},
            keeps=("test_model",)),
        NotebookMutant(
            "trained_on_10_sales",
            {"train": regression_training("x_train[:10], y_train[:10]")},
            {"test_mae": ("above",), "test_training_time": ("looks untrained",)},
            keeps=("test_model",)),
        NotebookMutant(
            "lambda_layer",
            {"build_model": regression_model(RELU_64, "keras.layers.Lambda(lambda x: x * 1.0)",
                                             "keras.layers.Dense(1)")},
            {cell: ("Lambda layer",) for cell in model_cells},
            keeps=("test_features",)),
        NotebookMutant(
            "custom_layer",
            {"build_model": regression_model("Doubling()", RELU_64, "keras.layers.Dense(1)",
                                             prelude=CUSTOM_LAYER)},
            {cell: ("not a standard Keras class",) for cell in model_cells},
            keeps=("test_features",)),
        NotebookMutant(
            "training_cell_left_as_the_stub",
            {"train": STUB},
            {"test_mae": ("model is not defined",),
             "test_training_time": ("could not be timed", "model is not defined")},
            keeps=("test_model",)),
    ]


def catalogue(assignment: str) -> list[NotebookMutant]:
    if assignment == "hdb-regression":
        return hdb_catalogue()
    h = hidden(assignment)
    all_model_cells = ("test_model", "test_accuracy", "test_training_time")
    mutants = [
        NotebookMutant(
            "output_sigmoid_with_softmax_loss",
            {"build_model": model(*h, 'keras.layers.Dense(10, activation="sigmoid")')},
            {"test_model": ("found Dense(10, sigmoid)", "does not fit the loss")},
            keeps=("test_preprocess",)),
        NotebookMutant(
            "hidden_layer_with_sigmoid",
            {"build_model": model('keras.layers.Dense(128, activation="sigmoid")', *h[1:], OUTPUT)},
            {"test_model": ("layer 2: expected Dense(128, relu), found Dense(128, sigmoid)",)},
            keeps=("test_preprocess", "test_training_time")),
        NotebookMutant(
            "model_not_compiled",
            {"build_model": model(*h, OUTPUT).replace("    model.compile(optimizer=\"adam\", loss=\"sparse_"
                                                      "categorical_crossentropy\", metrics=[\"accuracy\"])\n", "")},
            {"test_model": ("not compiled",), "test_accuracy": ("looks untrained",),
             "test_training_time": ("could not be timed",)},
            keeps=("test_preprocess",)),
        NotebookMutant(
            "input_with_a_channel_axis",  # (28, 28, 1), as for a CNN: the images do not fit it
            {"build_model": model(*h, OUTPUT, first="keras.Input(shape=(28, 28, 1))")},
            {"test_model": ("input shape: expected (28, 28), found (28, 28, 1)",)},
            keeps=("test_preprocess",)),
        NotebookMutant(
            "untrained_model",
            {"train": training(fit=False)},
            {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
            keeps=("test_preprocess", "test_model")),
        NotebookMutant(
            "trained_on_10_images",
            {"train": training("preprocess(x_train[:10])", "y_train[:10]")},
            {"test_accuracy": ("below",), "test_training_time": ("looks untrained",)},
            keeps=("test_preprocess", "test_model")),
        NotebookMutant(
            "lambda_layer",
            {"build_model": model("keras.layers.Lambda(lambda x: x * 1.0)", *h, OUTPUT)},
            {cell: ("Lambda layer",) for cell in all_model_cells},
            keeps=("test_preprocess",)),
        NotebookMutant(
            "custom_layer",
            {"build_model": model("Doubling()", *h, OUTPUT, prelude=CUSTOM_LAYER)},
            {cell: ("not a standard Keras class",) for cell in all_model_cells},
            keeps=("test_preprocess",)),
        NotebookMutant(
            "training_cell_left_as_the_stub",
            {"train": STUB},
            {"test_accuracy": ("model is not defined",),
             "test_training_time": ("could not be timed", "model is not defined")},
            keeps=("test_preprocess", "test_model")),
        NotebookMutant(
            "pixels_not_scaled",
            {"preprocess": "def preprocess(images):\n    return np.asarray(images, dtype='float32')\n"},
            {"test_preprocess": ("not scaled",)},
            keeps=("test_model",)),
        NotebookMutant(
            "pixels_divided_by_256",
            {"preprocess": "def preprocess(images):\n    return np.asarray(images) / 256\n"},
            {"test_preprocess": ("divide by 255",)},
            keeps=("test_model", "test_training_time")),
        NotebookMutant(
            "pixels_flattened_in_preprocess",
            {"preprocess": "def preprocess(images):\n    images = np.asarray(images, dtype='float32') / 255\n"
                           "    return images.reshape(len(images), -1)\n"},
            {"test_preprocess": ("reshaped",)},
            keeps=("test_model",)),
    ]
    if assignment == "mnist-ann":
        mutants += [
            NotebookMutant(
                "no_hidden_layer",  # the course's model before the exercise
                {"build_model": model(OUTPUT)},
                {"test_model": ("expected Dense(128, relu), found Dense(10, softmax)",
                                "parameters: expected 101,770, found 7,850")},
                keeps=("test_preprocess", "test_training_time")),
            NotebookMutant(
                "hidden_layer_of_64",
                {"build_model": model('keras.layers.Dense(64, activation="relu")', OUTPUT)},
                {"test_model": ("expected Dense(128, relu), found Dense(64, relu)",)},
                keeps=("test_preprocess", "test_training_time")),
            NotebookMutant(
                "training_sleeps_past_its_budget",
                {"train": lambda reference_seconds: training(
                    after=f"import time\ntime.sleep({3 * reference_seconds + 1.0:.2f})")},
                {"test_training_time": ("over the budget of 3 x the reference solution",)},
                keeps=("test_preprocess", "test_model", "test_accuracy")),
        ]
    else:
        mutants += [
            NotebookMutant(
                "second_hidden_layer_missing",  # the digits network, unchanged
                {"build_model": model(h[0], OUTPUT)},
                {"test_model": ("1 layer(s) missing",)},
                keeps=("test_preprocess", "test_training_time")),
            NotebookMutant(
                "second_layer_before_flatten",
                {"build_model": "def build_model():\n    model = keras.Sequential([\n"
                                "        keras.Input(shape=(28, 28)),\n"
                                "        keras.layers.Dense(128, activation='relu'),\n"
                                "        keras.layers.Flatten(),\n"
                                "        keras.layers.Dense(128, activation='relu'),\n"
                                f"        {OUTPUT},\n    ])\n"
                                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',"
                                " metrics=['accuracy'])\n    return model\n"},
                {"test_model": ("layer 1: expected Flatten(), found Dense(128, relu)",)},
                keeps=("test_preprocess",)),
        ]
    return mutants
