"""The course's datasets, loaded the same way on your computer and in the grader.

    from course_data import load_data, data_dir
    (x_train, y_train), (x_val, y_val) = load_data("mnist")
    train_rows, val_rows = load_data("hdb_resale")          # pandas DataFrames
    passengers = load_data("airline_passengers")            # monthly, Jan 1949 - Dec 1956
    flowers_dir = data_dir("flowers")                       # a folder, one subfolder a class
    cats_dogs_dir = data_dir("cats_vs_dogs")                # its train folder: cats/, dogs/
    (x_train, y_train), (x_val, y_val) = load_data("imdb")  # reviews as lists of word indices
    word_index = get_word_index("imdb")                     # word -> its frequency rank
    base = load_vgg16(input_shape=(64, 64, 3))              # VGG16's pretrained base

You get the training data, with the last tenth of it held back as a validation
set. The test data is not here: the grader keeps it and measures your model on
it, so training on it could not help anyway.

In the grader, the data comes from the files it prepared for your kernel (the
same data it measures your model with; it prints where they came from). On your
own computer, the images come from Keras's own loader (`keras.datasets`, which
downloads them once), the HDB sales from data.gov.sg's file
(`resale-flat-prices-based-on-registration-date-from-jan-2017-onwards.csv`) in
this folder, the movie reviews from `keras.datasets.imdb`, the flower photos and the cats and dogs from TensorFlow's own copies
(`keras.utils.get_file`, which downloads them once), VGG16's base from
`keras.applications.VGG16(weights="imagenet", include_top=False)` (its ImageNet weights,
downloaded once). A grader without those weights gives every kernel the same stand-in
base instead, and says so loudly.

(The grader copies this file into every model assignment; it imports nothing
of the grader's.)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

VALIDATION_FRACTION = 0.1
DATA_DIRS_VARIABLE = "DLGRADE_STUDENT_DATA"
IMAGES = ("mnist", "fashion_mnist", "cifar10")
TEXTS = ("imdb",)  # reviews as lists of word indices, as keras.datasets gives them
TABLES = {"hdb_resale": "resale-flat-prices-based-on-registration-date-from-jan-2017-onwards.csv"}
# Folders of image files, one subfolder per class: (Keras's cache name, where it downloads,
# the training class folders under the archive's top folder).
FOLDERS = {
    "flowers": ("flower_photos", "https://storage.googleapis.com/download.tensorflow.org/"
                                 "example_images/flower_photos.tgz", ""),
    "cats_vs_dogs": ("cats_and_dogs_filtered", "https://storage.googleapis.com/mledu-datasets/"
                                               "cats_and_dogs_filtered.zip", "train"),
}
# Series shipped with the course: the part a notebook trains on (the grader keeps the rest).
SERIES = {"airline_passengers": (  # thousands a month, January 1949 to December 1956
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
    115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,
    145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194,
    196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201,
    204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,
    284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306)}
DATASETS = IMAGES + TEXTS + tuple(TABLES) + tuple(FOLDERS) + tuple(SERIES)
# Pretrained bases: the weights file keras.applications downloads into its cache's models/.
PRETRAINED = {"vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"}
VGG16_BLOCKS = (2, 2, 3, 3, 3)          # convolutions per block, as in VGG16
VGG16_FILTERS = (64, 128, 256, 512, 512)
# The stand-in base: VGG16's layers, names and arithmetic with fewer filters, pretrained by
# the course on generated pictures (for graders without the ImageNet weights).
STAND_IN_FILTERS = (8, 16, 32, 64, 64)
# The columns read as text (the rest as numbers), as the file holds them.
TEXT_COLUMNS = ("month", "town", "flat_type", "block", "street_name", "storey_range",
                "flat_model", "remaining_lease")


def held_back(n: int, fraction: float = VALIDATION_FRACTION) -> int:
    """Where the validation part starts: the last `fraction` of n examples."""
    return n - max(1, int(round(n * fraction)))


def validation_split(x, y, fraction: float = VALIDATION_FRACTION):
    """(x_train, y_train), (x_val, y_val): the last `fraction` of the examples held back."""
    keep = held_back(len(x), fraction)
    return (x[:keep], y[:keep]), (x[keep:], y[keep:])


def file_name(name: str, embedded: bool = True) -> str:
    if name in FOLDERS:
        return name
    if name in PRETRAINED:
        return f"{name}-stand-in.npz" if embedded else PRETRAINED[name]
    return f"{name}.csv" if name in TABLES else f"{name}.npz"


def data_dir(name: str, verbose: bool = True) -> Path:
    """The folder of a folder dataset ("flowers", "cats_vs_dogs"): one subfolder of images
    per class, for keras.utils.image_dataset_from_directory. In the grader: the training photos it
    prepared; elsewhere: Keras downloads them once into its cache."""
    if name not in FOLDERS:
        raise ValueError(f"{name!r} is not a folder of images: use load_data({name!r})"
                         if name in DATASETS else
                         f"unknown dataset {name!r}: the folders are {', '.join(FOLDERS)}")
    for folder in filter(None, os.environ.get(DATA_DIRS_VARIABLE, "").split(os.pathsep)):
        path = Path(folder) / file_name(name)
        if path.is_dir():
            if verbose:
                print(f"{name}: {json.loads((Path(folder) / f'{name}.json').read_text())['source']}")
            return path
    import keras

    cache_name, url, training = FOLDERS[name]
    path = Path(keras.utils.get_file(cache_name, origin=url, extract=True)) / cache_name / training
    if verbose:
        print(f"{name}: from Keras's cache ({path})")
    return path


def _read_table(path):
    import pandas as pd

    return pd.read_csv(path, dtype={column: str for column in TEXT_COLUMNS})


def _prepared(name: str):
    """(the data, where it came from) from a folder the grader prepared, or None."""
    for folder in filter(None, os.environ.get(DATA_DIRS_VARIABLE, "").split(os.pathsep)):
        path = Path(folder) / file_name(name)
        if not path.is_file():
            continue
        if name in TABLES:
            source = json.loads((Path(folder) / f"{name}.json").read_text())["source"]
            return _read_table(path), source
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        return unflattened(arrays), str(arrays.pop("source"))
    return None


def flattened(arrays: dict) -> dict:
    """Arrays that np.savez writes without pickle: a ragged array (lists of word indices) as
    `<key>__values` and `<key>__lengths`."""
    flat = {}
    for key, value in arrays.items():
        if isinstance(value, np.ndarray) and value.dtype == object:
            lengths = np.array([len(item) for item in value], dtype=np.int64)
            values = [np.asarray(item, dtype=np.int64) for item in value]
            flat[f"{key}__values"] = np.concatenate(values) if values else np.zeros(0, np.int64)
            flat[f"{key}__lengths"] = lengths
        else:
            flat[key] = value
    return flat


def unflattened(arrays: dict) -> dict:
    """What `flattened` wrote, as it was: a ragged array as an object array of lists."""
    out = {}
    for key, value in arrays.items():
        if key.endswith("__lengths"):
            continue
        if key.endswith("__values"):
            key = key[:-len("__values")]
            pieces = np.split(value, np.cumsum(arrays[f"{key}__lengths"])[:-1])
            value = np.empty(len(pieces), dtype=object)
            for i, piece in enumerate(pieces):
                value[i] = piece.tolist()
        out[key] = value
    return out


def get_word_index(name: str = "imdb", verbose: bool = False) -> dict:
    """The word index of a text dataset: each word -> its frequency rank (1 = the most
    frequent), as keras.datasets.imdb.get_word_index() gives it. In a review, a word of rank r
    is the index r + 3 (0 pads, 1 starts a review, 2 is a word out of the vocabulary)."""
    if name not in TEXTS:
        raise ValueError(f"{name!r} has no word index: the text datasets are {', '.join(TEXTS)}")
    prepared = _prepared(name)
    if prepared is not None:
        return json.loads(str(prepared[0]["word_index"]))
    import keras

    if verbose:
        print(f"{name}: the word index from Keras (keras.datasets.{name}.get_word_index)")
    return getattr(keras.datasets, name).get_word_index()


def _split_rows(rows):
    keep = held_back(len(rows))
    return rows.iloc[:keep].reset_index(drop=True), rows.iloc[keep:].reset_index(drop=True)


def load_data(name: str, verbose: bool = True):
    """The training data of `name`, as (training part, validation part).

    "mnist", "fashion_mnist": (x_train, y_train), (x_val, y_val); images are uint8
    arrays of shape (N, 28, 28) with values 0..255, labels integers 0..9.
    "cifar10": the same with colour images of shape (N, 32, 32, 3) and labels of
    shape (N, 1), as keras.datasets.cifar10 gives them.
    "imdb": the same with reviews: each a list of word indices as
    keras.datasets.imdb.load_data() gives them (every word kept; see get_word_index),
    labels 1 (positive) or 0 (negative).
    "hdb_resale": train_rows, val_rows, DataFrames with the file's columns.
    "airline_passengers": one array of the monthly passengers (thousands), shape (96,):
    January 1949 to December 1956 (split it yourself, in order).
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}: use one of {', '.join(DATASETS)}")
    if name in FOLDERS:
        raise ValueError(f"{name} is a folder of images: data_dir({name!r}) gives it, for "
                         "keras.utils.image_dataset_from_directory")
    if name in SERIES:
        if verbose:
            print(f"{name}: {len(SERIES[name])} months, the course's series (the grader keeps "
                  "the months after them)")
        return np.array(SERIES[name], dtype=np.float32)
    prepared = _prepared(name)
    if prepared is not None:
        data, source = prepared
        if verbose:
            print(f"{name}: {source}")
        if name in TABLES:
            return _split_rows(data)
        return (data["x_train"], data["y_train"]), (data["x_val"], data["y_val"])
    if name in TABLES:
        path = Path(TABLES[name])
        if not path.is_file():
            raise FileNotFoundError(f"{path} is not in this folder: download it from data.gov.sg "
                                    "(HDB resale flat prices) and put it beside the notebook")
        if verbose:
            print(f"{name}: from {path}")
        return _split_rows(_read_table(path))
    import keras

    (x, y), _ = getattr(keras.datasets, name).load_data()
    if verbose:
        print(f"{name}: from Keras (keras.datasets.{name})")
    return validation_split(x, y)


def vgg16_layers(input_shape, filters=VGG16_FILTERS):
    """VGG16's convolutional base (include_top=False) untrained, built as
    keras.applications.VGG16 builds it: the same layer names (block1_conv1 ... block5_pool),
    3x3 "same" convolutions with relu and 2x2 max pooling; `filters` per block."""
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    x = inputs
    for block, (convolutions, n) in enumerate(zip(VGG16_BLOCKS, filters), start=1):
        for i in range(1, convolutions + 1):
            x = keras.layers.Conv2D(n, (3, 3), activation="relu", padding="same",
                                    name=f"block{block}_conv{i}")(x)
        x = keras.layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    return keras.Model(inputs, x, name="vgg16")


def _prepared_base(name: str):
    """(the folder, its manifest) of a base the grader prepared, or None."""
    for folder in filter(None, os.environ.get(DATA_DIRS_VARIABLE, "").split(os.pathsep)):
        manifest = Path(folder) / f"{name}.json"
        if manifest.is_file():
            return Path(folder), json.loads(manifest.read_text())
    return None


def load_vgg16(input_shape=(224, 224, 3), verbose: bool = True):
    """VGG16's convolutional base with its pretrained weights, without the classifier on top:
    keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=...).
    It takes images preprocessed by keras.applications.vgg16.preprocess_input.

    On a grader without the ImageNet weights this is the course's STAND-IN base instead:
    VGG16's blocks and layer names with fewer filters, pretrained on generated pictures."""
    import keras

    prepared = _prepared_base("vgg16")
    if prepared is None:
        if verbose:
            print("vgg16: keras.applications.VGG16 with its ImageNet weights (Keras's cache)")
        return keras.applications.VGG16(weights="imagenet", include_top=False,
                                        input_shape=tuple(input_shape))
    folder, manifest = prepared
    path = folder / file_name("vgg16", manifest["embedded"])
    if verbose:
        print(f"vgg16: {manifest['source']}")
    if not manifest["embedded"]:
        return keras.applications.VGG16(weights=str(path), include_top=False,
                                        input_shape=tuple(input_shape))
    base = vgg16_layers(input_shape, STAND_IN_FILTERS)
    with np.load(path, allow_pickle=False) as weights:
        base.set_weights([weights[f"{layer.name}/{w}"] for layer in base.layers
                          if layer.weights for w in ("kernel", "bias")])
    return base
