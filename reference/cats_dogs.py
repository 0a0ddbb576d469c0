"""Cats vs dogs, the course's binary CNN: a folder of JPEG files per class.

The real set is the filtered cats and dogs of TensorFlow's tutorials (Kaggle's photos,
3,000 of them), as `keras.utils.get_file` extracts it into its cache:
`$KERAS_HOME/datasets/cats_and_dogs_filtered/cats_and_dogs_filtered/` holding
`train/{cats,dogs}` (1,000 photos a class) and `validation/{cats,dogs}` (500 a class).
The student's kernel gets the train folder; the grader keeps the validation folder as
its test set. An instructor copy is the same folder under `$DLGRADE_DATA/`. Without
either, the embedded stand-in is generated in the same layout: drawn faces of cats
(pointed ears standing up, whiskers) and dogs (long ears hanging down, a broad muzzle),
fur colours shared by both, so that only the shapes tell them apart.
"""
from __future__ import annotations

import numpy as np

from reference.folders import FolderSource

NAME = "cats_vs_dogs"
CLASSES = ("cats", "dogs")   # label 0 and 1, the folders' alphabetical order
URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
FOLDER = "cats_and_dogs_filtered"
REAL_COUNTS = {"cats": 1500, "dogs": 1500}
STAND_IN_WORDS = ("generated faces of cats and dogs (400 training and 100 test pictures a class, "
                  "JPEG files in cats_and_dogs_filtered's folder layout), not the real photos")
FURS = ((205, 125, 55), (125, 125, 125), (45, 40, 35), (235, 230, 215), (150, 100, 60))


def _ellipse(rows, cols, cy, cx, ry, rx):
    return ((rows - cy) / ry) ** 2 + ((cols - cx) / rx) ** 2 < 1


def _triangle(rows, cols, apex, left, right):
    """Inside the triangle of three (row, col) points."""
    def side(a, b):
        return (b[1] - a[1]) * (rows - a[0]) - (b[0] - a[0]) * (cols - a[1])
    d1, d2, d3 = side(apex, left), side(left, right), side(right, apex)
    return ((d1 >= 0) & (d2 >= 0) & (d3 >= 0)) | ((d1 <= 0) & (d2 <= 0) & (d3 <= 0))


def animal(kind: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """One uint8 RGB face: a cat (kind 0) or a dog (kind 1), on a plain background."""
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    size = min(height, width)
    r = rng.uniform(0.2, 0.27) * size
    cy = height * 0.55 + rng.uniform(-0.06, 0.06) * size
    cx = width / 2 + rng.uniform(-0.1, 0.1) * size
    fur = np.array(FURS[int(rng.integers(len(FURS)))]) * rng.uniform(0.85, 1.1)
    shade = fur * rng.uniform(0.55, 0.8)
    picture = np.empty((height, width, 3))
    picture[:] = rng.uniform(30, 230, 3)  # the background tells nothing

    def paint(mask, colour):
        picture[mask] = colour

    if kind == 0:    # cat: two pointed ears standing up
        for side in (-1, 1):
            spread = rng.uniform(0.5, 0.7)
            apex = (cy - r * rng.uniform(1.45, 1.7), cx + side * r * (spread + 0.15))
            base = (cy - r * 0.55, cx + side * r * (spread - 0.45)), (cy - r * 0.35, cx + side * r * (spread + 0.45))
            paint(_triangle(rows, cols, apex, *base), fur)
            inner = (apex[0] + 0.3 * r, apex[1]), (base[0][0] - 0.05 * r, base[0][1] + side * 0.15 * r), \
                (base[1][0] - 0.15 * r, base[1][1] - side * 0.15 * r)
            paint(_triangle(rows, cols, *inner), (230, 150, 160))
    paint(_ellipse(rows, cols, cy, cx, r * rng.uniform(0.9, 1.05), r), fur)
    for side in (-1, 1):  # eyes
        paint(_ellipse(rows, cols, cy - 0.2 * r, cx + side * 0.4 * r, 0.12 * r, 0.12 * r), (20, 20, 20))
    if kind == 0:    # a small pink nose and whiskers
        paint(_ellipse(rows, cols, cy + 0.2 * r, cx, 0.07 * r, 0.1 * r), (225, 120, 140))
        for side in (-1, 1):
            for tilt in (-0.25, 0.0, 0.25):
                along = side * (cols - cx)
                line = (along > 0.3 * r) & (along < 1.35 * r) & \
                       (np.abs(rows - (cy + 0.32 * r + tilt * (along - 0.3 * r))) < max(0.6, 0.03 * r))
                paint(line, (245, 245, 245) if fur.mean() < 150 else (30, 30, 30))
    else:            # dog: long ears hanging beside the head, a broad muzzle, a big nose
        for side in (-1, 1):
            paint(_ellipse(rows, cols, cy + r * rng.uniform(0.05, 0.35), cx + side * r * rng.uniform(0.9, 1.05),
                           r * rng.uniform(0.65, 0.85), r * rng.uniform(0.25, 0.35)), shade)
        paint(_ellipse(rows, cols, cy + 0.4 * r, cx, 0.38 * r, 0.5 * r), np.minimum(fur * 1.25 + 25, 255))
        paint(_ellipse(rows, cols, cy + 0.25 * r, cx, 0.14 * r, 0.22 * r), (15, 15, 15))
    picture += rng.normal(0, 10, picture.shape)
    return np.clip(picture, 0, 255).astype(np.uint8)


SOURCE = FolderSource(
    name=NAME, classes=CLASSES, url=URL, folder=FOLDER,
    about="cats and dogs (Kaggle's photos, TensorFlow's filtered set): 3,000 JPEG files, "
          "train and validation folders of two classes",
    size="66 MB", real_counts=REAL_COUNTS, draw=animal, stand_in_words=STAND_IN_WORDS,
    stand_in_per_class=400, stand_in_test_per_class=100, probe_classes=("foxes", "wolves"),
    train_dir="train", test_dir="validation", picture_sides=(80, 160), version=2)
