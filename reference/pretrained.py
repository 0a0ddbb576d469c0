"""Pretrained bases the transfer-learning assignments build on: VGG16's convolutional base.

The real one is keras.applications.VGG16(weights="imagenet", include_top=False): its
weights file (`vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`, 58.9 MB) is what
Keras downloads into `$KERAS_HOME/models/` (`dlgrade data fetch vgg16` does it on a
machine with internet), or a copy in `$DLGRADE_DATA/`. Without it, the stand-in takes its
place, loudly: VGG16's five blocks, layer names and arithmetic with fewer filters
(course_data.STAND_IN_FILTERS), pretrained by the course on a generated source task (the
ten shape-and-colour classes of the CIFAR-10 stand-in, enlarged to 64x64) and committed
as `reference/weights/vgg16-stand-in.npz` (`python -m reference.pretrained` makes it
again, the same to the bit on the same machine and Keras). Both take images
preprocessed by keras.applications.vgg16.preprocess_input (BGR, ImageNet's channel means
subtracted), so a notebook is the same code on either.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.kernel import course_data
from reference.data import keras_home

NAME = "vgg16"
FILE = course_data.PRETRAINED[NAME]
URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/" + FILE
STAND_IN = Path(__file__).parent / "weights" / course_data.file_name(NAME)
STAND_IN_WORDS = ("EMBEDDED STAND-IN, not VGG16's ImageNet weights: VGG16's blocks with "
                  f"{'/'.join(map(str, course_data.STAND_IN_FILTERS))} filters, pretrained by "
                  "the course on generated pictures (the grader has no copy of the ImageNet "
                  "weights; it grades against the same stand-in)")
SOURCE_SIZE = (64, 64)   # the stand-in's pretraining images
SOURCE_EPOCHS = 12


@dataclass(frozen=True)
class PretrainedBase:
    """The base's pretrained weights by layer name: {"block1_conv1": (kernel, bias), ...}."""

    name: str
    weights: dict
    embedded: bool
    path: Path
    source: str

    @property
    def parameters(self) -> int:
        return int(sum(k.size + b.size for k, b in self.weights.values()))

    def block_parameters(self, blocks) -> int:
        """The parameters of the given blocks (1..5)."""
        return int(sum(k.size + b.size for name, (k, b) in self.weights.items()
                       if block_of(name) in set(blocks)))

    def build(self, input_shape):
        """The base as a Keras model with these weights."""
        filters = tuple(self.weights[f"block{b}_conv1"][0].shape[-1] for b in range(1, 6))
        base = course_data.vgg16_layers(input_shape, filters)
        for layer in base.layers:
            if layer.name in self.weights:
                layer.set_weights(list(self.weights[layer.name]))
        return base


def block_of(layer_name: str) -> int | None:
    """5 for "block5_conv2"; None for a layer not of VGG16's blocks."""
    if layer_name.startswith("block") and "_" in layer_name:
        digits = layer_name[len("block"):layer_name.index("_")]
        if digits.isdigit():
            return int(digits)
    return None


def keras_file() -> Path:
    return keras_home() / "models" / FILE


def real_file() -> Path | None:
    """The ImageNet weights in Keras's cache, else in $DLGRADE_DATA; None when neither."""
    folders = filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep))
    for path in (keras_file(), *(Path(folder) / FILE for folder in folders)):
        if path.is_file():
            return path
    return None


def _weights_of(model) -> dict:
    return {layer.name: tuple(np.asarray(w) for w in layer.get_weights())
            for layer in model.layers if layer.get_weights()}


@functools.lru_cache(maxsize=None)
def load(name: str = NAME) -> PretrainedBase:
    """The real base when its weights are here, else the committed stand-in."""
    if name != NAME:
        raise ValueError(f"unknown pretrained base {name!r} (known: {NAME})")
    real = real_file()
    if real is not None:
        import keras

        base = keras.applications.VGG16(weights=str(real), include_top=False, input_shape=(64, 64, 3))
        return PretrainedBase(NAME, _weights_of(base), False, real,
                              "VGG16's ImageNet weights (keras.applications)")
    with np.load(STAND_IN, allow_pickle=False) as stored:
        weights = {layer: (stored[f"{layer}/kernel"], stored[f"{layer}/bias"])
                   for layer in sorted({key.split("/")[0] for key in stored.files},
                                       key=lambda n: (block_of(n), n))}
    return PretrainedBase(NAME, weights, True, STAND_IN, STAND_IN_WORDS)


def fetch() -> Path:
    """Download the ImageNet weights into Keras's cache (Keras checks its published hash)."""
    import keras

    keras.applications.VGG16(weights="imagenet", include_top=False)
    return keras_file()


def source_task(n_train: int = 6000, seed: int = 1):
    """The stand-in's pretraining data: the CIFAR-10 stand-in's ten classes of generated
    shapes, enlarged to SOURCE_SIZE, as raw 0..255 pixels."""
    from reference.data import cifar_stand_in

    (x, y), _ = cifar_stand_in(n_train=n_train, n_test=10, seed=seed)
    factor = SOURCE_SIZE[0] // x.shape[1]
    return x.repeat(factor, axis=1).repeat(factor, axis=2), y.ravel()


def pretrain(path: Path = STAND_IN, seed: int = 0) -> float:
    """Train the stand-in base on the source task and write its weights; the source task's
    accuracy on its last tenth (held back)."""
    import keras

    keras.utils.set_random_seed(seed)
    x, y = source_task()
    x = keras.applications.vgg16.preprocess_input(x.astype("float32"))
    base = course_data.vgg16_layers((*SOURCE_SIZE, 3), course_data.STAND_IN_FILTERS)
    model = keras.Sequential([keras.Input((*SOURCE_SIZE, 3)), base, keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(3e-4), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    keep = len(x) * 9 // 10
    model.fit(x[:keep], y[:keep], epochs=SOURCE_EPOCHS, batch_size=64, verbose=2)
    _, accuracy = model.evaluate(x[keep:], y[keep:], verbose=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"{layer}/{part}": w for layer, pair in _weights_of(base).items()
              for part, w in zip(("kernel", "bias"), pair)}
    partial = path.with_name(path.name + ".partial.npz")
    np.savez_compressed(partial, **arrays)
    os.replace(partial, path)
    return float(accuracy)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    print(f"source task accuracy {pretrain():.3f}; wrote {STAND_IN}")
