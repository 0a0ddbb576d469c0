"""Reference solution of the `flowers-cnn` assignment, written as a student would.

The course's activity 5: five species of flower from a folder of photos, one
subfolder per class, read with keras.utils.image_dataset_from_directory, and a
convolutional network that augments its training images with Keras 3's
preprocessing layers (ImageDataGenerator is gone). `dlgrade build` copies the
functions into the notebook verbatim (the training cell is in notebook.md).
"""
import keras

IMAGE_SIZE = (64, 64)
BATCH_SIZE = 32


def load_flowers(directory):
    """(train_ds, val_ds) from a folder holding one subfolder of images per class.

    Images resized to IMAGE_SIZE, in batches of BATCH_SIZE, integer labels in the order
    of the class folders' names; 20% of the files held back for validation (one call
    with subset="both", or two calls with the same seed). Return the datasets as
    image_dataset_from_directory gives them (they carry class_names).
    """
    ### BEGIN SOLUTION
    return keras.utils.image_dataset_from_directory(
        directory, validation_split=0.2, subset="both", seed=123,
        image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)
    ### END SOLUTION


def build_augmentation():
    """A Sequential model of random transformations for the training images: at least two
    kinds (flip, rotation, zoom...). Keras applies them while training only."""
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomRotation(0.1),
        keras.layers.RandomZoom(0.1),
    ], name="augmentation")
    ### END SOLUTION


def build_model():
    """The course's flower CNN, compiled and untrained: 64x64x3 images of pixels 0..255 in
    (start with keras.Input), the augmentation, Rescaling to [0, 1], three convolution
    blocks (Conv2D with relu, then MaxPooling2D), Dropout, Flatten, a hidden Dense layer and
    an output Dense layer of 5 neurons with softmax. Compile it with the adam optimizer, the
    sparse_categorical_crossentropy loss and the accuracy metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(*IMAGE_SIZE, 3)),
        build_augmentation(),
        keras.layers.Rescaling(1.0 / 255),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Dropout(0.2),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(5, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION
