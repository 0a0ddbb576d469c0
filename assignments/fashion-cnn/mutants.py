"""Known-wrong notebooks for fashion-cnn: the classifier mistakes every model assignment
shares (autograder/model_mutants.py), and a CNN's own."""
from autograder.model_mutants import (classifier_build_mutants, keras_model, preprocess_mutants,
                                      sleeps_past_the_budget, training, training_mutants)
from autograder.mutants import Mutant

COMPILED = 'optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]'
INPUT = "keras.Input(shape=(28, 28, 1))"
BLOCK = ('keras.layers.Conv2D(32, 3, activation="relu")', "keras.layers.MaxPooling2D(2)")
SECOND = ('keras.layers.Conv2D(64, 3, activation="relu")', "keras.layers.MaxPooling2D(2)")
HEAD = ("keras.layers.Flatten()", 'keras.layers.Dense(128, activation="relu")')
OUTPUT = 'keras.layers.Dense(10, activation="softmax")'


def model(*layers: str, first: str = INPUT, prelude: str = "", compile_args: str = COMPILED) -> str:
    return keras_model(*layers, first=first, prelude=prelude, compile_args=compile_args)


def fit(*args, **kwargs) -> str:
    return training(*args, **{"batch_size": 64, **kwargs})


MUTANTS = classifier_build_mutants(model, BLOCK + SECOND + HEAD, OUTPUT) + [
    Mutant(
        "one_convolution_block",  # the course's CNN before the exercise
        {"build_model": model(*BLOCK, *HEAD, OUTPUT)},
        {"test_model": ("has 1 Conv2D layer", "at least 2")},
        keeps=("test_preprocess",)),
    Mutant(
        "no_pooling",
        {"build_model": model(BLOCK[0], SECOND[0], *HEAD, OUTPUT)},
        {"test_model": ("MaxPooling2D",)},
        keeps=("test_preprocess",)),
    Mutant(
        "a_dense_network",  # fashion-ann's answer handed in again
        {"build_model": model("keras.layers.Flatten()", HEAD[1], HEAD[1], OUTPUT)},
        {"test_model": ("has no Conv2D layer; the exercise asks for at least 2",)},
        keeps=("test_preprocess",)),
    Mutant(
        "two_outputs",
        {"build_model": model(*BLOCK, *SECOND, *HEAD, OUTPUT.replace("10", "2"))},
        {"test_model": ("expected 10 units, found 2",), "test_accuracy": ("below",)},
        keeps=("test_preprocess",)),
    Mutant(
        "input_without_the_channel_axis",  # Input((28, 28)): a Conv2D cannot take it
        {"build_model": model(*BLOCK, *SECOND, *HEAD, OUTPUT, first="keras.Input(shape=(28, 28))")},
        {"test_model": ("build_model() raised",), "test_accuracy": ("model is not defined",)},
        keeps=("test_preprocess",)),
    Mutant(
        "preprocess_without_the_channel_axis",  # Keras 3 still fits (N, 28, 28) to the model
        {"preprocess": "def preprocess(images):\n    return np.asarray(images, dtype='float32') / 255\n"},
        {"test_preprocess": ("the channel axis is missing",)},
        keeps=("test_model", "test_accuracy")),
] + training_mutants(fit) + preprocess_mutants(channel_axis=True)[:2] + [
    sleeps_past_the_budget(fit),
]
