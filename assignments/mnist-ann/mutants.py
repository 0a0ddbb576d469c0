"""Known-wrong notebooks for mnist-ann: the image classifier's shared mistakes
(autograder/model_mutants.py) and the exercise's own."""
from autograder.model_mutants import (image_classifier_mutants, keras_model, sleeps_past_the_budget,
                                      trains_outside_the_timed_cell)
from autograder.mutants import Mutant

HIDDEN = 'keras.layers.Dense(128, activation="relu")'
OUTPUT = 'keras.layers.Dense(10, activation="softmax")'
COMPILED = 'optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]'


def model(*layers: str) -> str:
    return keras_model("keras.layers.Flatten()", *layers, first="keras.Input(shape=(28, 28))",
                       compile_args=COMPILED)


MUTANTS = image_classifier_mutants((HIDDEN,), OUTPUT) + [
    Mutant(
        "no_hidden_layer",  # the course's model before the exercise
        {"build_model": model(OUTPUT)},
        {"test_model": ("expected Dense(128, relu), found Dense(10, softmax)",
                        "parameters: expected 101,770, found 7,850")},
        keeps=("test_preprocess",)),
    Mutant(
        "hidden_layer_of_64",
        {"build_model": model('keras.layers.Dense(64, activation="relu")', OUTPUT)},
        {"test_model": ("expected Dense(128, relu), found Dense(64, relu)",)},
        keeps=("test_preprocess",)),
    sleeps_past_the_budget(),
    trains_outside_the_timed_cell(),
]
