"""Datasets for the model assignments, from the most real source there is.

Order: Keras's own loader and cache (`$KERAS_HOME/datasets`, default
`~/.keras/datasets`; downloading only when asked, with a timeout, since Keras's
has none), then an instructor directory (`$DLGRADE_DATA`, the same files in the
same on-disk format), then an embedded fallback that says loudly that it is
one: scikit-learn's bundled handwritten digits for the digit tasks (real data,
8x8 scaled to 28x28), generated stand-ins written and read in Fashion-MNIST's own
gzip IDX format and CIFAR-10's pickled batches for the garments and the colour
images, generated reviews in keras.datasets.imdb's format for the movie reviews
(reference/imdb.py).
"""
from __future__ import annotations

import contextlib
import gzip
import os
import socket
import struct
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reference import imdb

DOWNLOAD_TIMEOUT = 60.0
FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
# CIFAR-10 as Keras 3 keeps it: the archive, extracted beside it into this folder.
CIFAR_ARCHIVE = "cifar-10-batches-py-target_archive"
CIFAR_FOLDER = "cifar-10-batches-py"
CIFAR_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)
CIFAR_LABELS = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                "truck")
FASHION_LABELS = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                  "Sneaker", "Bag", "Ankle boot")


class FallbackDataWarning(UserWarning):
    """The data is an embedded stand-in, not the real dataset."""


@dataclass
class Dataset:
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str              # where the arrays came from, in words
    embedded: bool = False   # True for the fallback stand-in
    word_index: dict | None = None  # a text dataset's words -> frequency ranks

    def __repr__(self) -> str:
        return (f"Dataset({self.name}: train {self.x_train.shape}, test {self.x_test.shape}, "
                f"from {self.source})")


def keras_home() -> Path:
    """Where Keras itself looks: it reads KERAS_HOME once, when it is first imported. Not
    imported yet, Keras is not imported for this (seconds, TensorFlow with it): its rule."""
    if "keras" in sys.modules:
        try:
            from keras.src.backend import config
        except ImportError:
            pass
        else:
            return Path(config.keras_home())
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"])
    base = os.path.expanduser("~")
    return Path(base if os.access(base, os.W_OK) else "/tmp") / ".keras"


@contextlib.contextmanager
def _socket_timeout(seconds: float):
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def scale_pixels(images) -> np.ndarray:
    """The course's preprocessing of 0..255 pixels: float32 in [0, 1], the same shape."""
    return np.asarray(images, dtype=np.float32) / np.float32(255)


# --- on-disk formats (as Keras writes and reads them) -----------------------------------

def read_npz(path: Path) -> tuple:
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def write_npz(path: Path, train: tuple, test: tuple) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x_train=train[0], y_train=train[1], x_test=test[0], y_test=test[1])


def read_idx_dir(folder: Path) -> tuple:
    """Fashion-MNIST's four gzip IDX files, read exactly as keras.datasets does."""
    arrays = []
    for name in FASHION_FILES:
        with gzip.open(folder / name, "rb") as f:
            raw = f.read()
        arrays.append(np.frombuffer(raw, np.uint8, offset=8 if "labels" in name else 16))
    y_train, x_train, y_test, x_test = arrays
    return ((x_train.reshape(len(y_train), 28, 28), y_train),
            (x_test.reshape(len(y_test), 28, 28), y_test))


