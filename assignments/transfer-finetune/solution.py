"""Reference solution of the `transfer-finetune` assignment, written as a student would.

The course's activity 7: a new head on VGG16's pretrained base, the base frozen while
the head trains; then the top block of the base unfrozen, the model recompiled with a
very small learning rate and trained again (fine-tuning). `dlgrade build` copies the
functions into the notebook verbatim (the two training cells are in notebook.md).
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
