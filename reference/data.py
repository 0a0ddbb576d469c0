"""Datasets for the model assignments, from the most real source there is.

Order: Keras's own loader and cache (`$KERAS_HOME/datasets`, default
`~/.keras/datasets`; downloading only when asked, with a timeout, since Keras's
has none), then an instructor directory (`$DLGRADE_DATA`, the same files in the
same on-disk format), then an embedded fallback that says loudly that it is
one: scikit-learn's bundled handwritten digits for the digit tasks (real data,
8x8 scaled to 28x28), a generated stand-in written and read in Fashion-MNIST's
own gzip IDX format for the fashion tasks.
"""
from __future__ import annotations

import contextlib
import gzip
import os
import socket
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DOWNLOAD_TIMEOUT = 60.0
FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
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

    def __repr__(self) -> str:
        return (f"Dataset({self.name}: train {self.x_train.shape}, test {self.x_test.shape}, "
                f"from {self.source})")


def keras_home() -> Path:
    """Where Keras itself looks: it reads KERAS_HOME once, when it is first imported."""
    try:
        from keras.src.backend import config
    except ImportError:
        return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    return Path(config.keras_home())


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


# --- embedded fallbacks -------------------------------------------------------------------

def digits_stand_in() -> tuple:
    """scikit-learn's 1,797 real 8x8 digits, scaled to MNIST's 28x28 uint8 0-255."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.kron(digits.images, np.ones((3, 3)))            # 24x24
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))            # 28x28, MNIST's border
    images = np.clip(np.round(images * (255 / 16)), 0, 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(labels))
    cut = int(len(labels) * 0.8)
    train, test = order[:cut], order[cut:]
    return (images[train], labels[train]), (images[test], labels[test])


def fashion_stand_in(n_train: int = 3000, n_test: int = 600, seed: int = 0) -> tuple:
    """Ten kinds of garment-like silhouettes with noise: learnable, and plainly not real."""
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

    return make(n_train), make(n_test)


# --- the datasets ---------------------------------------------------------------------

def _keras_mnist():
    import keras

    return keras.datasets.mnist.load_data()


def _keras_fashion():
    import keras

    return keras.datasets.fashion_mnist.load_data()


DATASETS = {
    # name: (Keras loader, files in Keras's cache, reader for an instructor copy, fallback)
    "mnist": (_keras_mnist, ["mnist.npz"], lambda d: read_npz(d / "mnist.npz"),
              (digits_stand_in, "scikit-learn's bundled handwritten digits (1,797 real 8x8 "
                                "digits scaled to 28x28), not MNIST")),
    "fashion_mnist": (_keras_fashion, [f"fashion-mnist/{f}" for f in FASHION_FILES],
                      lambda d: read_idx_dir(d / "fashion-mnist"),
                      (fashion_stand_in, "generated garment silhouettes in Fashion-MNIST's "
                                         "format, not Fashion-MNIST")),
}


def load(name: str, download: bool = False, timeout: float = DOWNLOAD_TIMEOUT) -> Dataset:
    """The dataset `name`: Keras cache (or download), then $DLGRADE_DATA, then the fallback."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(sorted(DATASETS))})")
    loader, files, read_copy, (fallback, fallback_words) = DATASETS[name]
    cache = keras_home() / "datasets"
    cached = all((cache / f).is_file() for f in files)
    tried = []
    if cached or download:
        try:
            with _socket_timeout(timeout):
                train, test = loader()
            return Dataset(name, *train, *test, source=f"Keras ({cache})")
        except Exception as exc:  # noqa: BLE001 - offline, corrupt cache, hash mismatch
            what = "download" if not cached else "Keras cache"
            tried.append(f"{what} failed ({type(exc).__name__}: {str(exc)[:200]})")
    else:
        tried.append(f"not in the Keras cache {cache}")
    for folder in filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep)):
        try:
            train, test = read_copy(Path(folder))
            return Dataset(name, *train, *test, source=f"DLGRADE_DATA ({folder})")
        except FileNotFoundError:
            tried.append(f"not in DLGRADE_DATA {folder}")
    train, test = fallback()
    words = (f"EMBEDDED FALLBACK for {name}: {fallback_words}. The real data was not found "
             f"({'; '.join(tried)}). Put it in the Keras cache or $DLGRADE_DATA for real results.")
    warnings.warn(words, FallbackDataWarning, stacklevel=2)
    return Dataset(name, *train, *test, source=words, embedded=True)