def write_idx_dir(folder: Path, train: tuple, test: tuple) -> None:
    """The same four files, with IDX headers (magic 2049 labels, 2051 images)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(FASHION_FILES, (train[1], train[0], test[1], test[0])):
        array = np.ascontiguousarray(array, dtype=np.uint8)
        if array.ndim == 1:
            header = struct.pack(">II", 2049, len(array))
        else:
            header = struct.pack(">IIII", 2051, *array.shape)
        with gzip.open(folder / name, "wb") as f:
            f.write(header + array.tobytes())


def read_cifar_dir(folder: Path) -> tuple:
    """CIFAR-10's six pickled batches (`cifar-10-batches-py/`), read as keras.datasets does:
    with Keras's restricted unpickler (numpy arrays and plain values only), images as
    (N, 32, 32, 3) uint8, labels as (N, 1) uint8."""
    from keras.src.datasets.cifar import load_batch

    parts = [load_batch(str(folder / name)) for name in CIFAR_BATCHES]
    images = [np.asarray(x, np.uint8).transpose(0, 2, 3, 1) for x, _ in parts]
    labels = [np.asarray(y, np.uint8).reshape(-1, 1) for _, y in parts]
    return ((np.concatenate(images[:5]), np.concatenate(labels[:5])), (images[5], labels[5]))


def write_cifar_dir(folder: Path, train: tuple, test: tuple) -> None:
    """The same six batches (the training images split in five), pickled like the original
    (protocol 4, which Keras's restricted unpickler reads):
    dicts of byte keys holding b"data" (N, 3072) uint8, channel-major, and b"labels"."""
    import pickle

    folder.mkdir(parents=True, exist_ok=True)
    chunks = np.array_split(np.arange(len(train[1])), 5)
    parts = [(train[0][c], train[1][c]) for c in chunks] + [test]
    for name, (x, y) in zip(CIFAR_BATCHES, parts):
        rows = np.ascontiguousarray(np.asarray(x, np.uint8).transpose(0, 3, 1, 2)).reshape(len(x), -1)
        batch = {b"batch_label": name.encode(), b"labels": [int(v) for v in np.ravel(y)],
                 b"data": rows, b"filenames": [f"{i}.png".encode() for i in range(len(x))]}
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f, protocol=4)


# --- embedded fallbacks -------------------------------------------------------------------

# How far the grader's own draw moves each inked pixel of a held-out digit (of 0-255): nothing a
# network notices, and no image the public digits give.
DIGIT_INK_JITTER = 12


def digits_stand_in(test_seed: int | None = None) -> tuple:
    """scikit-learn's 1,797 real 8x8 digits, scaled to MNIST's 28x28 uint8 0-255. With
    `test_seed` (the grader's own), each held-out digit's ink is jittered by that draw."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.kron(digits.images, np.ones((3, 3)))            # 24x24
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))            # 28x28, MNIST's border
    images = np.clip(np.round(images * (255 / 16)), 0, 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(labels))
    cut = int(len(labels) * 0.8)
    train, test = order[:cut], order[cut:]
    held = images[test]
    if test_seed is not None:
        jitter = np.random.default_rng(test_seed).integers(
            -DIGIT_INK_JITTER, DIGIT_INK_JITTER + 1, held.shape)
        held = np.where(held > 0, np.clip(held.astype(np.int16) + jitter, 1, 255), 0).astype(np.uint8)
    return (images[train], labels[train]), (held, labels[test])


