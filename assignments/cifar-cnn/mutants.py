"""Known-wrong notebooks for cifar-cnn: the classifier mistakes every model assignment
shares (autograder/model_mutants.py, adapted to this notebook's two networks), LeNet-5's
and the AlexNet-style network's own, and the confusion matrix's."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from autograder.model_mutants import (classifier_build_mutants, keras_model, preprocess_mutants,
                                      trains_outside_the_timed_cell, training, training_mutants)
from autograder.mutants import Mutant, function_mutant

COMPILED = 'optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]'
INPUT = "keras.Input(shape=(32, 32, 3))"
LENET5 = (
    'keras.layers.Conv2D(6, 5, padding="same", activation="tanh")',
    "keras.layers.AveragePooling2D(2, strides=2)",
    'keras.layers.Conv2D(16, 5, padding="valid", activation="tanh")',
    "keras.layers.AveragePooling2D(2, strides=2)",
    "keras.layers.Flatten()",
    'keras.layers.Dense(120, activation="tanh")',
    'keras.layers.Dense(84, activation="tanh")',
)
OUTPUT = 'keras.layers.Dense(10, activation="softmax")'
POOL = 'keras.layers.MaxPooling2D(3, strides=2, padding="same")'
ALEXNET = (
    'keras.layers.Conv2D(96, 11, strides=4, padding="same", activation="relu")', POOL,
    "keras.layers.BatchNormalization()",
    'keras.layers.Conv2D(256, 5, padding="same", activation="relu")', POOL,
    "keras.layers.BatchNormalization()",
    'keras.layers.Conv2D(384, 3, padding="same", activation="relu")',
    'keras.layers.Conv2D(384, 3, padding="same", activation="relu")',
    'keras.layers.Conv2D(256, 3, padding="same", activation="relu")', POOL,
    "keras.layers.BatchNormalization()",
    "keras.layers.Flatten()",
    'keras.layers.Dense(2048, activation="relu")', "keras.layers.Dropout(0.5)",
    'keras.layers.Dense(2048, activation="relu")', "keras.layers.Dropout(0.5)",
)
NETWORKS = ("test_lenet5", "test_alexnet")
FUNCTIONS = ("test_confusion_matrix",)


def network(function: str, *layers: str, first: str = INPUT, prelude: str = "",
            compile_args: str = COMPILED) -> str:
    """The cell defining `function()`: a Sequential model of `first` and `layers`, compiled."""
    cell = keras_model(*layers, first=first, prelude=prelude, compile_args=compile_args)
    return cell.replace("def build_model():", f"def {function}():", 1)


def lenet5(*layers: str, **kwargs) -> str:
    return network("build_lenet5", *layers, **kwargs)


def alexnet(*layers: str, **kwargs) -> str:
    return network("build_alexnet", *layers, **kwargs)


def fit(*args, **kwargs) -> str:
    """The training cell, as the notebook's: LeNet-5, 10 epochs of batch 64."""
    cell = training(*args, **{"batch_size": 64, "epochs": 10, **kwargs})
    return cell.replace("model = build_model()", "model = build_lenet5()", 1)


def adapted(mutant: Mutant, keeps: tuple[str, ...] = ()) -> Mutant:
    """A shared mutant in this notebook's terms: its build_model is build_lenet5, its
    test_model cell is test_lenet5 (and test_alexnet, among the cells it keeps)."""
    replaces = {("build_lenet5" if k == "build_model" else k): v for k, v in mutant.replaces.items()}
    loses = {("test_lenet5" if k == "test_model" else k): v for k, v in mutant.loses.items()}
    kept = tuple(c for k in mutant.keeps for c in (NETWORKS if k == "test_model" else (k,)))
    return replace(mutant, replaces=replaces, loses=loses, keeps=tuple(dict.fromkeys(kept + keeps)))


def matrix_cell(labels: str, images: str) -> str:
    return (f"predicted = model.predict(preprocess({images}), verbose=0).argmax(axis=1)\n"
            f"matrix = confusion_matrix({labels}, predicted)\n")


# --------------------------------------------------------------------------- confusion_matrix

def confusion_matrix_labels_not_flattened(y_true, y_pred, num_classes=10):
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)  # (N, 1) with (N,): N x N pairs
    return matrix


