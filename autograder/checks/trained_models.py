"""What the checks of every "build and train a Keras model" assignment share.

The model `build_model()` returns and the trained `model` are fetched once per
student (config and weights cross the bridge; the grader rebuilds them), the
held-out accuracy is measured once, in this process, on the grader's own test
split, and each check reads the memo. A failure to fetch is remembered too, so
every check that needs the model fails with the same reason.
"""
from __future__ import annotations

import functools
import numbers

import numpy as np

from autograder import datasets
from autograder.errors import StudentError
from autograder.checks.accuracy import Threshold, assert_step, classification_accuracy
from autograder.checks.compare import assert_array_matches
from autograder.checks.hints import with_hint
from autograder.checks.structure import ModelSpec, assert_structure
from reference.data import scale_pixels


def memo(student, key: str, compute):
    """compute() once per student (a check cell's bridge), its failure remembered too."""
    results = student.__dict__.setdefault("_dlgrade_memo", {})
    if key not in results:
        try:
            results[key] = (True, compute())
        except (StudentError, AssertionError) as exc:
            results[key] = (False, exc)
    ok, value = results[key]
    if not ok:
        raise type(value)(str(value))
    return value


def measured(student) -> dict[str, float]:
    """The figures the checks measured of this student (accuracy per dataset, errors), by
    memo key: a tuple's items as key[i]. For benchmarks and reports."""
    figures: dict[str, float] = {}
    for key, (ok, value) in student.__dict__.get("_dlgrade_memo", {}).items():
        values = value if isinstance(value, tuple) else (value,)
        if ok and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            for i, v in enumerate(values):
                figures[key if len(values) == 1 else f"{key}[{i}]"] = float(v)
    return figures


def built_model(student, function: str = "build_model", args: tuple = ()):
    """What the student's `function(*args)` returns (compiled, untrained)."""
    key = f"built:{function}" + (repr(tuple(args)) if args else "")
    return memo(student, key, lambda: student.model(function, build=True, args=tuple(args)))



def trained_model(student):
    """The student's `model` after the training cell."""
    return memo(student, "trained", lambda: student.model("model"))


def check_preprocess(student, images: np.ndarray, image_shape: tuple | None = None) -> None:
    """preprocess(images) gives the course's scaling of the pixels (float, in [0, 1]), each
    image of `image_shape` (the model's input: a CNN's adds a channel axis), else as given."""
    actual = student.function("preprocess")(images)
    expected = scale_pixels(images)
    if image_shape is not None:
        expected = expected.reshape((len(images), *image_shape))
    actual_array = np.asarray(actual) if isinstance(actual, np.ndarray) else actual
    try:
        assert_array_matches(actual_array, expected, f"preprocess(images of shape {images.shape})",
                             rtol=1e-5, atol=1e-6)
    except AssertionError as failure:
        raise with_hint(failure, _preprocess_hint(actual_array, images, expected.shape)) from None


def _preprocess_hint(actual, images: np.ndarray, shape: tuple) -> str | None:
    if not isinstance(actual, np.ndarray) or actual.shape != shape:
        if not isinstance(actual, np.ndarray) or actual.size != images.size:
            return None
        if len(shape) == images.ndim + 1 and actual.shape == images.shape:
            return (f"the channel axis is missing: a Conv2D layer takes images of shape "
                    f"{('N',) + shape[1:]}; add it with images[..., np.newaxis]")
        if len(shape) == images.ndim:
            return ("the images were reshaped; keep their shape (the model's Flatten layer "
                    "flattens them)")
        return f"the images were reshaped to {actual.shape[1:]}; the model takes {shape[1:]}"
    pixels = images.astype(np.float64).reshape(shape)
    if np.allclose(actual, pixels):
        return "the pixels were not scaled: divide by 255"
    if np.allclose(actual, pixels / 256):
        return "divided by 256: the largest pixel is 255, so divide by 255"
    if actual.dtype.kind in "iub":
        return "integer division (//) or an integer array: the result must be floats"
    if np.allclose(actual, (pixels - pixels.mean()) / (pixels.std() or 1)):
        return "standardised (mean 0, std 1) instead of scaled to [0, 1]"
    return None


# --------------------------------------------------------------------------- accuracy


@functools.lru_cache(maxsize=4)
def held_out(dataset_name: str, encode=None):
    """(the model's inputs, labels, words naming them) from the grader's test split: images
    scaled as the course does, or what `encode` (the exercise's own preprocessing, run here)
    makes of the test examples (a text dataset's reviews)."""
    data = datasets.evaluation(dataset_name)
    noun = "reviews" if getattr(data, "word_index", None) is not None else "images"
    words = (f"the grader's {len(data.y_test):,} held-out test {noun}"
             + (" (the embedded stand-in data: the real dataset is not installed on this grader)"
                if data.embedded else ""))
    if encode is not None:
        x = encode(data.x_test)
    else:  # a folder dataset's models rescale inside themselves: they take raw 0..255 pixels
        x = data.x_test if getattr(data, "raw_pixels", False) else scale_pixels(data.x_test)
    return x, data.y_test, words, data.embedded


