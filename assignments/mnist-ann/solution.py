"""Reference solution of the `mnist-ann` assignment, written as a student would.

The course's activity 2: classify MNIST digits with a small Keras network and do
its exercise, "add a hidden Dense layer of 128 neurons with relu, compare
performance". Students write `preprocess` and `build_model` and the training
cell (in notebook.md); the grader rebuilds the trained `model` in its own
process and measures it on test images the kernel never sees.
`dlgrade build` copies these into the notebook verbatim.
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
    """The course's digit classifier with the exercise done, compiled and untrained.

    28x28 images in (start with keras.Input), flattened, a hidden Dense layer of
    128 neurons with relu, and an output Dense layer of 10 neurons with softmax
    (one probability per digit). Compile it with the adam optimizer, the
    sparse_categorical_crossentropy loss (the labels are the digits 0..9) and the
    accuracy metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION

