"""Hidden checks for the `dcgan-digits` assignment (course activity 12).

    test_real_samples         load_real_samples(the grader's uint8 digits): (n, 28, 28, 1) in
                              [0, 1], by value, any n (Hypothesis); generate_real_samples(the
                              grader's dataset, n): rows of that dataset, drawn at random, y ones
    test_latent_points        generate_latent_points(latent_dim, n): shape, standard normal
    test_discriminator        define_discriminator(): [settings.discriminator]
    test_generator            define_generator(latent_dim): [settings.generator] (28x28x1 out
                              of a latent point: the Conv2DTranspose arithmetic), any latent_dim,
                              pixels in [0, 1] like the data's, and an output that varies with
                              the latent point
    test_fake_samples         generate_fake_samples(the grader's generator, ...): X what that
                              generator makes, y zeros
    test_gan                  define_gan(g, d) with the student's own g and d (kept in the
                              kernel): built from them, the discriminator frozen inside, the
                              generator trainable, compiled with binary cross-entropy
    test_train_discriminator  train_discriminator after define_gan froze d: d's weights change,
                              g's do not; against a grader's generator of one grey image, d
                              scores real digits above it
    test_train_generator      train_generator with d left trainable by its own step: g's weights
                              change, d's do not; D(G(z)) rises
    test_samples              the trained `generator`'s images from the grader's latent points,
                              scored by the grader's digit classifier: confidence, how many
                              digits they show and the Frechet distance of its features, in
                              four steps each (reference/dcgan.py)
    test_training_time        the `train` cell within its budget, and a trained generator
"""
from __future__ import annotations

import functools
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import datasets
from autograder.assignments import here
from autograder.checks import grade, property_settings
from autograder.checks.accuracy import STEPS, ErrorThreshold, Threshold, assert_step
from autograder.checks.gan import GanSetup, labels, pair, register, register_models, register_training
from autograder.checks.gan import seeded  # noqa: F401 - an autouse fixture: every check seeded
from autograder.checks.hints import call, with_hint
from autograder.checks.trained_models import built_model, memo
from reference import dcgan

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
LATENT = int(SETTINGS["latent_dim"])
BATCH = 32  # the checks' batches: small, the steps' logic is the same
DISCRIMINATOR_STEPS = 20
PLOTTED = 36  # of the trained generator's images, in the student's report
PROPERTY = property_settings(max_examples=10)
THRESHOLDS = {name: (ErrorThreshold if table.get("lower_is_better") else Threshold)(
    floor=float(table["floor"]), target=float(table["target"]))
    for name, table in ASSIGNMENT.thresholds.items()}
GREY = np.full(dcgan.IMAGE, 0.5, np.float32)  # the grader's fake image


@functools.lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The grader's digits (uint8 (n, 28, 28)) and labels: the training split the kernel
    reads too, as the classifier is trained on the data the generator learns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = datasets.evaluation("mnist")
    return found.x_train, found.y_train


@functools.lru_cache(maxsize=1)
def judge() -> dcgan.Judge:
    """The grader's digit classifier, trained once per grading process (a few seconds)."""
    return dcgan.Judge(*digits())


def grader_dataset(n: int = 64) -> np.ndarray:
    """n of the digits as the assignment's dataset holds them: (n, 28, 28, 1) in [0, 1]."""
    return dcgan.scaled(digits()[0][:n])


# --------------------------------------------------------------------------- 1. real samples

def _loaded(student, images: np.ndarray, words: str) -> np.ndarray:
    what = f"load_real_samples({words})"
    result = call(what, student.function("load_real_samples"), images)
    try:
        X = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected an array, got {type(result).__name__}") from None
    n = len(images)
    hint = "add the channel axis: np.expand_dims(images, axis=-1)" if X.shape == images.shape else None
    if X.shape != (n, 28, 28, 1):
        raise with_hint(AssertionError(f"{what}: shape {X.shape}, expected ({n}, 28, 28, 1)"), hint)
    expected = images[..., None] / 255.0
    if not np.allclose(X, expected, atol=1e-5):
        hint = None
        if np.allclose(X, images[..., None]):
            hint = "the pixels are not scaled: divide by 255"
        elif np.allclose(X, expected * 2 - 1, atol=1e-5):
            hint = ("scaled to [-1, 1], tanh's range: the generator's sigmoid draws in [0, 1], "
                    "so scale the data to [0, 1] (divide by 255)")
        raise with_hint(AssertionError(
            f"{what}: the pixels must be scaled to [0, 1] (pixel / 255); they span "
            f"[{X.min():.3g}, {X.max():.3g}]"), hint)
    return X


@grade("test_real_samples")
def test_real_samples_are_the_digits_scaled(student):
    _loaded(student, digits()[0][:50], "50 of the digits")


@grade("test_real_samples")
@given(images=hnp.arrays(np.uint8, st.tuples(st.integers(1, 6), st.just(28), st.just(28))))
@PROPERTY
def test_real_samples_load_any_images(student, images):
    _loaded(student, images, f"{len(images)} images of uint8 pixels")


