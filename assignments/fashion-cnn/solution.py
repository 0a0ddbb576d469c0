"""Reference solution of the `fashion-cnn` assignment, written as a student would.

The course's activity 4: classify Fashion-MNIST garments with a convolutional network
and do its exercise, "add convolution layers, more filters, other kernel sizes,
epochs". `dlgrade build` copies the functions into the notebook verbatim (the training
cell is in notebook.md).
"""
import keras
import numpy as np


def preprocess(images):
    """Pixels 0..255 (uint8), shape (N, 28, 28) -> float32 values in [0, 1], shape
    (N, 28, 28, 1): a convolution layer takes images with a channel axis (one channel:
    grey).
    """
    ### BEGIN SOLUTION
    images = np.asarray(images, dtype="float32") / 255.0
    return images[..., np.newaxis]
    ### END SOLUTION


def build_model():
    """The course's CNN with the exercise done, compiled and untrained.

    28x28x1 images in (start with keras.Input), at least two Conv2D layers with relu,
    pooling after them, then Flatten, a hidden Dense layer and the output Dense layer
    of 10 neurons with softmax. Compile it with the adam optimizer, the
    sparse_categorical_crossentropy loss and the accuracy metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION
