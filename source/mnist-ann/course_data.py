"""The course's datasets, loaded the same way on your computer and in the grader.

    from course_data import load_data
    (x_train, y_train), (x_val, y_val) = load_data("mnist")

You get the training images, with the last tenth of them held back as a
validation set. The official test images are not here: the grader keeps them
and measures your model on them, so training on them could not help anyway.

In the grader, the arrays come from the files it prepared for your kernel (the
same data it measures your model with; it prints where they came from). On your
own computer, from Keras's own loader (`keras.datasets`), which downloads the
dataset once.

(The grader copies this file into every model assignment; it imports nothing
of the grader's.)
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

VALIDATION_FRACTION = 0.1
DATA_DIRS_VARIABLE = "DLGRADE_STUDENT_DATA"
DATASETS = ("mnist", "fashion_mnist")


def validation_split(x, y, fraction: float = VALIDATION_FRACTION):
    """(x_train, y_train), (x_val, y_val): the last `fraction` of the examples held back."""
    keep = len(x) - max(1, int(round(len(x) * fraction)))
    return (x[:keep], y[:keep]), (x[keep:], y[keep:])


def file_name(name: str) -> str:
    return f"{name}.npz"


def _prepared(name: str):
    for folder in filter(None, os.environ.get(DATA_DIRS_VARIABLE, "").split(os.pathsep)):
        path = Path(folder) / file_name(name)
        if path.is_file():
            with np.load(path, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
            return arrays
    return None


def load_data(name: str, verbose: bool = True):
    """(x_train, y_train), (x_val, y_val) of the dataset `name` ("mnist" or "fashion_mnist").

    Images are uint8 arrays of shape (N, 28, 28) with values 0..255; labels are
    integers 0..9.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}: use one of {', '.join(DATASETS)}")
    arrays = _prepared(name)
    if arrays is not None:
        if verbose:
            print(f"{name}: {arrays['source']}")
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_val"], arrays["y_val"])
    import keras

    (x, y), _ = getattr(keras.datasets, name).load_data()
    if verbose:
        print(f"{name}: from Keras (keras.datasets.{name})")
    return validation_split(x, y)
