"""Reference solution of the `fashion-ann` assignment, written as a student would.

The course's activity 3: classify Fashion-MNIST garments with a Keras network
and do its exercise, "add another hidden layer after the first". `preprocess`
is the one of mnist-ann (the same pixels); `dlgrade build` copies the functions
into the notebook verbatim (the training cell is in notebook.md).
"""
import keras

import numpy as np


def preprocess(images):
    """Pixels 0..255 (uint8) -> float32 values in [0, 1], the same shape.

    The model is trained on what this returns, and the grader measures it on
    test images scaled the same way (divided by 255).
    """
    ### BEGIN SOLUTION
    return np.asarray(images, dtype="float32") / 255.0
    ### END SOLUTION


def build_model():
    """The course's garment classifier with the exercise done, compiled and untrained.

    28x28 images in (start with keras.Input), flattened, the hidden Dense layer of
    128 neurons with relu, then ANOTHER hidden Dense layer with relu (choose its
    size), and an output Dense layer of 10 neurons with softmax (one probability
    per class). Compile it with the adam optimizer, the
    sparse_categorical_crossentropy loss and the accuracy metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION

