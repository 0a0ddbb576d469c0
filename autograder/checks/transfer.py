"""What the transfer-learning checks share: the student's base read from its weights.

The grader holds the pretrained base the kernel was given (reference.pretrained: VGG16's
ImageNet weights, or the course's stand-in). A student's model is rebuilt here from its
config and weights; its VGG16 layers are found by their names (block1_conv1 ...
block5_conv3), in a nested base model or as the model's own layers, and each is compared
with the pretrained one: equal to the bit where the exercise freezes it, changed a
little where it fine-tunes. Trainable flags are read as Keras applies them (a layer
trains only if it and every model holding it are trainable).
"""
from __future__ import annotations

import re

import numpy as np

from autograder import datasets
from autograder.checks.compare import assert_array_matches
from autograder.checks.hints import with_hint

BASE = "vgg16"
CONVOLUTION = re.compile(r"^block([1-5])_conv([1-3])$")
BLOCKS = (1, 2, 3, 4, 5)
# How far fine-tuning may move a block's weights (relative change of the whole block,
# ||W - W0|| / ||W0||). The reference (Adam at 1e-5, 5 epochs) moves the stand-in's block 5 by
# about 0.4%; Adam's default 1e-3 moves it by 14% in the same epochs.
FINE_TUNED_AT_MOST = 0.03
VERY_SMALL_LEARNING_RATE = 1e-4   # "a very small learning rate": Keras's guides use 1e-5


def pretrained():
    """The base the grader gave the kernel (reference.pretrained.PretrainedBase)."""
    return datasets.evaluation(BASE)


def base_words() -> str:
    base = pretrained()
    return ("the course's stand-in VGG16 base" if base.embedded else "VGG16's ImageNet base")


def vgg16_input(images: np.ndarray) -> np.ndarray:
    """Raw 0..255 photos as VGG16 takes them (what preprocess must give), computed here."""
    import keras

    return np.asarray(keras.applications.vgg16.preprocess_input(np.array(images, dtype=np.float32)))


# --------------------------------------------------------------------------- preprocess

def check_preprocess(student, images: np.ndarray) -> None:
    actual = student.function("preprocess")(images)
    expected = vgg16_input(images)
    actual_array = np.asarray(actual) if isinstance(actual, np.ndarray) else actual
    try:
        assert_array_matches(actual_array, expected, f"preprocess(photos of shape {images.shape})",
                             rtol=1e-5, atol=1e-3)
    except AssertionError as failure:
        raise with_hint(failure, _preprocess_hint(actual_array, images)) from None


def _preprocess_hint(actual, images: np.ndarray) -> str | None:
    if not isinstance(actual, np.ndarray) or actual.shape != images.shape:
        return None
    pixels = images.astype(np.float64)
    means = np.array([103.939, 116.779, 123.68])
    candidates = (
        (pixels / 255, "scaled to [0, 1]: VGG16 was trained on preprocess_input's pixels (BGR, "
                       "the ImageNet mean subtracted), not on pixels / 255"),
        (pixels / 127.5 - 1, "scaled to [-1, 1] (preprocess_input of MobileNet or Inception, "
                             "mode 'tf'): use keras.applications.vgg16.preprocess_input"),
        (pixels, "the pixels are unchanged: apply keras.applications.vgg16.preprocess_input"),
        (pixels - means[::-1], "the mean was subtracted but the channels were not turned from "
                               "RGB to BGR, as VGG16's preprocess_input does"),
        (pixels[..., ::-1], "the channels were turned to BGR but the ImageNet mean pixel was not "
                            "subtracted"),
        (vgg16_input(vgg16_input(images)), "preprocess_input was applied twice"),
    )
    for value, words in candidates:
        if np.allclose(actual, value, atol=1e-3):
            return words
    return None


def preprocess_checks(image_shape: tuple) -> list:
    """preprocess(photos) is VGG16's preprocess_input, on a course example and on any photos."""
    from hypothesis import given
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    from autograder.checks import property_settings

    def test_preprocess_is_vgg16s(student):
        photos = np.zeros((2, *image_shape), dtype=np.uint8)
        photos[0, ..., 0], photos[0, ..., 1], photos[0, ..., 2] = 255, 128, 0  # orange
        photos[1] = np.arange(np.prod(image_shape)).reshape(image_shape) % 256
        check_preprocess(student, photos)

    @given(photos=arrays(np.uint8, st.tuples(st.integers(1, 2), st.integers(1, 8),
                                             st.integers(1, 8), st.just(3)),
                         elements=st.integers(0, 255)))
    @property_settings(max_examples=8)
    def test_preprocess_any_photos(student, photos):
        check_preprocess(student, photos)

    return [test_preprocess_is_vgg16s, test_preprocess_any_photos]


# --------------------------------------------------------------------------- the base

def walk(model, trainable: bool = True):
    """(layer, whether it trains) for every layer, nested models opened."""
    for layer in getattr(model, "layers", []):
        trains = trainable and bool(layer.trainable)
        if hasattr(layer, "layers") and layer.layers:
            yield from walk(layer, trains)
        else:
            yield layer, trains


def base_layers(model) -> dict:
    """VGG16's convolution layers in the model: name -> (layer, whether it trains)."""
    return {layer.name: (layer, trains) for layer, trains in walk(model)
            if CONVOLUTION.match(layer.name) and len(layer.get_weights()) == 2}


def block(name: str) -> int:
    return int(CONVOLUTION.match(name).group(1))


def relative_change(layer, name: str) -> float:
    """||W - W0|| / ||W0|| over the layer's kernel and bias (W0: the pretrained ones)."""
    now = np.concatenate([np.ravel(w) for w in layer.get_weights()]).astype(np.float64)
    then = np.concatenate([np.ravel(w) for w in pretrained().weights[name]]).astype(np.float64)
    return float(np.linalg.norm(now - then) / (np.linalg.norm(then) or 1.0))


def assert_pretrained_base(model, what: str) -> dict:
    """The model holds the base, with the pretrained layers' shapes; its layers returned."""
    found = base_layers(model)
    expected = pretrained().weights
    if not found:
        raise AssertionError(
            f"{what} has no VGG16 base: none of its layers is one of VGG16's (block1_conv1 ... "
            "block5_conv3). A network of your own trained from scratch, or a head that does not "
            "take the base's output, is not transfer learning: put the base returned by "
            "load_vgg16 in the model and build the head on its output")
    missing = [name for name in expected if name not in found]
    if missing:
        raise AssertionError(f"{what}'s base lacks {', '.join(missing)}: use the whole base "
                             "load_vgg16 returns (include_top=False)")
    for name, (kernel, _) in expected.items():
        shape = tuple(found[name][0].get_weights()[0].shape)
        if shape != tuple(kernel.shape):
            raise AssertionError(
                f"{what}'s {name} has a kernel of shape {shape}, the grader's base "
                f"({base_words()}) {tuple(kernel.shape)}: build the base with load_vgg16, "
                "not with a VGG16 of your own")
    return found


def assert_weights_pretrained(model, what: str, blocks=BLOCKS, when: str = "") -> None:
    """The given blocks hold the pretrained weights to the bit."""
    found = assert_pretrained_base(model, what)
    changed = {name: relative_change(layer, name) for name, (layer, _) in found.items()
               if block(name) in blocks and not all(
                   np.array_equal(w, p) for w, p in zip(layer.get_weights(), pretrained().weights[name]))}
    if not changed:
        return
    shown = ", ".join(f"{name} by {change:.2%}" for name, change in list(changed.items())[:4])
    if len(changed) == sum(block(n) in blocks for n in found) and min(changed.values()) > 0.5:
        raise AssertionError(
            f"{what}'s base does not hold the pretrained weights ({shown}{'...' if len(changed) > 4 else ''}): "
            "it was built with random weights (weights=None) or trained from scratch; "
            "build it with load_vgg16, which loads the pretrained ones")
    frozen = "its base" if tuple(blocks) == BLOCKS else \
        "block" + ("s " if len(blocks) > 1 else " ") + ", ".join(map(str, blocks)) + " of its base"
    raise with_hint(AssertionError(
        f"{what}: {frozen} should hold the pretrained weights unchanged{when}, but training "
        f"changed {len(changed)} layer(s): {shown}{'...' if len(changed) > 4 else ''}"),
        "freeze them before compiling and fitting (base.trainable = False, or "
        "layer.trainable = False for each layer below the block you fine-tune)")


def assert_trainable_blocks(model, what: str, trainable_blocks=()) -> None:
    """Exactly the given blocks of the base train; the rest is frozen."""
    found = assert_pretrained_base(model, what)
    wrong_trains = [name for name, (_, trains) in found.items()
                    if trains and block(name) not in trainable_blocks]
    wrong_frozen = [name for name, (_, trains) in found.items()
                    if not trains and block(name) in trainable_blocks]
    problems = []
    if wrong_trains:
        problems.append(f"{', '.join(wrong_trains[:4])}{'...' if len(wrong_trains) > 4 else ''} "
                        "would train (trainable)")
    if wrong_frozen:
        problems.append(f"{', '.join(wrong_frozen)} {'is' if len(wrong_frozen) == 1 else 'are'} frozen")
    if problems:
        want = ("the whole base frozen" if not trainable_blocks else
                f"block {', '.join(map(str, trainable_blocks))} of the base trainable and the "
                "blocks below it frozen")
        raise AssertionError(f"{what}: expected {want}; {' and '.join(problems)}")


def assert_non_trainable_count(student_model, what: str, frozen_blocks=BLOCKS) -> None:
    """The base's share of model.summary()'s non-trainable parameters: exactly the frozen
    blocks' (a head's own non-trainable weights, BatchNormalization's statistics, aside)."""
    model = student_model.model
    base = {id(w) for layer, _ in assert_pretrained_base(model, what).values() for w in layer.weights}
    frozen = int(sum(np.prod(w.shape) for w in model.non_trainable_weights if id(w) in base))
    expected = pretrained().block_parameters(frozen_blocks)
    assert frozen == expected, (
        f"{what} has {frozen:,} non-trainable parameters in its base; with "
        + ("the whole base" if tuple(frozen_blocks) == BLOCKS else
           f"blocks {', '.join(map(str, frozen_blocks))}") + f" of {base_words()} frozen it has "
        f"{expected:,} (VGG16's ImageNet base: 14,714,688 in all)")


def assert_fine_tuned(model, what: str, blocks=(5,), at_most: float = FINE_TUNED_AT_MOST) -> None:
    """The fine-tuned blocks moved, and only a little."""
    found = assert_pretrained_base(model, what)
    changes = {name: relative_change(layer, name) for name, (layer, _) in found.items()
               if block(name) in blocks}
    unchanged = [name for name, change in changes.items() if change == 0]
    if unchanged:
        raise AssertionError(
            f"{what}: {', '.join(unchanged)} still hold{'s' if len(unchanged) == 1 else ''} the "
            "pretrained weights: fine-tuning did not train them (set their layers trainable, "
            "recompile, then fit)")
    largest = max(changes, key=changes.get)
    assert changes[largest] <= at_most, (
        f"{what}: fine-tuning changed {largest} by {changes[largest]:.1%} of its pretrained weights, "
        f"beyond the {at_most:.0%} a very small learning rate allows (the reference changes them by "
        "well under 1%): too large a learning rate, or too many epochs, wrecks the pretrained "
        "features")


def assert_learning_rate(student_model, what: str, at_most: float = VERY_SMALL_LEARNING_RATE) -> None:
    rate = student_model.learning_rate
    assert rate is not None, (f"{what} is not compiled with an optimizer whose learning rate the "
                              "grader can read: recompile it before fine-tuning")
    assert rate <= at_most, (
        f"{what} is compiled with a learning rate of {rate:g}: fine-tuning needs a very small one "
        f"(at most {at_most:g}; e.g. keras.optimizers.Adam(1e-5)), or the first steps wreck the "
        "pretrained weights")


# --------------------------------------------------------------------------- the shared checks

def transfer_checks(assignment) -> tuple[dict, dict]:
    """The checks both transfer assignments share, as test functions for a check module to
    take into its globals, in the notebook's order: (before, after) its own checks.

    before: test_preprocess (VGG16's preprocess_input), test_model (the head the [model]
            spec states, input, output against the loss; the base pretrained, wholly frozen,
            its parameters the model's non-trainable ones)
    after:  test_accuracy (the held-out photos preprocessed here) and test_training_time
    """
    from autograder.checks import grade
    from autograder.checks.trained_models import built_model, image_classifier_checks

    image_shape = (*assignment.settings["image_size"], 3)
    before = {check.__name__: grade("test_preprocess")(check) for check in preprocess_checks(image_shape)}
    shared = image_classifier_checks(assignment, encode=vgg16_input)
    before.update({k: v for k, v in shared.items() if k.startswith("test_model")})
    what = "build_model()'s model"

    def test_model_base_is_pretrained(student):
        assert_weights_pretrained(built_model(student).model, what)

    def test_model_base_is_frozen(student):
        assert_trainable_blocks(built_model(student).model, what, ())

    def test_model_non_trainable_parameters_are_the_base(student):
        assert_non_trainable_count(built_model(student), what)

    for check, weight in ((test_model_base_is_pretrained, 2.0), (test_model_base_is_frozen, 1.0),
                          (test_model_non_trainable_parameters_are_the_base, 1.0)):
        before[check.__name__] = grade("test_model", weight)(check)
    after = {k: v for k, v in shared.items() if not k.startswith("test_model")}
    return before, after