def confusion_matrix_one_class_short(y_true, y_pred, num_classes=10):
    y_true = np.asarray(y_true).ravel().astype(int)
    y_pred = np.asarray(y_pred).ravel().astype(int)
    matrix = np.zeros((num_classes - 1, num_classes - 1), dtype=int)  # "the last class is num_classes - 1"
    for true, predicted in zip(y_true, y_pred):
        matrix[true, predicted] += 1
    return matrix


def confusion_matrix_ignores_num_classes(y_true, y_pred, num_classes=10):
    y_true = np.asarray(y_true).ravel().astype(int)
    y_pred = np.asarray(y_pred).ravel().astype(int)
    size = max(y_true.max(), y_pred.max()) + 1  # the classes that occur
    matrix = np.zeros((size, size), dtype=int)
    for true, predicted in zip(y_true, y_pred):
        matrix[true, predicted] += 1
    return matrix


def confusion_matrix_repeated_pairs_counted_once(y_true, y_pred, num_classes=10):
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    matrix[np.ravel(y_true), np.ravel(y_pred)] += 1  # a repeated index is added once
    return matrix


TRANSPOSED = '''def confusion_matrix(y_true, y_pred, num_classes=10):
    y_true = np.asarray(y_true).ravel().astype(int)
    y_pred = np.asarray(y_pred).ravel().astype(int)
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    for true, predicted in zip(y_true, y_pred):
        matrix[predicted, true] += 1
    return matrix
'''


# --------------------------------------------------------------------------- per_class_accuracy

def per_class_accuracy_column_sums(matrix):
    matrix = np.asarray(matrix, dtype=float)
    predicted = matrix.sum(axis=0)  # the images predicted as each class: the precision
    return np.divide(np.diag(matrix), predicted, out=np.zeros(len(matrix)), where=predicted > 0)


def per_class_accuracy_nan_for_an_empty_class(matrix):
    matrix = np.asarray(matrix, dtype=float)
    return np.diag(matrix) / matrix.sum(axis=1)  # 0 / 0 for a class without examples


def per_class_accuracy_over_all_examples(matrix):
    matrix = np.asarray(matrix, dtype=float)
    return np.diag(matrix) / matrix.sum()


