"""Hidden checks for the `flowers-cnn` assignment (course activity 5).

    test_load            load_flowers(directory), called in the kernel on the student's
                         training folder and on a small folder of the grader's own (other
                         classes, other image sizes): two datasets, class names in the
                         folders' order, batches of [settings] batch_size images of
                         image_size x 3 floats, integer labels, [settings]
                         validation_split of the files held back, no file in both
    test_augmentation    build_augmentation(), rebuilt here: at least two kinds of random
                         layer; on the grader's photos it changes them with training=True
                         and returns them unchanged (same shape) with training=False
    test_model           build_model(): the augmentation and a Rescaling(1/255) before the
                         first convolutions, at least two Conv2D, pooling after one, 5
                         outputs ([model] of assignment.toml); input, output against the
                         loss
    test_accuracy        the trained `model` on the grader's held-out photos (raw 0..255
                         pixels resized as image_dataset_from_directory does), in the four
                         steps of the declared thresholds
    test_training_time   the `train` cell within 3 x the reference solution's time on this
                         device, and a model well above chance

Keras 3 keeps random layers inactive in predict even when a functional model calls
them with training=True, so the model itself needs no check of that: the augmentation
is judged on its own, where a non-random layer in it (Rescaling, cropping) would act at
inference too.
"""
from __future__ import annotations

import numpy as np

from autograder.assignments import here
from autograder.checks import grade
from autograder.checks.folder_loading import loader_checks
from autograder.checks.structure import describe_layers
from autograder.checks.trained_models import built_model, held_out, image_classifier_checks

ASSIGNMENT = here(__file__)
DATASET, = ASSIGNMENT.datasets
AUGMENTATION = tuple(ASSIGNMENT.settings["augmentation"])

# --------------------------------------------------------------------------- 1. load_flowers

globals().update(loader_checks(ASSIGNMENT, "load_flowers", label_mode="int"))


# --------------------------------------------------------------------------- 2. augmentation

def _photos() -> np.ndarray:
    """A few of the grader's held-out photos, pixels 0..255."""
    x, _, _, _ = held_out(DATASET)
    return x[:8]


@grade("test_augmentation", 2.0)
def test_augmentation_has_two_kinds_of_random_layer(student):
    augmentation = built_model(student, "build_augmentation").model
    kinds = {layer.kind for layer in describe_layers(augmentation, flatten=True)}
    found = sorted(kinds & set(AUGMENTATION))
    assert len(found) >= 2, (
        f"build_augmentation() has {len(found)} kind(s) of random layer"
        + (f" ({', '.join(found)})" if found else "")
        + f": use at least two of {', '.join(AUGMENTATION)}")


@grade("test_augmentation")
def test_augmentation_changes_training_images(student):
    augmentation = built_model(student, "build_augmentation").model
    photos = _photos()
    changed = np.asarray(augmentation(photos, training=True))
    assert changed.shape == photos.shape, (
        f"build_augmentation() turns photos of shape {photos.shape[1:]} into "
        f"{changed.shape[1:]}: keep the image size (no cropping or resizing)")
    assert not np.allclose(changed, photos), ("build_augmentation() left the photos "
                                              "unchanged with training=True")


@grade("test_augmentation", 2.0)
def test_augmentation_is_inactive_at_inference(student):
    augmentation = built_model(student, "build_augmentation").model
    photos = _photos()
    kept = np.asarray(augmentation(photos, training=False))
    assert kept.shape == photos.shape and np.allclose(kept, photos, atol=1e-3), (
        "build_augmentation() changes the photos with training=False: at inference (predict, "
        "evaluate) the augmentation must return them as they are (random layers only, "
        "no Rescaling or resizing in it)")


# --------------------------------------------------------------------------- 3-5. the model,
# its accuracy, the training time: the checks every image classifier shares (after the
# above, so that the checks run in the notebook's order)

globals().update(image_classifier_checks(ASSIGNMENT, preprocess=False))