def threshold_for(thresholds: dict[str, Threshold], embedded: bool) -> Threshold:
    """Thresholds are per data source: real data, or the embedded stand-in."""
    return thresholds["embedded" if embedded else "real"]


def image_shape(dataset_name: str) -> tuple[int, ...]:
    """One image's shape in the grader's data (what preprocess is given)."""
    return tuple(held_out(dataset_name)[0].shape[1:])


def measured_accuracy(student, dataset_name: str, encode=None) -> float:
    def measure():
        model = trained_model(student).model
        x, y, words, _ = held_out(dataset_name, encode)
        try:
            return classification_accuracy(model, shaped_for(model, x), y)
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - the student's model could not run on the data
            shape = "x".join(str(n) for n in x.shape[1:])
            noun = "reviews of " if "reviews" in words else ""
            raise AssertionError(f"the model could not classify {noun}{shape} "
                                 f"{'word indices' if noun else 'images'}: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
    return memo(student, f"accuracy:{dataset_name}", measure)


def shaped_for(model, images: np.ndarray) -> np.ndarray:
    """The grader's scaled test images in the shape the model takes (a CNN's channel axis),
    when it holds the same values; else as they are (the model's error says why)."""
    try:
        shape = tuple(model.input_shape[1:])
    except (AttributeError, ValueError, TypeError):
        return images
    if all(isinstance(n, int) for n in shape) and int(np.prod(shape)) == int(np.prod(images.shape[1:])):
        return images.reshape((len(images), *shape))
    return images


TRAINED_MARGIN = 0.2  # above chance by this much (at most half way to 1): it learnt something


def output_units(spec: ModelSpec) -> int | None:
    """The class count the declaration gives: its output's units, or its last layer's."""
    for layer in (spec.output, (spec.layers or [None])[-1]):
        if layer is not None and isinstance(layer.units, int):
            return layer.units
    return None


def chance_level(labels: np.ndarray, units: int | None = None) -> float:
    """The accuracy of guessing: 1 / classes, or for two classes (or one output unit) the
    share of the commoner one. Classes from the declared output, else from the labels."""
    labels = np.asarray(labels)
    labels = labels.argmax(axis=1) if labels.ndim == 2 and labels.shape[1] > 1 else labels.ravel()
    counts = np.bincount(labels.astype(np.int64))
    classes = units if units and units > 1 else len(counts)
    if units == 1 or classes <= 2:
        return float(counts.max() / counts.sum())
    return 1 / classes


def trained_level(chance: float) -> float:
    return min(chance + TRAINED_MARGIN, chance + (1 - chance) / 2)


def assert_accuracy_step(student, dataset_name: str, thresholds: dict[str, Threshold],
                         step: int, units: int | None = None, encode=None) -> None:
    accuracy = measured_accuracy(student, dataset_name, encode)
    _, y, words, embedded = held_out(dataset_name, encode)
    threshold = threshold_for(thresholds, embedded)
    try:
        assert_step(accuracy, threshold, step, what="accuracy", measured_on=words)
    except AssertionError as failure:
        chance = chance_level(y, units)
        untrained = accuracy < trained_level(chance)
        raise with_hint(failure, f"the model looks untrained (chance is {chance:.0%}): did "
                                 "the training cell fit it on all the training data?" if untrained
                        else None) from None


def assert_trained(student, dataset_name: str, units: int | None = None, encode=None) -> None:
    """The trained `model` is clearly above chance; the message says where it is."""
    accuracy = measured_accuracy(student, dataset_name, encode)
    chance = chance_level(held_out(dataset_name, encode)[1], units)
    where = "below" if accuracy < chance else "barely above" if accuracy > chance else "at"
    if accuracy < trained_level(chance):
        raise with_hint(AssertionError(
            f"`model` looks untrained: its accuracy {accuracy:.4f} is {where} chance "
            f"({chance:.0%})"), "the training cell did not fit the model on the training data "
                                "(or fitted it on a few images only)")


# --------------------------------------------------------------------------- the checks

def preprocess_checks(dataset: str, model_input: tuple | None = None) -> list:
    """preprocess(images) on the course's pixels and on any images of the dataset's shape:
    the course's scaling, each image of the model's input shape (`model_input`; a CNN's adds
    a channel axis), else as given. Unmarked test functions, in order."""
    from hypothesis import given
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    from autograder.checks import property_settings

    def test_preprocess_scales_the_course_pixels(student):
        pixels = np.zeros((2, *image_shape(dataset)), dtype=np.uint8)
        pixels[0].flat[:3] = (0, 51, 255)  # -> 0.0, 0.2, 1.0
        pixels[1] = 128
        check_preprocess(student, pixels, model_input)

    # deferred: the images' shape comes from the data, loaded at the first example
    @given(images=st.deferred(lambda: arrays(
        np.uint8, st.tuples(st.integers(1, 3), *map(st.just, image_shape(dataset))),
        elements=st.integers(0, 255))))
    @property_settings(max_examples=12)
    def test_preprocess_any_images(student, images):
        check_preprocess(student, images, model_input)

    return [test_preprocess_scales_the_course_pixels, test_preprocess_any_images]


def model_checks(spec: ModelSpec, function: str = "build_model", prefix: str = "model",
                 layers_weight: float = 2.0, args: tuple = ()) -> list[tuple]:
    """What `function(*args)` returns against `spec`, one mistake one check: its layers (or
    the required layers and output), its input, its output against the loss (and compiled,
    when the spec names a loss), its parameter counts when the spec gives them. (test
    function, weight) pairs, in order, named test_<prefix>_layers and so on."""
    what = f"{function}({', '.join(map(repr, args))})"

    def built(student):
        return built_model(student, function, args)

    def layers(student):
        assert_structure(built(student), ModelSpec(
            layers=spec.layers, requires=spec.requires, output=spec.output), what)

    def input_shape(student):
        assert_structure(built(student), ModelSpec(input_shape=spec.input_shape), what)

    def output_fits_the_loss(student):
        model = built(student)
        assert model.loss is not None, (f"{what} returns a model that is not compiled: call "
                                        "model.compile(...) before returning it")
        assert_structure(model, ModelSpec(loss=spec.loss), what)

    def parameters(student):
        assert_structure(built(student), ModelSpec(
            parameters=spec.parameters, trainable_parameters=spec.trainable_parameters,
            non_trainable_parameters=spec.non_trainable_parameters), what)

    counted = any(v is not None for v in (spec.parameters, spec.trainable_parameters,
                                          spec.non_trainable_parameters))
    found = [(layers, layers_weight), (input_shape, 1.0)]
    found += [(output_fits_the_loss, 1.0)] if spec.loss is not None else []
    found += [(parameters, 1.0)] if counted else []
    for check, _ in found:
        check.__name__ = f"test_{prefix}_{check.__name__}"
    return found


def image_classifier_checks(assignment, weights: dict[str, float] | None = None,
                            preprocess: bool = True, encode=None) -> dict:
    """The hidden checks of a "preprocess, build, train" image-classifier assignment, as
    test functions for the assignment's check module to take into its globals. What they
    check comes from its declaration: the dataset, the [model] spec, the thresholds and
    the training cell.

    test_preprocess      preprocess(images): the course's scaling, each image of the model's
                         declared input shape (kept; a CNN's with a channel axis); left
                         out with preprocess=False (a model that rescales inside itself)
                         or with `encode` (the exercise's preprocessing of the test split,
                         run by the grader: a text dataset's reviews)
    test_model           what build_model() returns: layers (or required layers and output),
                         input, output vs loss, parameters
    test_accuracy        the trained `model` on the grader's test split, in Threshold's steps
    test_training_time   the training cell within its calibrated budget
    """
    from autograder.checks import grade
    from autograder.checks.accuracy import STEPS
    from autograder.checks.accuracy import thresholds_from
    from autograder.checks.budget import TRAINING_TIME, assert_within_budget, passes
    from autograder.checks.structure import spec_from

    dataset, = assignment.measured_datasets
    spec, thresholds = spec_from(assignment.model), thresholds_from(assignment.thresholds)
    units = output_units(spec)
    # preprocess gives what the model takes: the declared input shape (a CNN's adds a channel)
    model_input = tuple(spec.input_shape) if spec.input_shape else None
    training_cell = assignment.training_cell
    weights = {"layers": 2.0, **(weights or {})}
    checks = {}

    def check(function, grade_id: str, weight: float = 1.0):
        checks[function.__name__] = grade(grade_id, weight)(function)
        return function

    for function in preprocess_checks(dataset, model_input) if preprocess and not encode else ():
        check(function, "test_preprocess")
    for function, weight in model_checks(spec, layers_weight=weights["layers"]):
        check(function, "test_model", weight)

    for step in range(1, STEPS + 1):
        def test_accuracy(student, step=step):
            assert_accuracy_step(student, dataset, thresholds, step, units, encode)
        test_accuracy.__name__ = f"test_accuracy_step_{step}_of_{STEPS}"
        check(test_accuracy, "test_accuracy")

    def test_training_within_budget(student):
        assert_within_budget(student, training_cell, looks_trained=lambda: passes(
            assert_trained, student, dataset, units, encode))

    def test_training_left_a_trained_model(student):
        assert_trained(student, dataset, units, encode)

    check(test_training_within_budget, TRAINING_TIME)
    check(test_training_left_a_trained_model, TRAINING_TIME)
    return checks