def fashion_stand_in(n_train: int = 3000, n_test: int = 600, seed: int = 0,
                     test_seed: int | None = None) -> tuple:
    """Ten kinds of garment-like silhouettes with noise: learnable, and plainly not real. With
    `test_seed` (the grader's own), the test images are drawn from it."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:28, 0:28]

    def garment(label: int) -> np.ndarray:
        top, height = 4 + rng.integers(-1, 2), 20 + rng.integers(-2, 3)
        width = [14, 6, 18, 12, 20, 22, 16, 20, 18, 12][label] + rng.integers(-2, 3)
        shape = (rows >= top) & (rows < top + height) & (abs(cols - 13.5) < width / 2)
        if label in (1, 3):  # trousers split, dresses flare
            shape &= ~((rows > 14) & (abs(cols - 13.5) < 1.5)) if label == 1 else True
        if label in (5, 7, 9):  # footwear sits low
            shape &= rows > 14 + label // 3
        if label == 8:  # a bag has a handle
            shape |= (abs(np.hypot(rows - 8, cols - 13.5) - 5) < 1) & (rows < 8)
        image = shape * (120 + 13 * label) + rng.normal(0, 25, (28, 28))
        return np.clip(image, 0, 255).astype(np.uint8)

    def make(n: int) -> tuple:
        labels = (np.arange(n) % 10).astype(np.uint8)
        rng.shuffle(labels)
        return np.stack([garment(int(y)) for y in labels]), labels

    train = make(n_train)
    if test_seed is not None:  # the drawing functions read this generator from here on
        rng = np.random.default_rng(test_seed)
    return train, make(n_test)


def cifar_stand_in(n_train: int = 5000, n_test: int = 1000, seed: int = 0,
                   test_seed: int | None = None) -> tuple:
    """Ten classes of 32x32 colour images: five shapes (disc, square, triangle, bar, ring),
    each warm-coloured on a cool background or cool on a warm one, at varied places, sizes
    and shades, with noise. Learnable by a small CNN in a few epochs, far from perfectly.
    With `test_seed` (the grader's own), the test images are drawn from it."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:32, 0:32].astype(np.float64)

    def shape(kind: int, cy: float, cx: float, r: float) -> np.ndarray:
        dy, dx = rows - cy, cols - cx
        if kind == 0:
            return np.hypot(dy, dx) < r
        if kind == 1:
            return (abs(dy) < r * 0.8) & (abs(dx) < r * 0.8)
        if kind == 2:
            return (dy > -r) & (dy < r * 0.7) & (abs(dx) < (dy + r) * 0.6)
        if kind == 3:
            return (abs(dy) < r * 0.35) & (abs(dx) < r * 1.3)
        return abs(np.hypot(dy, dx) - r * 0.8) < r * 0.25

    def image(label: int) -> np.ndarray:
        kind, warm = label % 5, label // 5 == 0
        r = rng.uniform(5, 10)
        cy, cx = rng.uniform(r, 32 - r, size=2)
        hot = np.array([rng.uniform(170, 255), rng.uniform(40, 160), rng.uniform(0, 80)])
        cold = np.array([rng.uniform(0, 80), rng.uniform(40, 160), rng.uniform(170, 255)])
        front, back = (hot, cold) if warm else (cold, hot)
        mask = shape(kind, cy, cx, r)[..., None]
        picture = np.where(mask, front, back * rng.uniform(0.4, 0.8)) + rng.normal(0, 28, (32, 32, 3))
        return np.clip(picture, 0, 255).astype(np.uint8)

    def make(n: int) -> tuple:
        labels = (np.arange(n) % 10).astype(np.uint8)
        rng.shuffle(labels)
        return np.stack([image(int(y)) for y in labels]), labels.reshape(-1, 1)

    train = make(n_train)
    if test_seed is not None:  # the drawing functions read this generator from here on
        rng = np.random.default_rng(test_seed)
    return train, make(n_test)


# --- the datasets ---------------------------------------------------------------------

def _keras_loader(module: str):
    def load_data():
        import keras

        return getattr(keras.datasets, module).load_data()
    load_data.__name__ = f"keras.datasets.{module}.load_data"
    return load_data


@dataclass(frozen=True)
class Source:
    """Where a dataset comes from, and what takes its place when it is not here."""

    name: str
    about: str                        # what it is, in words
    size: str                         # its download, roughly
    keras: object                     # Keras's own loader: downloads into its cache, checks its hash
    cache_files: tuple[str, ...]      # what that loader keeps in $KERAS_HOME/datasets
    copy_files: tuple[str, ...]       # the files of an instructor copy, in a $DLGRADE_DATA folder
    read_copy: object                 # reads them
    stand_in: object                  # the embedded fallback: () -> (train, test)
    stand_in_words: str
    sha256: dict = None               # cache file -> the checksum Keras itself verifies
    # Each loader gives (train, test), or (train, test, extra Dataset fields) for a text dataset.


DATASETS = {source.name: source for source in (
    Source("mnist", "MNIST: 70,000 28x28 greyscale handwritten digits", "11 MB",
           _keras_loader("mnist"), ("mnist.npz",), ("mnist.npz",), lambda d: read_npz(d / "mnist.npz"),
           digits_stand_in, "scikit-learn's bundled handwritten digits (1,797 real 8x8 digits "
                            "scaled to 28x28), not MNIST",
           {"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}),
    Source("fashion_mnist", "Fashion-MNIST: 70,000 28x28 greyscale garments, 10 classes", "30 MB",
           _keras_loader("fashion_mnist"), tuple(f"fashion-mnist/{f}" for f in FASHION_FILES),
           tuple(f"fashion-mnist/{f}" for f in FASHION_FILES), lambda d: read_idx_dir(d / "fashion-mnist"),
           fashion_stand_in, "generated garment silhouettes in Fashion-MNIST's format, not "
                             "Fashion-MNIST"),
    Source("cifar10", "CIFAR-10: 60,000 32x32 colour images, 10 classes", "163 MB",
           _keras_loader("cifar10"), (CIFAR_ARCHIVE,),
           tuple(f"{CIFAR_FOLDER}/{b}" for b in CIFAR_BATCHES), lambda d: read_cifar_dir(d / CIFAR_FOLDER),
           cifar_stand_in, "generated 32x32 colour images of ten shape-and-colour classes in "
                           "CIFAR-10's format, not CIFAR-10",
           {CIFAR_ARCHIVE: "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"}),
    Source("imdb", "IMDB: 50,000 movie reviews as word indices, positive or negative", "17 MB",
           imdb.keras_loader, imdb.FILES, imdb.FILES, imdb.read_dir, imdb.stand_in,
           imdb.STAND_IN_WORDS,
           {"imdb.npz": "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"}),
)}


def source(name: str) -> Source:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(sorted(DATASETS))})")
    return DATASETS[name]


def in_keras_cache(name: str) -> bool:
    cache = keras_home() / "datasets"
    return all((cache / f).is_file() for f in source(name).cache_files)


def instructor_copy(name: str) -> Path | None:
    """The first $DLGRADE_DATA folder holding every file of the dataset, if any."""
    for folder in filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep)):
        if all((Path(folder) / f).is_file() for f in source(name).copy_files):
            return Path(folder)
    return None


