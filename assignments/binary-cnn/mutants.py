"""Known-wrong notebooks for binary-cnn: the loading function's mistakes (integer or one-hot
labels), the model's (two softmax outputs, a softmax single output, no rescaling, no
pooling, another kernel size), the decision's (argmax of one column, the classes swapped,
the threshold ignored), the metrics' (transposed, broadcast, error as accuracy), the
evaluation's (labels and predictions from two passes), the training cell's, and the
classifier mistakes every model assignment shares."""
from autograder.assignments import here
from autograder.model_mutants import (classifier_build_mutants, dataset_training_mutants, keras_model,
                                      trains_outside_the_timed_cell)
from autograder.mutants import Mutant

COMPILED = 'optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]'
INPUT = "keras.Input(shape=(*IMAGE_SIZE, 3))"
RESCALE = "keras.layers.Rescaling(1.0 / 255)"
CONV = 'keras.layers.Conv2D(32, 3, padding="same", activation="relu")'
POOL = "keras.layers.MaxPooling2D(2)"
HEAD = ("keras.layers.Flatten()", 'keras.layers.Dense(128, activation="relu")')
OUTPUT = 'keras.layers.Dense(1, activation="sigmoid")'
EPOCHS = here(__file__).settings["epochs"]
MODEL_KEEPS = ("test_load", "test_decide", "test_metrics")
FUNCTIONS_KEEP = ("test_load", "test_model", "test_accuracy", "test_training_time")


def model(*layers: str, first: str = INPUT, prelude: str = "", compile_args: str = COMPILED) -> str:
    return keras_model(*layers, first=first, prelude=prelude, compile_args=compile_args)


def loader(**arguments: str) -> str:
    given = {"label_mode": '"binary"', "validation_split": "0.2", "subset": '"both"', "seed": "123",
             "image_size": "IMAGE_SIZE", "batch_size": "BATCH_SIZE", **arguments}
    shown = ", ".join(f"{k}={v}" for k, v in given.items() if v is not None)
    return ("def load_cats_dogs(directory):\n"
            f"    return keras.utils.image_dataset_from_directory(directory, {shown})\n")


def training(fit: str = f"model.fit(train_ds.cache(), validation_data=val_ds.cache(), "
                        f"epochs={EPOCHS}, verbose=0)", after: str = "") -> str:
    lines = ["train_ds, val_ds = load_cats_dogs(cats_dogs_dir)", "model = build_model()"]
    lines += [f"history = {fit}"] if fit else []
    return "\n".join(lines + ([after] if after else [])) + "\n"


def decide(body: str) -> str:
    return f"def decide(probabilities, threshold=0.5):\n    return {body}\n"


def metrics(accuracy: str = "float(np.mean(labels == predicted))", error: str = "1 - accuracy",
            matrix: str = "matrix", flatten: bool = True) -> str:
    flat = ("    labels = np.asarray(labels).reshape(-1).astype(int)\n"
            "    predicted = np.asarray(predicted).reshape(-1).astype(int)\n") if flatten else (
            "    labels, predicted = np.asarray(labels).astype(int), np.asarray(predicted).astype(int)\n")
    return ("def binary_metrics(labels, predicted):\n" + flat
            + "    matrix = np.zeros((2, 2), dtype=int)\n"
              "    np.add.at(matrix, (labels.reshape(-1), predicted.reshape(-1)), 1)\n"
            + f"    accuracy = {accuracy}\n"
            + f"    return {{'accuracy': accuracy, 'error': {error}, 'confusion_matrix': {matrix}}}\n")


