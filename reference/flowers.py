"""The flowers of the course's activity 5: five species, a folder of JPEG files per class.

The real set is TensorFlow's flower_photos (3,670 photos: daisy 633, dandelion 898,
roses 641, sunflowers 699, tulips 799), as `keras.utils.get_file` extracts it into
its cache: `$KERAS_HOME/datasets/flower_photos/flower_photos/<class>/*.jpg`. An
instructor copy is the same folder under `$DLGRADE_DATA/flower_photos/`. Without
either, the embedded stand-in is generated: 125 images a class of five visibly
different kinds of flower, of varied sizes, written as JPEG files in the same
layout, so the students' `image_dataset_from_directory` reads it as it reads the
real one.

The grader holds out every fifth file of a class (in name order, 20%) and measures
on it; the student's kernel sees the other files only.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from reference import data
from reference.data import DOWNLOAD_TIMEOUT, FallbackDataWarning, _socket_timeout

NAME = "flowers"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
URL = "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
FOLDER = "flower_photos"      # get_file's extraction folder, and the archive's own top folder
REAL_COUNTS = {"daisy": 633, "dandelion": 898, "roses": 641, "sunflowers": 699, "tulips": 799}
# What image_dataset_from_directory reads (other files in a class folder are ignored).
IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
TEST_EVERY = 5                # the 5th, 10th, ... file of each class is held out
IMAGE_SIZE = (64, 64)         # what the grader resizes the held-out images to (the assignment's)
STAND_IN_PER_CLASS = 125
STAND_IN_VERSION = 1          # bump when the generator changes: a new folder is written
STAND_IN_WORDS = ("generated pictures of five kinds of flower (125 a class, JPEG files in "
                  "flower_photos' folder layout), not the real flower photos")


@dataclass(frozen=True)
class FolderDataset:
    """A folder dataset split into the files the student trains on and those the grader keeps."""

    name: str
    folder: Path                                # holds one subfolder per class
    classes: tuple[str, ...]
    train: tuple[tuple[Path, int], ...]         # (file, label)
    test: tuple[tuple[Path, int], ...]
    source: str
    embedded: bool = False
    raw_pixels: bool = True                     # the models rescale inside themselves

    @cached_property
    def x_test(self) -> np.ndarray:
        return read_images([path for path, _ in self.test], IMAGE_SIZE)

    @cached_property
    def y_test(self) -> np.ndarray:
        return np.array([label for _, label in self.test], dtype=np.int32)

    def __repr__(self) -> str:
        return (f"FolderDataset({self.name}: {len(self.train)} training and {len(self.test)} "
                f"held-out files of {len(self.classes)} classes, from {self.source})")


def read_images(paths, size: tuple[int, int]) -> np.ndarray:
    """float32 pixels 0..255, shape (N, height, width, 3): decoded and resized as
    keras.utils.image_dataset_from_directory does (bilinear, no crop)."""
    import tensorflow as tf

    images = []
    for path in paths:
        image = tf.io.decode_image(tf.io.read_file(str(path)), channels=3, expand_animations=False)
        images.append(tf.image.resize(image, size, method="bilinear").numpy())
    return np.stack(images).astype(np.float32) if images else np.zeros((0, *size, 3), np.float32)


def class_files(folder: Path) -> dict[str, list[Path]]:
    """Each class subfolder's image files, in name order (classes in name order too)."""
    found = {}
    for sub in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        found[sub.name] = sorted(p for p in sub.iterdir()
                                 if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    return found


def split(folder: Path, source: str, embedded: bool = False) -> FolderDataset:
    files = class_files(folder)
    if tuple(files) != CLASSES:
        raise FileNotFoundError(f"{folder} holds the classes {', '.join(files) or 'none'}, "
                                f"not {', '.join(CLASSES)}")
    empty = [name for name, paths in files.items() if len(paths) < TEST_EVERY]
    if empty:
        raise FileNotFoundError(f"{folder}: too few images in {', '.join(empty)}")
    train, test = [], []
    for label, name in enumerate(CLASSES):
        for i, path in enumerate(files[name], start=1):
            (test if i % TEST_EVERY == 0 else train).append((path, label))
    return FolderDataset(NAME, Path(folder), CLASSES, tuple(train), tuple(test), source, embedded)


# --- where it is ---------------------------------------------------------------------------

def keras_folder() -> Path:
    return data.keras_home() / "datasets" / FOLDER / FOLDER


def instructor_copy() -> Path | None:
    for root in filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep)):
        if (Path(root) / FOLDER / CLASSES[0]).is_dir():
            return Path(root) / FOLDER
    return None


