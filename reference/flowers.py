"""The flowers of the course's activity 5: five species, a folder of JPEG files per class.

The real set is TensorFlow's flower_photos (3,670 photos: daisy 633, dandelion 898,
roses 641, sunflowers 699, tulips 799), as `keras.utils.get_file` extracts it into
its cache: `$KERAS_HOME/datasets/flower_photos/flower_photos/<class>/*.jpg`. An
instructor copy is the same folder under `$DLGRADE_DATA/flower_photos/`. Without
either, the embedded stand-in is generated: 125 images a class of five visibly
different kinds of flower, of varied sizes, written as JPEG files in the same
layout. The grader holds out every fifth file of a class (in name order, 20%) and
measures on it; the student's kernel sees the other files only (reference.folders).
"""
from __future__ import annotations

import numpy as np

from reference.folders import FolderDataset, FolderSource, class_files, files_digest, read_images  # noqa: F401

NAME = "flowers"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
URL = "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
FOLDER = "flower_photos"      # get_file's extraction folder, and the archive's own top folder
REAL_COUNTS = {"daisy": 633, "dandelion": 898, "roses": 641, "sunflowers": 699, "tulips": 799}
IMAGE_SIZE = (64, 64)         # what the grader resizes the held-out images to (the assignment's)
STAND_IN_PER_CLASS = 125
STAND_IN_WORDS = ("generated pictures of five kinds of flower (125 a class, JPEG files in "
                  "flower_photos' folder layout), not the real flower photos")
PROBE_CLASSES = ("anemone", "bluebell", "crocus")  # none of the five: a loader must read its folder


def flower(kind: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """One uint8 RGB picture of flower `kind` (an index of CLASSES) on a plain background."""
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    size = min(height, width)
    radius = rng.uniform(0.28, 0.42) * size
    cy = height / 2 + rng.uniform(-0.12, 0.12) * size
    cx = width / 2 + rng.uniform(-0.12, 0.12) * size
    dy, dx = rows - cy, cols - cx
    r = np.hypot(dy, dx) / radius
    theta = np.arctan2(dy, dx) + rng.uniform(0, 2 * np.pi)
    leaf = np.array([rng.uniform(30, 90), rng.uniform(100, 170), rng.uniform(20, 70)])
    sky = np.array([rng.uniform(90, 150), rng.uniform(150, 200), rng.uniform(210, 255)])
    picture = np.empty((height, width, 3))
    picture[:] = sky if rng.random() < 0.4 else leaf  # the background tells nothing
    picture *= rng.uniform(0.75, 1.1)

    def paint(mask, colour):
        picture[mask] = colour

    petals = int(rng.integers(10, 16))
    if kind == 0:    # daisy: white petals round a small yellow heart
        paint(r < 0.55 + 0.45 * np.abs(np.cos(petals / 2 * theta)), rng.uniform(225, 255, 3))
        paint(r < 0.22, [rng.uniform(220, 255), rng.uniform(170, 210), 20])
    elif kind == 1:  # dandelion: a round yellow puff of fine rays
        rays = 0.85 + 0.15 * np.cos(48 * theta)
        mask = r < rays
        picture[mask] = np.array([245, 205, 25]) * (0.8 + 0.2 * np.cos(40 * theta[mask]))[:, None]
    elif kind == 2:  # rose: a red disc of darker spiral rings
        mask = r < 0.9
        ring = 0.75 + 0.25 * np.sign(np.sin(14 * r[mask] + 2 * theta[mask]))
        picture[mask] = np.array([rng.uniform(170, 230), 20, rng.uniform(30, 80)]) * ring[:, None]
    elif kind == 3:  # sunflower: long yellow petals round a large brown heart
        paint(r < 0.6 + 0.4 * np.abs(np.cos(petals / 2 * theta)), [250, rng.uniform(190, 220), 10])
        paint(r < 0.45, [rng.uniform(60, 100), rng.uniform(35, 55), 10])
    else:            # tulip: a cup on a stem, red, pink, purple or orange
        colour = [(220, 30, 50), (235, 120, 170), (130, 40, 150), (240, 130, 20)][int(rng.integers(4))]
        stem = (np.abs(dx) < 0.06 * radius) & (dy > 0)
        paint(stem, [40, 120, 40])
        cup = (dy / radius > -0.75) & (dy / radius < 0.45) & \
              (np.abs(dx) / radius < 0.75 * np.sqrt(np.clip(1 - ((dy / radius - 0.45) / 1.0) ** 2, 0, 1)))
        notch = (dy / radius < -0.5) & (np.abs(np.sin(3 * np.pi * dx / radius)) > 0.6)
        paint(cup & ~notch, colour)
    picture += rng.normal(0, 12, picture.shape)
    return np.clip(picture, 0, 255).astype(np.uint8)


SOURCE = FolderSource(
    name=NAME, classes=CLASSES, url=URL, folder=FOLDER,
    about="TensorFlow's flower photos: 3,670 JPEG files of 5 species, a folder per class",
    size="218 MB", real_counts=REAL_COUNTS, draw=flower, stand_in_words=STAND_IN_WORDS,
    stand_in_per_class=STAND_IN_PER_CLASS, probe_classes=PROBE_CLASSES, image_size=IMAGE_SIZE)

load, split, fetch = SOURCE.load, SOURCE.split, SOURCE.fetch
keras_folder, instructor_copy, in_keras_cache = SOURCE.keras_folder, SOURCE.instructor_copy, SOURCE.in_keras_cache
write_stand_in, write_probe = SOURCE.write_stand_in, SOURCE.write_probe