MUTANTS = classifier_build_mutants(model, (RESCALE, CONV, POOL, *HEAD), OUTPUT, compiled=COMPILED,
                                   keeps=MODEL_KEEPS) + [
    # --- load_cats_dogs
    Mutant(
        "integer_labels",  # label_mode left at its default: trains, but not the exercise's labels
        {"load_cats_dogs": loader(label_mode=None)},
        {"test_load": ("int32 of shape (None,)", "label_mode=\"binary\"")},
        keeps=("test_model", "test_decide", "test_metrics", "test_accuracy")),
    Mutant(
        "one_hot_labels",  # a pair per photo against one sigmoid output: fit fails
        {"load_cats_dogs": loader(label_mode='"categorical"')},
        {"test_load": ("shape (None, 2)", "label_mode=\"categorical\"")},
        keeps=("test_model", "test_decide", "test_metrics")),
    Mutant(
        "loads_at_the_course_size",  # 200x200: the 64x64 model cannot take the photos
        {"load_cats_dogs": loader(image_size="(200, 200)")},
        {"test_load": ("(None, 64, 64, 3)", "image_size")},
        keeps=("test_model", "test_decide", "test_metrics")),
    # --- build_model
    Mutant(
        "two_softmax_outputs_with_binary_loss",
        {"build_model": model(RESCALE, CONV, POOL, *HEAD, 'keras.layers.Dense(2, activation="softmax")')},
        {"test_model": ("found Dense(2, parameters=258, softmax)",)},
        keeps=("test_load", "test_decide", "test_metrics")),
    Mutant(
        "softmax_single_output",  # softmax over one number is always 1: every photo a dog
        {"build_model": model(RESCALE, CONV, POOL, *HEAD, 'keras.layers.Dense(1, activation="softmax")')},
        {"test_model": ("softmax",), "test_accuracy": ("looks untrained",),
         "test_training_time": ("looks untrained",)},
        keeps=("test_load", "test_decide", "test_metrics")),
    Mutant(
        "no_rescaling",  # trained on pixels 0..255
        {"build_model": model(CONV, POOL, *HEAD, OUTPUT)},
        {"test_model": ("Rescaling",)},
        keeps=("test_load", "test_decide", "test_metrics")),
    Mutant(
        "no_pooling",
        {"build_model": model(RESCALE, CONV, *HEAD, OUTPUT)},
        {"test_model": ("16,778,369 parameters", "pool or stride before flattening")},
        keeps=("test_load", "test_decide", "test_metrics")),
    Mutant(
        "kernel_of_5",  # the course fixes 3x3
        {"build_model": model(RESCALE, CONV.replace("32, 3,", "32, 5,"), POOL, *HEAD, OUTPUT)},
        {"test_model": ("kernel_size=(3, 3)",)},
        keeps=("test_load", "test_decide", "test_metrics")),
    Mutant(
        "categorical_loss_with_one_output",  # the loss of one probability is always 0
        {"build_model": model(RESCALE, CONV, POOL, *HEAD, OUTPUT,
                              compile_args=COMPILED.replace("binary_crossentropy", "categorical_crossentropy"))},
        {"test_model": ("does not fit the loss",), "test_accuracy": ("looks untrained",),
         "test_training_time": ("looks untrained",)},
        keeps=("test_load", "test_decide", "test_metrics")),
    # --- decide
    Mutant(
        "argmax_of_one_column",
        {"decide": decide("np.argmax(probabilities, axis=1)")},
        {"test_decide": ("argmax over the one output column",),
         "test_val_metrics": ("not your `model`'s",)},
        keeps=FUNCTIONS_KEEP),
    Mutant(
        "classes_swapped",
        {"decide": decide("(np.asarray(probabilities).reshape(-1) < threshold).astype(int)")},
        {"test_decide": ("wrong way round",), "test_val_metrics": ("not your `model`'s",)},
        keeps=FUNCTIONS_KEEP),
    Mutant(
        "threshold_ignored",
        {"decide": decide("np.round(np.asarray(probabilities).reshape(-1)).astype(int)")},
        {"test_decide": ("threshold argument is ignored",)},
        keeps=("test_load", "test_model", "test_metrics")),
    # --- binary_metrics
    Mutant(
        "matrix_transposed",
        {"binary_metrics": metrics(matrix="matrix.T")},
        {"test_metrics": ("transposed",)},  # val_metrics too, unless FP == FN
        keeps=("test_load", "test_model", "test_decide")),
    Mutant(
        "error_is_the_accuracy",
        {"binary_metrics": metrics(error="accuracy")},
        {"test_metrics": ("share classified WRONG",), "test_val_metrics": ("from its own confusion matrix",)},
        keeps=FUNCTIONS_KEEP + ("test_decide",)),
    Mutant(
        "labels_not_flattened",  # (N, 1) == (N,) broadcasts to an N x N table
        {"binary_metrics": metrics(flatten=False)},
        {"test_metrics": ("broadcast",), "test_val_metrics": ("from its own confusion matrix",)},
        keeps=FUNCTIONS_KEEP + ("test_decide",)),
    # --- the evaluation cell
    Mutant(
        "labels_from_another_pass",  # subset="validation" reshuffles val_ds on every pass
        {"load_cats_dogs": "def load_cats_dogs(directory):\n"
                           "    return [keras.utils.image_dataset_from_directory(directory, label_mode='binary', "
                           "validation_split=0.2, subset=subset, seed=123, image_size=IMAGE_SIZE, "
                           "batch_size=BATCH_SIZE) for subset in ('training', 'validation')]\n",
         "val_metrics": "val_probabilities = model.predict(val_ds, verbose=0)\n"
                     "val_labels = np.concatenate([y.numpy() for _, y in val_ds])\n"
                     "val_metrics = binary_metrics(val_labels, decide(val_probabilities))\n"},
        {"test_val_metrics": ("paired wrongly",)},
        keeps=FUNCTIONS_KEEP + ("test_decide", "test_metrics")),
    trains_outside_the_timed_cell(lambda after: training(after=after), before="binary_metrics",
                                  keeps=MODEL_KEEPS + ("test_model", "test_accuracy", "test_val_metrics")),
] + dataset_training_mutants(training, EPOCHS, keeps=MODEL_KEEPS + ("test_model", "test_val_metrics"),
                             stub_keeps=MODEL_KEEPS + ("test_model",))
