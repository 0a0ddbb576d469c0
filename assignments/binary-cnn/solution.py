"""Reference solution of the `binary-cnn` assignment, written as a student would.

The course's companion binary CNN: cats vs dogs from a folder of photos (one subfolder
per class), one sigmoid output for the probability of a dog, binary cross-entropy,
the threshold-0.5 decision, and the metrics the course teaches (accuracy, error,
confusion matrix). `dlgrade build` copies the functions into the notebook verbatim
(the training and evaluation cells are in notebook.md).
"""
import keras
import numpy as np

IMAGE_SIZE = (64, 64)
BATCH_SIZE = 32


def load_cats_dogs(directory):
    """(train_ds, val_ds) from a folder holding a subfolder of photos per class (cats, dogs).

    Images resized to IMAGE_SIZE, in batches of BATCH_SIZE, one float label per photo
    (label_mode="binary": 0.0 for cats, 1.0 for dogs, the folders' alphabetical order);
    20% of the photos held back for validation (one call with subset="both", or two
    calls with the same seed). Return the datasets as image_dataset_from_directory
    gives them.
    """
    ### BEGIN SOLUTION
    return keras.utils.image_dataset_from_directory(
        directory, label_mode="binary", validation_split=0.2, subset="both", seed=123,
        image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)
    ### END SOLUTION


def build_model():
    """The course's binary CNN, compiled and untrained: 64x64x3 photos of pixels 0..255 in
    (start with keras.Input), Rescaling to [0, 1], Conv2D with 32 filters of 3x3, "same"
    padding and relu, MaxPooling2D of 2x2, Flatten, Dense 128 relu, and one output neuron
    with sigmoid (the probability of a dog). Compile it with the adam optimizer, the
    binary_crossentropy loss and the accuracy metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(*IMAGE_SIZE, 3)),
        keras.layers.Rescaling(1.0 / 255),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


def decide(probabilities, threshold=0.5):
    """The class of each photo from the model's probabilities of a dog (what predict gives:
    shape (N, 1), or (N,)): 1 (dog) where the probability is above `threshold`, else 0
    (cat). Returns integers 0 and 1, one per photo, shape (N,)."""
    ### BEGIN SOLUTION
    return (np.asarray(probabilities).reshape(-1) > threshold).astype(int)
    ### END SOLUTION


def binary_metrics(labels, predicted):
    """The metrics of two-class predictions: a dict with "accuracy" (the share right),
    "error" (the share wrong) and "confusion_matrix" (2x2 counts: rows are the true
    classes, columns the predicted ones, so [[TN, FP], [FN, TP]] with dogs as positive).
    `labels` as the dataset gives them (floats 0.0 / 1.0, shape (N, 1)) or (N,);
    `predicted` as decide gives them, shape (N,) (or (N, 1))."""
    ### BEGIN SOLUTION
    labels = np.asarray(labels).reshape(-1).astype(int)
    predicted = np.asarray(predicted).reshape(-1).astype(int)
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    accuracy = float(np.mean(labels == predicted))
    return {"accuracy": accuracy, "error": 1 - accuracy, "confusion_matrix": matrix}
    ### END SOLUTION
