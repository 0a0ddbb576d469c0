"""Known-wrong notebooks for fashion-ann: the image classifier's shared mistakes
(autograder/model_mutants.py) and the exercise's own (the second hidden layer)."""
from autograder.model_mutants import image_classifier_mutants, keras_model
from autograder.mutants import Mutant

HIDDEN = 'keras.layers.Dense(128, activation="relu")'
OUTPUT = 'keras.layers.Dense(10, activation="softmax")'

MUTANTS = image_classifier_mutants((HIDDEN, HIDDEN), OUTPUT) + [
    Mutant(
        "second_hidden_layer_missing",  # the digits network, unchanged
        {"build_model": keras_model("keras.layers.Flatten()", HIDDEN, OUTPUT,
                                    first="keras.Input(shape=(28, 28))",
                                    compile_args='optimizer="adam", loss="sparse_categorical_'
                                                 'crossentropy", metrics=["accuracy"]')},
        {"test_model": ("1 layer(s) missing",)},
        keeps=("test_preprocess",)),
    Mutant(
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
