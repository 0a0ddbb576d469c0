"""The mistakes every "build and train a Keras model" assignment shares, as mutants.

A catalogue (an assignment's mutants.py) takes these and adds its own. Each writes
whole cells as a student would: `keras_model(...)` a build_model cell, `training(...)`
the training cell.
"""
from __future__ import annotations

from autograder.mutants import Appended, Edited, Mutant, Timed

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
CUSTOM_LAYER = '''class Doubling(keras.layers.Layer):
    def call(self, x):
        return 2 * x


'''
MODEL_CELLS = ("test_model", "test_accuracy", "test_training_time")
COMPILED = 'optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]'
# A refused model loses its cells whatever its training: one epoch of it proves the same at a
# fraction of the time (a check that measured the model anyway would not say why it refused it).
ONE_EPOCH = Edited(r"\bepochs=\d+", "epochs=1")


def keras_model(*layers: str, first: str, compile_args: str, prelude: str = "") -> str:
    """A build_model cell: a Sequential model of `first` (its Input) and `layers`, compiled."""
    body = ",\n        ".join((first,) + layers)
    return (f"{prelude}def build_model():\n    model = keras.Sequential([\n        {body},\n    ])\n"
            f"    model.compile({compile_args})\n    return model\n")


def training(fit_images: str = "preprocess(x_train)", fit_labels: str = "y_train", after: str = "",
             fit: bool = True, epochs: int = 5, batch_size: int = 32) -> str:
    """A training cell: build the model, fit it (or not), then `after`."""
    lines = ["model = build_model()"]
    if fit:
        lines.append(f"history = model.fit({fit_images}, {fit_labels}, epochs={epochs}, "
                     f"batch_size={batch_size}, verbose=0)")
    return "\n".join(lines + ([after] if after else [])) + "\n"


def classifier_build_mutants(model, hidden: tuple[str, ...], output: str,
                             compiled: str = COMPILED,
                             keeps: tuple[str, ...] = ("test_preprocess",),
                             measured: str = "test_accuracy",
                             trains: tuple[str, ...] = ("train",)) -> list[Mutant]:
    """Mistakes in a model's build_model: `model(*layers, first=..., prelude=...,
    compile_args=...)` writes the cell with the course's first layers, `hidden` and
    `output` are the reference's layers after them (Keras source); `keeps`: the cells
    before the model's, which keep full marks; `measured`: the cell that measures the
    trained model (a classifier's accuracy); `trains`: the cells that fit it, cut to one
    epoch for the layers the grader refuses."""
    cells = ("test_model", measured, "test_training_time")
    short = {cell: ONE_EPOCH for cell in trains}
    softmax = [Mutant(
        "output_sigmoid_with_softmax_loss",
        {"build_model": model(*hidden, output.replace('"softmax"', '"sigmoid"'))},
        {"test_model": ("sigmoid", "does not fit the loss")},
        keeps=keeps)] if '"softmax"' in output else []
    return softmax + [
        Mutant(
            "model_not_compiled",
            {"build_model": model(*hidden, output).replace(f"    model.compile({compiled})\n", "")},
            {"test_model": ("not compiled",), measured: ("looks untrained",),
             "test_training_time": ("could not be timed",)},
            keeps=keeps),
        Mutant(
            "lambda_layer",
            {"build_model": model("keras.layers.Lambda(lambda x: x * 1.0)", *hidden, output), **short},
            {cell: ("Lambda layer",) for cell in cells},
            keeps=keeps),
        Mutant(
            "custom_layer",
            {"build_model": model("Doubling()", *hidden, output, prelude=CUSTOM_LAYER), **short},
            {cell: ("not a standard Keras class",) for cell in cells},
            keeps=keeps),
    ]