MUTANTS = [adapted(m) for m in classifier_build_mutants(lenet5, LENET5, OUTPUT)] + [
    # LeNet-5 (a fixed exercise: every layer as the course builds it)
    Mutant(
        "lenet5_with_3x3_kernels",
        {"build_lenet5": lenet5(LENET5[0].replace("(6, 5,", "(6, 3,"), *LENET5[1:2],
                                LENET5[2].replace("(16, 5,", "(16, 3,"), *LENET5[3:], OUTPUT)},
        {"test_lenet5": ("kernel_size=(5, 5)", "kernel_size=(3, 3)")},
        keeps=("test_preprocess", "test_alexnet", "test_confusion_matrix")),
    Mutant(
        "lenet5_with_max_pooling",
        {"build_lenet5": lenet5(*(layer.replace("AveragePooling2D", "MaxPooling2D") for layer in LENET5),
                                OUTPUT)},
        {"test_lenet5": ("expected AveragePooling2D", "found MaxPooling2D")},
        keeps=("test_preprocess", "test_alexnet", "test_confusion_matrix")),
    Mutant(
        "lenet5_with_relu",
        {"build_lenet5": lenet5(*(layer.replace('"tanh"', '"relu"') for layer in LENET5), OUTPUT)},
        {"test_lenet5": ("tanh", "found Conv2D(6, kernel_size=(5, 5)", "relu")},
        keeps=("test_preprocess", "test_alexnet", "test_confusion_matrix")),
    Mutant(
        "lenet5_without_the_second_pooling",
        {"build_lenet5": lenet5(*LENET5[:3], *LENET5[4:], OUTPUT)},
        {"test_lenet5": ("expected AveragePooling2D", "parameters: expected 83,126")},
        keeps=("test_preprocess", "test_alexnet", "test_confusion_matrix")),
    # the AlexNet-style network (structure only)
    Mutant(
        "alexnet_without_batch_normalization",
        {"build_alexnet": alexnet(*(layer for layer in ALEXNET if "BatchNormalization" not in layer),
                                  OUTPUT)},
        {"test_alexnet": ("BatchNormalization", "non-trainable")},
        keeps=("test_preprocess", "test_lenet5", "test_confusion_matrix")),
    Mutant(
        "alexnet_first_convolution_valid",  # padding left at Keras's default, "valid"
        {"build_alexnet": alexnet(ALEXNET[0].replace(' padding="same",', ""), *ALEXNET[1:], OUTPUT)},
        {"test_alexnet": ('padding="same"', 'padding="valid"')},
        keeps=("test_preprocess", "test_lenet5", "test_confusion_matrix")),
    Mutant(
        "alexnet_without_activations",  # the course's slide leaves them out
        {"build_alexnet": alexnet(*(layer.replace(', activation="relu"', "") for layer in ALEXNET),
                                  OUTPUT)},
        {"test_alexnet": ("relu", "linear")},
        keeps=("test_preprocess", "test_lenet5", "test_confusion_matrix")),
    Mutant(
        "alexnet_for_greyscale_images",  # the MNIST input of the course's first CNNs
        {"build_alexnet": alexnet(*ALEXNET, OUTPUT, first="keras.Input(shape=(28, 28, 1))")},
        {"test_alexnet": ("input shape: expected (32, 32, 3), found (28, 28, 1)",)},
        keeps=("test_preprocess", "test_lenet5", "test_confusion_matrix")),
    Mutant(
        "alexnet_not_compiled",
        {"build_alexnet": alexnet(*ALEXNET, OUTPUT).replace(f"    model.compile({COMPILED})\n", "")},
        {"test_alexnet": ("not compiled",)},
        keeps=("test_preprocess", "test_lenet5", "test_confusion_matrix")),
    # confusion_matrix and per_class_accuracy
    Mutant(
        "confusion_matrix_transposed",  # and the matrix of the model with it
        {"confusion_matrix": TRANSPOSED},
        {"test_confusion_matrix": ("transposed",), "test_matrix": ("transposed",)},
        keeps=("test_preprocess", *NETWORKS, "test_accuracy", "test_training_time")),
    function_mutant("confusion_matrix_labels_not_flattened", "confusion_matrix",
                    confusion_matrix_labels_not_flattened, ("shape (N, 1)", "flatten the labels")),
    function_mutant("confusion_matrix_one_class_short", "confusion_matrix",
                    confusion_matrix_one_class_short, ("too small", "num_classes rows and columns")),
    function_mutant("confusion_matrix_ignores_num_classes", "confusion_matrix",
                    confusion_matrix_ignores_num_classes, ("num_classes argument was ignored",)),
    function_mutant("confusion_matrix_repeated_pairs_counted_once", "confusion_matrix",
                    confusion_matrix_repeated_pairs_counted_once, ("counted once", "np.add.at")),
    function_mutant("per_class_accuracy_from_column_sums", "per_class_accuracy",
                    per_class_accuracy_column_sums, ("column sums", "precision")),
    function_mutant("per_class_accuracy_nan_for_an_empty_class", "per_class_accuracy",
                    per_class_accuracy_nan_for_an_empty_class, ("no examples", "NaN", "0.0")),
    function_mutant("per_class_accuracy_over_all_examples", "per_class_accuracy",
                    per_class_accuracy_over_all_examples, ("ALL examples",)),
] + [
    # the training cell: the model it leaves is consistent with the matrix computed from it
    adapted(m, keeps=FUNCTIONS + (("test_matrix",) if m.name != "training_cell_left_as_the_stub" else ()))
    for m in training_mutants(fit)
] + [adapted(m) for m in preprocess_mutants()] + [
    # the matrix of the model
    Mutant(
        "matrix_on_the_training_images",
        {"matrix": matrix_cell("y_train", "x_train")},
        {"test_matrix": ("validation", "as many as the training images")},
        keeps=("test_preprocess", *NETWORKS, *FUNCTIONS, "test_accuracy", "test_training_time")),
    Mutant(
        "matrix_with_the_labels_second",  # confusion_matrix(predicted, y_val)
        {"matrix": "predicted = model.predict(preprocess(x_val), verbose=0).argmax(axis=1)\n"
                   "matrix = confusion_matrix(predicted, y_val)\n"},
        {"test_matrix": ("transposed",)},
        keeps=("test_preprocess", *NETWORKS, *FUNCTIONS, "test_accuracy", "test_training_time")),
    adapted(trains_outside_the_timed_cell(fit, before="per_class_accuracy"),
            keeps=FUNCTIONS + ("test_matrix",)),
]
