"""Reference solution of the `transfer-features` and `transfer-finetune` assignments (the
second's solution.py is a link to this file), written as a student would.

The course's activities 6 and 7: the flower photos classified with VGG16's pretrained
convolutional base (include_top=False), frozen, under a new classification head; the
fine-tuning that follows in activity 7 is in that assignment's notebook.md, as are both
training cells. `dlgrade build` copies the functions into the notebooks verbatim.
"""
import keras
from course_data import load_vgg16

IMAGE_SIZE = (64, 64)


def preprocess(images):
    """The photos (pixels 0..255, shape (N, height, width, 3)) as VGG16 takes them:
    keras.applications.vgg16.preprocess_input (RGB to BGR, ImageNet's mean pixel
    subtracted), as float32. Leave the images given unchanged."""
    ### BEGIN SOLUTION
    return keras.applications.vgg16.preprocess_input(keras.ops.cast(images, "float32"))
    ### END SOLUTION


def build_model():
    """VGG16's pretrained base (load_vgg16, 64x64x3 photos in), frozen, under a new head:
    Flatten, Dense(256, relu), Dense(5, softmax). Compiled with adam, the
    sparse_categorical_crossentropy loss and the accuracy metric; untrained."""
    ### BEGIN SOLUTION
    base = load_vgg16(input_shape=(*IMAGE_SIZE, 3), verbose=False)
    base.trainable = False
    model = keras.Sequential([
        keras.Input(shape=(*IMAGE_SIZE, 3)),
        base,
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(5, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION
