"""Reference solution of the `cifar-cnn` assignment, written as a student would.

LeNet-5 and the AlexNet-style network of the course on CIFAR-10, and the confusion
matrix computed by hand. `dlgrade build` copies the functions into the notebook
verbatim (the training cell and the matrix cell are in notebook.md).
"""
import keras
import numpy as np


def preprocess(images):
    """Pixels 0..255 (uint8), shape (N, 32, 32, 3) -> float32 values in [0, 1], the same
    shape (a convolution layer takes the colour channels as they are).
    """
    ### BEGIN SOLUTION
    return np.asarray(images, dtype="float32") / 255.0
    ### END SOLUTION


def build_lenet5():
    """LeNet-5 for 32x32 colour images, compiled and untrained.

    Conv2D(6, 5x5, padding "same", tanh), AveragePooling2D(2, strides 2),
    Conv2D(16, 5x5, padding "valid", tanh), AveragePooling2D(2, strides 2), Flatten,
    Dense(120, tanh), Dense(84, tanh), Dense(10, softmax): 83,126 parameters. Compile it
    with the adam optimizer, the sparse_categorical_crossentropy loss and the accuracy
    metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        keras.layers.Conv2D(6, 5, padding="same", activation="tanh"),
        keras.layers.AveragePooling2D(2, strides=2),
        keras.layers.Conv2D(16, 5, padding="valid", activation="tanh"),
        keras.layers.AveragePooling2D(2, strides=2),
        keras.layers.Flatten(),
        keras.layers.Dense(120, activation="tanh"),
        keras.layers.Dense(84, activation="tanh"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


def build_alexnet():
    """The course's AlexNet-style network for 32x32 colour images, compiled and untrained.

    Five convolution layers (96 11x11 filters with strides 4, 256 5x5, 384 3x3, 384 3x3,
    256 3x3; padding "same", relu), max pooling (3x3, strides 2, padding "same") after the
    1st, 2nd and 5th, each followed by BatchNormalization; then Flatten, Dense(2048, relu),
    Dropout(0.5), Dense(2048, relu), Dropout(0.5), Dense(10, softmax): 8,492,810 parameters
    (1,216 of them non-trainable). Compiled as LeNet-5.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        keras.layers.Conv2D(96, 11, strides=4, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.Conv2D(256, 5, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.Conv2D(384, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(384, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(256, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.Flatten(),
        keras.layers.Dense(2048, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(2048, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


def confusion_matrix(y_true, y_pred, num_classes=10):
    """The confusion matrix M: M[i, j] counts the examples of true class i predicted as j.

    y_true, y_pred: class labels 0 .. num_classes - 1, of shape (N,) or (N, 1) (CIFAR-10's
    labels come as (N, 1)). Rows are the TRUE classes, columns the PREDICTED ones.
    Returns an int array of shape (num_classes, num_classes).
    """
    ### BEGIN SOLUTION
    y_true = np.asarray(y_true).ravel().astype(int)
    y_pred = np.asarray(y_pred).ravel().astype(int)
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    for true, predicted in zip(y_true, y_pred):
        matrix[true, predicted] += 1
    return matrix
    ### END SOLUTION


def per_class_accuracy(matrix):
    """Each class's accuracy: the share of its examples classified right, from a confusion
    matrix (rows: true classes). The diagonal over the row sums; 0.0 for a class with no
    examples. Returns a float array of shape (num_classes,).
    """
    ### BEGIN SOLUTION
    matrix = np.asarray(matrix, dtype=float)
    right = np.diag(matrix)
    examples = matrix.sum(axis=1)
    return np.divide(right, examples, out=np.zeros_like(right), where=examples > 0)
    ### END SOLUTION