def in_keras_cache() -> bool:
    return all((keras_folder() / name).is_dir() for name in CLASSES)


def fetch() -> Path:
    """Download and extract through Keras's own get_file (its progress bar): the class folder."""
    import keras

    with _socket_timeout(DOWNLOAD_TIMEOUT):
        extracted = keras.utils.get_file(FOLDER, origin=URL, extract=True)
    return Path(extracted) / FOLDER


def load(download: bool = False) -> FolderDataset:
    """Keras cache (or download), then $DLGRADE_DATA, then the loud embedded stand-in."""
    tried = []
    if in_keras_cache() or download:
        try:
            folder = keras_folder() if in_keras_cache() else fetch()
            return split(folder, f"Keras ({folder})")
        except Exception as exc:  # noqa: BLE001 - offline, damaged cache
            tried.append(f"Keras cache failed ({type(exc).__name__}: {str(exc)[:200]})")
    else:
        tried.append(f"not in the Keras cache {keras_folder()}")
    copy = instructor_copy()
    if copy is not None:
        try:
            return split(copy, f"DLGRADE_DATA ({copy})")
        except Exception as exc:  # noqa: BLE001 - a damaged copy: said, never graded on
            tried.append(f"unreadable in DLGRADE_DATA {copy} ({type(exc).__name__}: {str(exc)[:200]})")
    else:
        tried.append("not in DLGRADE_DATA")
    folder = stand_in_folder()
    words = (f"EMBEDDED FALLBACK for {NAME}: {STAND_IN_WORDS}. The real data was not found "
             f"({'; '.join(tried)}). Put it in the Keras cache or $DLGRADE_DATA for real results.")
    warnings.warn(words, FallbackDataWarning, stacklevel=2)
    return split(folder, words, embedded=True)


# --- the embedded stand-in -------------------------------------------------------------------

def stand_in_folder() -> Path:
    """The generated stand-in, written once per machine and user (atomically)."""
    base = Path(tempfile.gettempdir()) / f"dlgrade-{os.getuid()}"
    folder = base / f"{FOLDER}-stand-in-v{STAND_IN_VERSION}"
    if (folder / ".complete").is_file():
        return folder
    base.mkdir(mode=0o755, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=base, prefix=".partial-"))
    write_stand_in(partial)
    (partial / ".complete").write_text("ok\n")
    os.chmod(partial, 0o755)  # kernels (another uid) are shown copies, never this folder
    try:
        os.rename(partial, folder)
    except OSError:  # another process wrote it first
        import shutil

        shutil.rmtree(partial, ignore_errors=True)
    return folder


def write_stand_in(folder: Path, per_class: int = STAND_IN_PER_CLASS, seed: int = 0) -> None:
    from PIL import Image

    rng = np.random.default_rng(seed)
    for label, name in enumerate(CLASSES):
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            height, width = (int(v) for v in rng.integers(72, 128, size=2))
            picture = flower(label, height, width, rng)
            Image.fromarray(picture).save(folder / name / f"{name}_{i:04d}.jpg", quality=90)


PROBE_CLASSES = ("anemone", "bluebell", "crocus")  # none of the five: a loader must read its folder
PROBE_PER_CLASS = 10


def write_probe(folder: Path, seed: int = 1) -> None:
    """A small folder of the grader's own: three other classes, other image sizes."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    for kind, name in enumerate(PROBE_CLASSES):
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(PROBE_PER_CLASS):
            height, width = (int(v) for v in rng.integers(40, 100, size=2))
            Image.fromarray(flower(kind, height, width, rng)).save(folder / name / f"{i:02d}.jpg")


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


def files_digest(dataset: FolderDataset) -> str:
    """Which training files the student gets, and their bytes: the prepared copy's fingerprint."""
    digest = hashlib.sha256()
    for path, label in dataset.train:
        digest.update(f"{label}/{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