def training_mutants(make=training) -> list[Mutant]:
    """Mistakes in a classifier's training cell (`make(...)` writes it, as `training` does)."""
    return [
        Mutant(
            "untrained_model",
            {"train": make(fit=False)},
            {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
            keeps=("test_preprocess", "test_model")),
        Mutant(
            "trained_on_10_images",
            {"train": make("preprocess(x_train[:10])", "y_train[:10]")},
            {"test_accuracy": ("below",), "test_training_time": ("looks untrained",)},
            keeps=("test_preprocess", "test_model")),
        Mutant(
            "labels_shuffled_apart_from_images",  # e.g. the labels shuffled on their own
            {"train": make(fit_labels="np.random.default_rng(0).permutation(y_train)")},
            {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
            keeps=("test_preprocess", "test_model")),
        Mutant(
            "training_cell_left_as_the_stub",
            {"train": STUB},
            {"test_accuracy": ("model is not defined",),
             "test_training_time": ("could not be timed", "model is not defined")},
            keeps=("test_preprocess", "test_model")),
    ]


def dataset_training_mutants(make, epochs: int, keeps: tuple[str, ...],
                             stub_keeps: tuple[str, ...] | None = None) -> list[Mutant]:
    """Mistakes in a training cell that fits `train_ds`, a tf.data dataset of (images, labels)
    batches (image_dataset_from_directory's): `make(fit=...)` writes the cell, fit="" leaves
    model.fit out. `keeps`: the cells that keep full marks; `stub_keeps` those that do when the
    cell is left as the stub (default: `keeps`)."""
    shuffled = make(fit="model.fit(train_ds.map(lambda x, y: (x, tf.random.shuffle(y))), "
                        f"epochs={epochs}, verbose=0)")
    return [
        Mutant(
            "untrained_model",
            {"train": make(fit="")},
            {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
            keeps=keeps),
        Mutant(
            "trained_on_one_batch",
            {"train": make(fit=f"model.fit(train_ds.take(1), epochs={epochs}, verbose=0)")},
            {"test_accuracy": ("below",)},
            keeps=keeps),
        Mutant(
            "labels_shuffled_apart_from_images",
            {"train": "import tensorflow as tf\n" + shuffled},
            {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
            keeps=keeps),
        Mutant(
            "training_cell_left_as_the_stub",
            {"train": STUB},
            {"test_accuracy": ("model is not defined",),
             "test_training_time": ("could not be timed", "model is not defined")},
            keeps=keeps if stub_keeps is None else stub_keeps),
    ]


def preprocess_mutants(channel_axis: bool = False) -> list[Mutant]:
    """Mistakes in scaling the pixels (a CNN's preprocess also adds the channel axis)."""
    shaped = "[..., np.newaxis]" if channel_axis else ""
    return [
        Mutant(
            "pixels_not_scaled",
            {"preprocess": f"def preprocess(images):\n    return np.asarray(images, dtype='float32'){shaped}\n"},
            {"test_preprocess": ("not scaled",)},
            keeps=("test_model",)),
        Mutant(
            "pixels_divided_by_256",
            {"preprocess": f"def preprocess(images):\n    return (np.asarray(images) / 256){shaped}\n"},
            {"test_preprocess": ("divide by 255",)},
            keeps=("test_model",)),
        Mutant(
            "pixels_flattened_in_preprocess",
            {"preprocess": "def preprocess(images):\n    images = np.asarray(images, dtype='float32') / 255\n"
                           "    return images.reshape(len(images), -1)\n"},
            {"test_preprocess": ("reshaped",)},
            keeps=("test_model",)),
    ]


def image_classifier_mutants(hidden: tuple[str, ...], output: str,
                             input_shape: str = "(28, 28)") -> list[Mutant]:
    """The mistakes of a "preprocess, build, train" dense image classifier (mnist-ann,
    fashion-ann): `hidden` are the reference's hidden layers, `output` its output layer."""
    def model(*layers: str, first: str = f"keras.Input(shape={input_shape})", prelude: str = "",
              compile_args: str = COMPILED) -> str:
        return keras_model("keras.layers.Flatten()", *layers, first=first, prelude=prelude,
                           compile_args=compile_args)

    return classifier_build_mutants(model, hidden, output) + [
        Mutant(
            "hidden_layer_with_sigmoid",
            {"build_model": model(hidden[0].replace('"relu"', '"sigmoid"'), *hidden[1:], output)},
            {"test_model": ("layer 2: expected Dense(128, relu), found Dense(128, sigmoid)",)},
            keeps=("test_preprocess",)),
        Mutant(
            "input_with_a_channel_axis",  # (28, 28, 1), as for a CNN: the images do not fit it
            {"build_model": model(*hidden, output, first="keras.Input(shape=(28, 28, 1))")},
            {"test_model": ("input shape: expected (28, 28), found (28, 28, 1)",)},
            keeps=("test_preprocess",)),
    ] + training_mutants() + preprocess_mutants()


def trains_outside_the_timed_cell(make_training=training, before: str = "build_model",
                                  keeps: tuple[str, ...] = ("test_preprocess", "test_model",
                                                            "test_accuracy")) -> Mutant:
    """The training moved out of the timed cell to the end of the cell `before` it, the timed
    cell left doing nothing: the model is as good, but the budget check sees no training CPU
    in the timed cell (a dodge of the training-time budget, proved without sleeping)."""
    return Mutant(
        "trained_outside_the_timed_cell",
        {"train": "pass  # the model is trained above\n", before: Appended(make_training(after=""))},
        {"test_training_time": ("the training happened outside the timed cell",)},
        keeps=keeps)


def sleeps_past_the_budget(make_training=training, factor: float = 3.0,
                           keeps: tuple[str, ...] = ("test_preprocess", "test_model",
                                                     "test_accuracy")) -> Mutant:
    """A training cell that runs past `factor` x the reference's time: it trains, then sleeps
    until a second after that budget, timed from the cell's first line (no longer: the
    training's own time is not slept again)."""
    def cell(seconds: float) -> str:
        over = f"{factor * seconds + 1.0:.2f}"
        return ("import time as _clock\n_cell_started = _clock.perf_counter()\n" + make_training(
            after=f"_clock.sleep(max(0.0, {over} - (_clock.perf_counter() - _cell_started)))"))

    return Mutant(
        "training_sleeps_past_its_budget",
        {"train": Timed(cell)},
        {"test_training_time": (f"over the budget of {factor:g} x the reference solution",)},
        keeps=keeps)
