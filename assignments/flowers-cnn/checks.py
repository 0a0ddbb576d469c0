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

from autograder import datasets
from autograder.assignments import here
from autograder.checks import grade
from autograder.checks.hints import with_hint
from autograder.checks.structure import describe_layers
from autograder.checks.trained_models import built_model, held_out, image_classifier_checks, memo
from reference import flowers

ASSIGNMENT = here(__file__)
DATASET, = ASSIGNMENT.datasets
SETTINGS = ASSIGNMENT.settings
IMAGE_SIZE = tuple(SETTINGS["image_size"])
BATCH_SIZE = int(SETTINGS["batch_size"])
VALIDATION = float(SETTINGS["validation_split"])
AUGMENTATION = tuple(SETTINGS["augmentation"])
LOADER = "load_flowers"

# --------------------------------------------------------------------------- 1. load_flowers

def _folders(student):
    root = student.context["course_root"]
    return datasets.student_folder(root, DATASET), datasets.probe_folder(root, DATASET)


def _loaded(student, folder):
    """What load_flowers(folder) returned, described by the kernel: [train, val]."""
    def load():
        result = student.function(LOADER, datasets=True)(str(folder))
        kinds = [part.get("type") for part in result] if isinstance(result, list) else None
        assert kinds == ["Dataset", "Dataset"], (
            f"{LOADER}() must return (train_ds, val_ds), two datasets; it returned "
            + (f"{len(kinds)} value(s) of type {', '.join(map(str, kinds))}" if kinds is not None
               else f"a {result.get('type') if isinstance(result, dict) else type(result).__name__}"))
        return result
    return memo(student, f"loaded:{folder}", load)


def _expected(folder) -> tuple[tuple[str, ...], int]:
    files = flowers.class_files(folder)
    return tuple(files), sum(len(paths) for paths in files.values())


def _class_names(part: dict, which: str) -> list[str]:
    names = part.get("class_names")
    assert names is not None, (
        f"the {which} dataset has no class_names: return the datasets as "
        "image_dataset_from_directory gives them (cache, map or prefetch them in the "
        "training cell, not in load_flowers)")
    return names


@grade("test_load", 2.0)
def test_load_class_names_in_folder_order(student):
    student_folder, _ = _folders(student)
    train, val = _loaded(student, student_folder)
    classes, _ = _expected(student_folder)
    for part, which in ((train, "training"), (val, "validation")):
        names = _class_names(part, which)
        assert tuple(names) == classes, with_hint(AssertionError(
            f"the {which} dataset's class names are {names}, not the folders' "
            f"{list(classes)}"), "Keras numbers the classes in the alphabetical order of the "
                                 "subfolders: leave class_names out (the grader's labels follow "
                                 "that order)" if sorted(names) == list(classes) else None)


@grade("test_load", 2.0)
def test_load_batches_of_resized_colour_images(student):
    train, val = _loaded(student, _folders(student)[0])
    want = [-1, *IMAGE_SIZE, 3]
    for part, which in ((train, "training"), (val, "validation")):
        images = part["spec"][0]
        assert images["shape"] == want and images["dtype"] == "float32", (
            f"the {which} dataset's images are {images['dtype']} of shape "
            f"{_shape(images['shape'])}; expected float32 batches of shape {_shape(want)} "
            f"(image_size={IMAGE_SIZE}, color_mode \"rgb\")")
    batch = train.get("first_batch")
    assert batch == BATCH_SIZE, (f"the training dataset's first batch holds {batch} images, "
                                 f"not {BATCH_SIZE} (batch_size={BATCH_SIZE})")


@grade("test_load")
def test_load_integer_labels(student):
    train, _ = _loaded(student, _folders(student)[0])
    if len(train["spec"]) < 2:
        raise AssertionError("the training dataset gives images without labels "
                             "(label_mode=None): the exercise uses integer labels")
    labels = train["spec"][1]
    assert labels["shape"] == [-1] and labels["dtype"].startswith("int"), with_hint(
        AssertionError(f"the labels are {labels['dtype']} of shape {_shape(labels['shape'])}, "
                       "not one integer per image (shape (batch,))"),
        "label_mode=\"categorical\" gives one-hot labels; the exercise uses the default "
        "label_mode=\"int\" with the sparse_categorical_crossentropy loss"
        if len(labels["shape"]) == 2 else None)


@grade("test_load", 2.0)
def test_load_holds_back_a_validation_split(student):
    folder = _folders(student)[0]
    train, val = _loaded(student, folder)
    _, total = _expected(folder)
    paths = [part.get("file_paths") for part in (train, val)]
    assert None not in paths, ("the datasets have no file_paths: return them as "
                               "image_dataset_from_directory gives them")
    shared = set(paths[0]) & set(paths[1])
    assert not shared, with_hint(AssertionError(
        f"{len(shared)} photo(s) are in both the training and the validation set"),
        "the two image_dataset_from_directory calls must use the same seed (or one call "
        "with subset=\"both\")")
    expected_val = int(VALIDATION * total)
    n_train, n_val = len(paths[0]), len(paths[1])
    assert (n_train, n_val) == (total - expected_val, expected_val), (
        f"{n_train} training and {n_val} validation photos of the folder's {total}: "
        f"expected {total - expected_val} and {expected_val} (validation_split={VALIDATION})")


@grade("test_load")
def test_load_reads_the_folder_it_is_given(student):
    _, probe = _folders(student)
    train, val = _loaded(student, probe)
    classes, total = _expected(probe)
    names = _class_names(train, "training")
    counted = sum(len(part.get("file_paths") or ()) for part in (train, val))
    assert tuple(names) == classes and counted == total, (
        f"on a folder of the grader's own ({total} photos of the classes {list(classes)}) "
        f"{LOADER}() read the classes {names} ({counted} photos): use its directory "
        "argument, not a folder written into the function")


def _shape(shape) -> str:
    if shape is None:
        return "unknown"
    inner = ", ".join("None" if n == -1 else str(n) for n in shape)
    return f"({inner}{',' if len(shape) == 1 else ''})"


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