def load(name: str, download: bool = False, timeout: float = DOWNLOAD_TIMEOUT) -> Dataset:
    """The dataset `name`: Keras cache (or download), then $DLGRADE_DATA, then the fallback."""
    found = source(name)
    loader, read_copy = found.keras, found.read_copy
    fallback, fallback_words = found.stand_in, found.stand_in_words
    cache = keras_home() / "datasets"
    cached = in_keras_cache(name)
    tried = []
    if cached or download:
        try:
            with _socket_timeout(timeout):
                parts = loader()
            return _dataset(name, parts, source=f"Keras ({cache})")
        except Exception as exc:  # noqa: BLE001 - offline, corrupt cache, hash mismatch
            what = "download" if not cached else "Keras cache"
            tried.append(f"{what} failed ({type(exc).__name__}: {str(exc)[:200]})")
    else:
        tried.append(f"not in the Keras cache {cache}")
    for folder in filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep)):
        try:
            parts = read_copy(Path(folder))
            return _dataset(name, parts, source=f"DLGRADE_DATA ({folder})")
        except FileNotFoundError:
            tried.append(f"not in DLGRADE_DATA {folder}")
        except Exception as exc:  # noqa: BLE001 - a damaged copy: said, never graded on
            tried.append(f"unreadable in DLGRADE_DATA {folder} ({type(exc).__name__}: "
                         f"{str(exc)[:200]})")
    parts = fallback()
    words = (f"EMBEDDED FALLBACK for {name}: {fallback_words}. The real data was not found "
             f"({'; '.join(tried)}). Put it in the Keras cache or $DLGRADE_DATA for real results.")
    warnings.warn(words, FallbackDataWarning, stacklevel=2)
    return _dataset(name, parts, source=words, embedded=True)


def redrawn(dataset: Dataset, seed: int) -> Dataset:
    """An embedded stand-in with its test split drawn again from `seed`, the grader's own: the
    same kind of examples, none that the public generator (or scikit-learn's digits, for the
    digit tasks) reproduces, so a kernel cannot rebuild the data it is measured on. Real data
    is returned as it is."""
    if not dataset.embedded:
        return dataset
    train, test, *_ = source(dataset.name).stand_in(test_seed=seed)
    return Dataset(dataset.name, dataset.x_train, dataset.y_train, *test, dataset.source,
                   embedded=True, word_index=dataset.word_index)


def _dataset(name: str, parts: tuple, **fields) -> Dataset:
    train, test, *extra = parts
    return Dataset(name, *train, *test, **fields, **(extra[0] if extra else {}))
