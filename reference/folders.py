"""Folder datasets: image files in one subfolder per class, the layout
`keras.utils.image_dataset_from_directory` reads (the flower photos, cats vs dogs).

A `FolderSource` says where a published set lives and how the grader splits it: the
archive Keras's `get_file` extracts into its cache
(`$KERAS_HOME/datasets/<folder>/<folder>/...`), an instructor copy under
`$DLGRADE_DATA/<folder>/`, else a generated stand-in written as JPEG files in the
same layout, so the students' loader reads it as it reads the real one. The grader
keeps the held-out files (a test folder of the set's own, or every fifth file of a
class) and measures on them; the student's kernel sees the training files only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Callable

import numpy as np

from reference import data
from reference.data import DOWNLOAD_TIMEOUT, FallbackDataWarning, _socket_timeout

# What image_dataset_from_directory reads (other files in a class folder are ignored).
IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
TEST_EVERY = 5                # without a test folder: the 5th, 10th, ... file of a class is held out
PROBE_PER_CLASS = 10


@dataclass(frozen=True)
class FolderDataset:
    """A folder dataset split into the files the student trains on and those the grader keeps."""

    name: str
    folder: Path                                # the set's top folder
    classes: tuple[str, ...]
    train: tuple[tuple[Path, int], ...]         # (file, label)
    test: tuple[tuple[Path, int], ...]
    source: str
    embedded: bool = False
    image_size: tuple[int, int] = (64, 64)      # what the grader resizes the held-out images to
    raw_pixels: bool = True                     # the models rescale inside themselves

    @cached_property
    def x_test(self) -> np.ndarray:
        return read_images([path for path, _ in self.test], self.image_size)

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


def files_digest(dataset: FolderDataset) -> str:
    """Which training files the student gets, and their bytes: the prepared copy's fingerprint."""
    digest = hashlib.sha256()
    for path, label in dataset.train:
        digest.update(f"{label}/{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


Drawing = Callable[[int, int, int, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class FolderSource:
    """A published folder dataset, where it is found, how the grader splits it, and its
    stand-in. `draw(kind, height, width, rng)` paints one uint8 RGB picture of class `kind`."""

    name: str                         # as course_data names it
    classes: tuple[str, ...]
    url: str
    folder: str                       # get_file's name, and the archive's own top folder
    about: str
    size: str                         # the download
    real_counts: dict[str, int]       # files per class in the published set (train and test)
    draw: Drawing
    stand_in_words: str
    stand_in_per_class: int           # training files a class (all files without a test folder)
    probe_classes: tuple[str, ...]    # the grader's own small folder: none of `classes`
    train_dir: str = ""               # under the top folder: the training class folders
    test_dir: str | None = None       # the held-out class folders; None: every TEST_EVERY-th file
    stand_in_test_per_class: int = 0  # with a test folder
    image_size: tuple[int, int] = (64, 64)
    picture_sides: tuple[int, int] = (72, 128)  # the stand-in's sizes, from, to
    version: int = 1                  # bump when the drawing changes: a new folder is written

    # --- where it is

    def keras_folder(self) -> Path:
        return data.keras_home() / "datasets" / self.folder / self.folder

    def instructor_copy(self) -> Path | None:
        for root in filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep)):
            if (Path(root) / self.folder / self.train_dir / self.classes[0]).is_dir():
                return Path(root) / self.folder
        return None

    def in_keras_cache(self) -> bool:
        top = self.keras_folder()
        return all((top / part / name).is_dir() for part in self._parts() for name in self.classes)

    def _parts(self) -> tuple[str, ...]:
        return (self.train_dir,) + ((self.test_dir,) if self.test_dir is not None else ())

    def fetch(self) -> Path:
        """Download and extract through Keras's own get_file (its progress bar): the top folder."""
        import keras

        with _socket_timeout(DOWNLOAD_TIMEOUT):
            extracted = keras.utils.get_file(self.folder, origin=self.url, extract=True)
        return Path(extracted) / self.folder

    # --- the split

    def split(self, top: Path, source: str, embedded: bool = False) -> FolderDataset:
        top = Path(top)
        files = self._read_classes(top / self.train_dir)
        train, test = [], []
        if self.test_dir is None:
            for label, name in enumerate(self.classes):
                for i, path in enumerate(files[name], start=1):
                    (test if i % TEST_EVERY == 0 else train).append((path, label))
        else:
            held = self._read_classes(top / self.test_dir)
            for label, name in enumerate(self.classes):
                train += [(path, label) for path in files[name]]
                test += [(path, label) for path in held[name]]
        return FolderDataset(self.name, top, self.classes, tuple(train), tuple(test), source,
                             embedded, self.image_size)

    def _read_classes(self, folder: Path) -> dict[str, list[Path]]:
        files = class_files(folder)
        if tuple(files) != self.classes:
            raise FileNotFoundError(f"{folder} holds the classes {', '.join(files) or 'none'}, "
                                    f"not {', '.join(self.classes)}")
        least = TEST_EVERY if self.test_dir is None else 1
        empty = [name for name, paths in files.items() if len(paths) < least]
        if empty:
            raise FileNotFoundError(f"{folder}: too few images in {', '.join(empty)}")
        return files

    def load(self, download: bool = False) -> FolderDataset:
        """Keras cache (or download), then $DLGRADE_DATA, then the loud embedded stand-in."""
        tried = []
        if self.in_keras_cache() or download:
            try:
                top = self.keras_folder() if self.in_keras_cache() else self.fetch()
                return self.split(top, f"Keras ({top})")
            except Exception as exc:  # noqa: BLE001 - offline, damaged cache
                tried.append(f"Keras cache failed ({type(exc).__name__}: {str(exc)[:200]})")
        else:
            tried.append(f"not in the Keras cache {self.keras_folder()}")
        copy = self.instructor_copy()
        if copy is not None:
            try:
                return self.split(copy, f"DLGRADE_DATA ({copy})")
            except Exception as exc:  # noqa: BLE001 - a damaged copy: said, never graded on
                tried.append(f"unreadable in DLGRADE_DATA {copy} ({type(exc).__name__}: "
                             f"{str(exc)[:200]})")
        else:
            tried.append("not in DLGRADE_DATA")
        words = (f"EMBEDDED FALLBACK for {self.name}: {self.stand_in_words}. The real data was "
                 f"not found ({'; '.join(tried)}). Put it in the Keras cache or $DLGRADE_DATA "
                 "for real results.")
        warnings.warn(words, FallbackDataWarning, stacklevel=2)
        return self.split(self.stand_in_folder(), words, embedded=True)

    # --- the embedded stand-in

    def stand_in_folder(self) -> Path:
        """The generated stand-in, written once per machine and user (atomically)."""
        base = Path(tempfile.gettempdir()) / f"dlgrade-{os.getuid()}"
        folder = base / f"{self.folder}-stand-in-v{self.version}"
        if (folder / ".complete").is_file():
            return folder
        base.mkdir(mode=0o755, exist_ok=True)
        partial = Path(tempfile.mkdtemp(dir=base, prefix=".partial-"))
        self.write_stand_in(partial)
        (partial / ".complete").write_text("ok\n")
        os.chmod(partial, 0o755)  # kernels (another uid) are shown copies, never this folder
        try:
            os.rename(partial, folder)
        except OSError:  # another process wrote it first
            shutil.rmtree(partial, ignore_errors=True)
        return folder

    def redrawn(self, dataset: FolderDataset, seed: int) -> FolderDataset:
        """The stand-in with its held-out pictures drawn again from `seed`, the grader's own (as
        many a class, written once into a folder only the grader's user reads): none that the
        public generator reproduces. Real data is returned as it is."""
        if not dataset.embedded:
            return dataset
        tag = hashlib.sha256(f"{self.name}:{seed}".encode()).hexdigest()[:16]
        base = Path(tempfile.gettempdir()) / f"dlgrade-{os.getuid()}"
        folder = base / f"{self.folder}-held-out-{tag}-v{self.version}"
        if not (folder / ".complete").is_file():
            base.mkdir(mode=0o755, exist_ok=True)
            partial = Path(tempfile.mkdtemp(dir=base, prefix=".partial-"))  # mode 0700
            self._write_pictures(partial, self.classes, max(1, len(dataset.test) // len(self.classes)),
                                 np.random.default_rng(seed), self.picture_sides, prefix="held-out-")
            (partial / ".complete").write_text("ok\n")
            try:
                os.rename(partial, folder)
            except OSError:  # another process wrote it first
                shutil.rmtree(partial, ignore_errors=True)
        held = class_files(folder)
        test = tuple((path, label) for label, name in enumerate(self.classes) for path in held[name])
        return replace(dataset, test=test)

    def write_stand_in(self, top: Path, per_class: int | None = None, seed: int = 0,
                       test_per_class: int | None = None) -> None:
        """Generated pictures in the published layout under `top` (the set's top folder)."""
        rng = np.random.default_rng(seed)
        counts = [(self.train_dir, per_class or self.stand_in_per_class)]
        if self.test_dir is not None:
            counts.append((self.test_dir, test_per_class or self.stand_in_test_per_class))
        for part, count in counts:
            self._write_pictures(Path(top) / part, self.classes, count, rng, self.picture_sides)

    def write_probe(self, folder: Path, seed: int = 1) -> None:
        """A small folder of the grader's own: other classes, other image sizes."""
        self._write_pictures(Path(folder), self.probe_classes, PROBE_PER_CLASS,
                             np.random.default_rng(seed), (40, 100))

    def _write_pictures(self, folder: Path, names, count: int, rng, sides, prefix: str = "") -> None:
        from PIL import Image

        for kind, name in enumerate(names):
            (folder / name).mkdir(parents=True, exist_ok=True)
            for i in range(count):
                height, width = (int(v) for v in rng.integers(*sides, size=2))
                picture = self.draw(kind % len(self.classes), height, width, rng)
                Image.fromarray(picture).save(folder / name / f"{prefix}{name}_{i:04d}.jpg", quality=90)


def source(name: str) -> FolderSource:
    """The folder dataset `name` (a KeyError for any other)."""
    from reference import cats_dogs, flowers

    return {found.name: found for found in (flowers.SOURCE, cats_dogs.SOURCE)}[name]