@grade("test_real_samples")
def test_real_samples_are_rows_of_the_dataset(student):
    # Fifty images, image i of the value i / 100: each row tells which image it is.
    dataset = np.repeat((np.arange(50) / 100).astype(np.float32), 784).reshape(50, 28, 28, 1)
    what = "generate_real_samples(a dataset of 50 images, 200)"
    result = call(what, student.function("generate_real_samples"), dataset, 200)
    if isinstance(result, (tuple, list)) and len(result) == 2 and np.shape(result[0])[:1] == (50,):
        raise with_hint(AssertionError(f"{what}: X holds {len(result[0])} images, expected 200"),
                        "dataset[:n] takes the first rows and never more than the dataset holds: "
                        "draw n rows at random, np.random.randint(0, dataset.shape[0], n)")
    X, y = pair(result, what, 200, dcgan.IMAGE)
    rows = np.round(X[:, 0, 0, 0] * 100).astype(int)
    assert np.allclose(X, dataset[np.clip(rows, 0, 49)], atol=1e-6), (
        f"{what}: X must hold whole images of the dataset (rows of it), unchanged")
    labels(y, 1, what)
    drawn = len(set(rows.tolist()))
    assert drawn >= 30, (f"{what}: the 200 images hold only {drawn} of the dataset's 50 images: "
                         "draw them at random from all of it (np.random.randint(0, len(dataset), n))")


# --------------------------------------------------------------------------- 3-4. the models

register_models(globals(), SETTINGS, LATENT)


@grade("test_generator")
def test_generator_draws_in_the_datas_range(student):
    generator = built_model(student, "define_generator", (LATENT,)).model
    made = np.asarray(generator.predict(dcgan.latent_points(64), verbose=0), dtype=np.float64)
    low, high = float(made.min()), float(made.max())
    hint = ("tanh draws in [-1, 1]: the data is scaled to [0, 1], so end in a sigmoid"
            if low < 0 and high <= 1 else None)
    assert low >= 0 and high <= 1, with_hint(AssertionError(
        f"define_generator({LATENT}): the untrained generator's pixels span [{low:.3g}, {high:.3g}]; "
        "the real images are in [0, 1], and pixels the data never holds tell the discriminator "
        "every fake apart"), hint)


# --------------------------------------------------------------------------- 2, 4-8. latent points, the
# generator's input, fake samples, the combined model, one step of each (autograder/checks/gan.py)

register(globals(), GanSetup(
    latent_dim=LATENT, shape=dcgan.IMAGE, batch=BATCH, noun="image", fake=GREY,
    fake_words="always outputs a grey image",
    real=lambda n: grader_dataset(n),
    discriminator_args=lambda g, d: (g, d, grader_dataset(), LATENT, BATCH),
    discriminator_steps=DISCRIMINATOR_STEPS))


# --------------------------------------------------------------------------- 9-10. the trained generator

def drawn(student) -> np.ndarray:
    """The trained `generator`'s images from the grader's latent points."""
    def draw():
        generator = student.model("generator").model
        try:
            images = dcgan.images_of(generator.predict(dcgan.latent_points(), verbose=0, batch_size=100))
        except ValueError as exc:
            raise AssertionError(f"`generator`: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - the student's model could not run on them
            raise AssertionError(f"`generator` could not run on latent points of {LATENT} values: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
        shown = np.clip(np.nan_to_num(images[:PLOTTED, :, :, 0]), 0, 1)  # for the report
        real = grader_dataset(PLOTTED)[:, :, :, 0]
        student.context.setdefault("samples", []).append({
            "title": f"{PLOTTED} of the images your generator drew (left) beside real digits (right)",
            "images": np.round(shown, 3).tolist(), "real_images": np.round(real, 3).tolist()})
        return images
    return memo(student, "samples", draw)


def measures(student) -> dict[str, float]:
    return memo(student, "measures", lambda: judge().measures(drawn(student)))


ON = f"{dcgan.SAMPLES} images the trained generator drew from the grader's latent points"


def _untrained_hint(student) -> str | None:
    images = drawn(student)
    if float(np.nan_to_num(images).std(axis=0).max()) < 1e-4:
        return "mode collapse: the generator draws the same image whatever the latent point"
    found = measures(student)
    if found["distance"] >= THRESHOLDS["distance"].floor:
        return "the generator looks untrained: did the training cell alternate the two steps?"
    if found["classes"] <= 2:
        return "mode collapse: the images show one or two digits whatever the latent point"
    return None


SCALES = (("confidence", "the classifier's mean confidence that they are digits", ".2f"),
          ("classes", "the share of the ten digits they show", ".1f"),
          ("distance", "the Frechet distance to real digits' features", ".0f"))

for _name, _words, _format in SCALES:
    for _step in range(1, STEPS + 1):
        def test_scale(student, step=_step, name=_name, words=_words, form=_format):
            value = measures(student)[name] / (10 if name == "classes" else 1)
            try:
                assert_step(value, THRESHOLDS[name], step, words, form, ON)
            except AssertionError as failure:
                raise with_hint(failure, _untrained_hint(student)) from None
        test_scale.__name__ = f"test_samples_{_name}_step_{_step}_of_{STEPS}"
        globals()[test_scale.__name__] = grade("test_samples")(test_scale)
del _name, _words, _format, _step, test_scale


def _trained(student) -> None:
    distance = measures(student)["distance"]
    assert distance < THRESHOLDS["distance"].floor, (
        f"`generator` looks untrained: its images lie {distance:.0f} from real digits' features")


register_training(globals(), ASSIGNMENT.training_cell, _trained)
