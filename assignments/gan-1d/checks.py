"""Hidden checks for the `gan-1d` assignment (course activity 11).

    test_real_samples         generate_real_samples(n): (X, y), X the points (x, x^2) with x
                              uniform in [-0.5, 0.5], y ones; by value, spread, any n (Hypothesis)
    test_latent_points        generate_latent_points(latent_dim, n): shape (n, latent_dim),
                              standard normal (mean, deviation, tails of 20,000 values)
    test_discriminator        define_discriminator(): [settings.discriminator]
    test_generator            define_generator(latent_dim): [settings.generator], any latent_dim,
                              and its untrained output varies with the latent point
    test_fake_samples         generate_fake_samples(the grader's generator, ...): X what that
                              generator makes (a constant point; a linear map of normal points),
                              y zeros
    test_gan                  define_gan(g, d) with the student's own g and d (kept in the
                              kernel): built from them, the discriminator frozen inside, the
                              generator trainable, compiled with binary cross-entropy
    test_train_discriminator  train_discriminator(g, d, ...) after define_gan froze d: d's weights
                              change, g's do not; trained against a grader's generator of one
                              point off the curve, d scores real points above that point
    test_train_generator      train_generator(gan, d, ...) with d left trainable (as its own step
                              leaves it): g's weights change, d's do not; D(G(z)) rises
    test_samples              the trained `generator`'s points from the grader's latent points:
                              the share near the curve and the share of [-0.5, 0.5] covered, in
                              four steps each (reference/gan1d.py)
    test_training_time        the `train` cell within its budget, and a trained generator
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.assignments import here
from autograder.bridge import grader_model
from autograder.checks import grade, property_settings
from autograder.checks.accuracy import STEPS, Threshold, assert_step
from autograder.checks.budget import assert_within_budget, passes
from autograder.checks.hints import call, with_hint
from autograder.checks.structure import assert_structure, spec_from
from autograder.checks.model_spec import ModelSpec
from autograder.checks.trained_models import memo, model_checks
from autograder.checks.transfer import walk
from reference import gan1d

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
LATENT = int(SETTINGS["latent_dim"])
BATCH = 64  # the checks' batches: small, the steps' logic is the same
# The reference's discriminator, from three seeds, then scores real points 0.36-0.40 above the
# grader's fake point (0.06-0.19 after 40 steps): far above the margin of 0.15 asked.
DISCRIMINATOR_STEPS = 100
PLOTTED = 300  # of the trained generator's points, in the student's report
PROPERTY = property_settings(max_examples=15)
NEAR, COVERAGE = (Threshold(**{k: float(v) for k, v in ASSIGNMENT.thresholds[name].items()})
                  for name in ("near_curve", "coverage"))
OFF_CURVE = (0.0, 1.0)  # the grader's fake point: 1 above the curve at x = 0


@pytest.fixture(autouse=True)
def _seeded(student, request):
    """The kernel's random sources seeded per check, by its name: a regrade draws the same
    samples, so its messages (which quote them) come out the same."""
    try:
        student.seed(zlib.crc32(request.node.name.encode()))
    except Exception:  # noqa: BLE001 - a kernel that cannot be seeded fails in the check itself
        pass


def _pair(result, what: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) as arrays: X of shape (n, 2), y of n labels ((n, 1) or (n,))."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise AssertionError(f"{what}: expected a pair (X, y), got {type(result).__name__}")
    try:
        X, y = (np.asarray(part, dtype=np.float64) for part in result)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: X and y must be arrays of numbers") from None
    hint = "X is transposed: one row per sample, (n, 2)" if X.shape == (2, n) and n != 2 else None
    if X.shape != (n, 2):
        raise with_hint(AssertionError(f"{what}: X has shape {X.shape}, expected ({n}, 2)"), hint)
    if y.shape not in ((n, 1), (n,)):
        raise AssertionError(f"{what}: y has shape {y.shape}, expected ({n}, 1), one label a sample")
    return X, y.reshape(-1)


def _labels(y: np.ndarray, label: int, what: str) -> None:
    if np.all(y == label):
        return
    other = "fake (0)" if label == 1 else "real (1)"
    hint = (f"every label is {other}: the labels are swapped; real samples are labelled 1, "
            "fakes 0") if np.all(y == 1 - label) else None
    raise with_hint(AssertionError(f"{what}: y must be {label} for every sample, got "
                                   f"{np.unique(y)[:5].tolist()}"), hint)


# --------------------------------------------------------------------------- 1. real samples

def _check_real(student, n: int, label: str = "") -> np.ndarray:
    what = f"generate_real_samples({n}){label}"
    X, y = _pair(call(what, student.function("generate_real_samples"), n), what, n)
    x = X[:, 0]
    hint = None
    if np.all((x >= 0) & (x <= 1)) and np.any(x > 0.5):
        hint = "x lies in [0, 1]: np.random.rand(n) - 0.5 draws it from [-0.5, 0.5]"
    elif np.allclose(X[:, 1], 2 * x):
        hint = "y = x * 2: the curve is y = x ** 2"
    elif np.allclose(X[:, 0], X[:, 1] ** 2):
        hint = "the columns are swapped: X[:, 0] is x, X[:, 1] is x ** 2"
    if not np.all((x >= gan1d.LOW) & (x <= gan1d.HIGH)):
        raise with_hint(AssertionError(f"{what}: x must lie in [-0.5, 0.5]; it spans "
                                       f"[{x.min():.3g}, {x.max():.3g}]"), hint)
    if not np.allclose(X[:, 1], gan1d.curve(x), atol=1e-6):
        raise with_hint(AssertionError(f"{what}: the points are not on the curve y = x^2 "
                                       f"(first point ({x[0]:.4g}, {X[0, 1]:.4g}))"), hint)
    _labels(y, 1, what)
    return X


@grade("test_real_samples")
def test_real_samples_are_points_of_the_curve(student):
    _check_real(student, 100, " [the notebook's example]")
    _check_real(student, 1)


@grade("test_real_samples")
def test_real_samples_spread_over_the_interval(student):
    X = _check_real(student, 2000)
    x = X[:, 0]
    counts, _ = np.histogram(x, bins=10, range=(gan1d.LOW, gan1d.HIGH))
    assert counts.min() >= 120 and abs(x.mean()) < 0.03, (
        f"generate_real_samples(2000): x must be uniform over [-0.5, 0.5]; the tenths of the "
        f"interval hold {counts.tolist()} of the 2,000 values")
    again = _check_real(student, 2000)
    assert not np.array_equal(X, again), (
        "generate_real_samples gives the same samples at every call: draw them at random")


@grade("test_real_samples")
@given(n=st.integers(1, 64))
@PROPERTY
def test_real_samples_any_n(student, n):
    _check_real(student, n)


# --------------------------------------------------------------------------- 2. latent points

def _latent(student, latent_dim: int, n: int) -> np.ndarray:
    what = f"generate_latent_points({latent_dim}, {n})"
    result = call(what, student.function("generate_latent_points"), latent_dim, n)
    try:
        z = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected an array, got {type(result).__name__}") from None
    hint = ("the axes are swapped: one row per point, (n, latent_dim)"
            if z.shape == (latent_dim, n) and n != latent_dim else None)
    if z.shape != (n, latent_dim):
        raise with_hint(AssertionError(f"{what}: shape {z.shape}, expected ({n}, {latent_dim})"), hint)
    return z


@grade("test_latent_points")
@given(latent_dim=st.integers(1, 8), n=st.integers(1, 40))
@PROPERTY
def test_latent_points_any_shape(student, latent_dim, n):
    _latent(student, latent_dim, n)


@grade("test_latent_points")
def test_latent_points_are_standard_normal(student):
    z = _latent(student, LATENT, 4000)  # 20,000 values
    mean, std = float(z.mean()), float(z.std())
    tails = float(np.mean(np.abs(z) > 1.96))  # 5% for a standard normal
    hint = None
    if 0.4 < mean < 0.6 and z.min() >= 0:
        hint = "np.random.rand is uniform on [0, 1); latent points are standard normal: np.random.randn"
    elif abs(mean) < 0.05 and z.min() >= -1 and z.max() <= 1:
        hint = "uniform values; latent points are standard normal: np.random.randn"
    assert abs(mean) < 0.04 and abs(std - 1) < 0.04 and 0.035 < tails < 0.065, with_hint(
        AssertionError(f"generate_latent_points({LATENT}, 4000): expected standard normal values "
                       f"(mean 0, deviation 1, 5% beyond 1.96); got mean {mean:.3f}, deviation "
                       f"{std:.3f}, {tails:.1%} beyond 1.96"), hint)


# --------------------------------------------------------------------------- 3-4. the models

for _check, _weight in model_checks(spec_from(SETTINGS["discriminator"]), "define_discriminator",
                                    prefix="discriminator"):
    globals()[_check.__name__] = grade("test_discriminator", _weight)(_check)
for _check, _weight in model_checks(spec_from(SETTINGS["generator"]), "define_generator",
                                    prefix="generator", args=(LATENT,)):
    globals()[_check.__name__] = grade("test_generator", _weight)(_check)
del _check, _weight


@grade("test_generator")
def test_generator_takes_any_latent_dim(student):
    for latent_dim in (3, 8):
        built = student.model("define_generator", build=True, args=(latent_dim,))
        assert_structure(built, ModelSpec(input_shape=(latent_dim,)), f"define_generator({latent_dim})")


@grade("test_generator")
def test_untrained_generator_varies_with_its_input(student):
    from autograder.checks.trained_models import built_model

    generator = built_model(student, "define_generator", (LATENT,)).model
    points = np.asarray(generator.predict(gan1d.latent_points(200), verbose=0), dtype=np.float64)
    spread = points.std(axis=0)
    assert np.all(spread > 1e-6), with_hint(AssertionError(
        f"define_generator({LATENT}) gives the same point for every latent point (spread "
        f"{spread.max():.2g}): a generator that ignores its input cannot learn to draw the curve"),
        "a layer initialised to zeros (kernel_initializer='zeros') passes nothing of the input on")


# --------------------------------------------------------------------------- 5. fake samples

def _constant_generator(point=OFF_CURVE):
    import keras

    model = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(2)])
    model.set_weights([np.zeros((LATENT, 2), np.float32), np.asarray(point, np.float32)])
    return model


def _fakes(student, generator, n: int, words: str) -> np.ndarray:
    what = f"generate_fake_samples({words}, {LATENT}, {n})"
    result = call(what, student.function("generate_fake_samples"), grader_model(generator), LATENT, n)
    X, y = _pair(result, what, n)
    _labels(y, 0, what)
    return X


@grade("test_fake_samples")
def test_fake_samples_come_from_the_generator(student):
    for n in (1, 7, 64):
        X = _fakes(student, _constant_generator(), n, "a generator that always outputs (0, 1)")
        hint = ("these are points of the curve: fake samples are what the generator makes"
                if np.allclose(X[:, 1], X[:, 0] ** 2) else None)
        if not np.allclose(X, np.tile(OFF_CURVE, (n, 1)), atol=1e-5):
            raise with_hint(AssertionError(
                f"generate_fake_samples(a generator that always outputs (0, 1), {LATENT}, {n}): "
                f"X must be what the generator outputs, (0, 1) in every row; got "
                f"({X[0, 0]:.4g}, {X[0, 1]:.4g}) in the first"), hint)


@grade("test_fake_samples")
def test_fake_samples_use_standard_normal_latent_points(student):
    import keras

    linear = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(2, use_bias=False)])
    kernel = np.zeros((LATENT, 2), np.float32)
    kernel[0, 0] = kernel[1, 1] = 1.0  # X = the first two values of each latent point
    linear.set_weights([kernel])
    X = _fakes(student, linear, 2000, "a generator that outputs its input's first two values")
    mean, std = np.abs(X.mean(axis=0)).max(), X.std(axis=0)
    assert mean < 0.1 and np.all(np.abs(std - 1) < 0.1), (
        f"generate_fake_samples: the generator's input must be standard normal latent points "
        f"(generate_latent_points); through a generator that passes them on, the values have "
        f"mean {X.mean():.3f} and deviation {X.std():.3f}")


# --------------------------------------------------------------------------- 6. the combined model

def _weights(model) -> list[np.ndarray]:
    return [np.asarray(w) for w in model.get_weights()]


def _parts(student):
    """The student's generator and discriminator kept in the kernel, the combined model
    define_gan makes of them, and all three as fetched after define_gan."""
    def build():
        g = student.keep("define_generator", LATENT)
        d = student.keep("define_discriminator")
        gan = student.model("define_gan", build=True, args=(g, d))
        return g, d, gan, student.model(g), student.model(d)
    return memo(student, "gan_parts", build)


def _layers_of(gan, weights: list[np.ndarray]) -> list[tuple]:
    """(layer, whether it trains) for each of gan's layers whose weights are among `weights`."""
    found = []
    for layer, trains in walk(gan):
        own = layer.get_weights()
        if own and all(any(w.shape == v.shape and np.array_equal(w, v) for v in weights) for w in own):
            found.append((layer, trains))
    return found


@grade("test_gan")
def test_gan_takes_latent_points_to_a_verdict(student):
    _, _, gan, _, _ = _parts(student)
    assert_structure(gan, ModelSpec(input_shape=(LATENT,)), "define_gan(generator, discriminator)")
    shape = tuple(gan.model.output_shape)
    assert shape == (None, 1), (f"define_gan(generator, discriminator): the output has shape "
                                f"{shape}, expected (None, 1): the discriminator's verdict")


@grade("test_gan")
def test_gan_is_built_from_the_models_it_is_given(student):
    _, _, gan, g, d = _parts(student)
    for part, model in (("generator", g), ("discriminator", d)):
        mine = _layers_of(gan.model, _weights(model.model))
        assert sum(len(layer.get_weights()) for layer, _ in mine) == len(model.model.get_weights()), (
            f"define_gan(generator, discriminator): the combined model does not hold the {part} it "
            f"was given (its weights are not there): build it from the two models passed in, "
            "not from new ones")


@grade("test_gan", 2)
def test_gan_freezes_the_discriminator_only(student):
    _, _, gan, g, d = _parts(student)
    trains = [name for layer, t in _layers_of(gan.model, _weights(d.model)) if t for name in [layer.name]]
    assert not trains, with_hint(AssertionError(
        f"define_gan(generator, discriminator): the discriminator is trainable inside the combined "
        f"model ({', '.join(trains)}): training the combined model would teach it to call the "
        "generator's fakes real"), "set discriminator.trainable = False before compiling the "
                                   "combined model")
    frozen = [layer.name for layer, t in _layers_of(gan.model, _weights(g.model)) if not t]
    assert not frozen, (f"define_gan(generator, discriminator): the generator is frozen inside the "
                        f"combined model ({', '.join(frozen)}): it is the model that learns there")


@grade("test_gan")
def test_gan_is_compiled_with_binary_cross_entropy(student):
    _, _, gan, _, _ = _parts(student)
    assert gan.loss is not None, ("define_gan: the combined model is not compiled: compile it "
                                  "before returning it")
    assert_structure(gan, ModelSpec(loss="binary_crossentropy"), "define_gan(generator, discriminator)")


# --------------------------------------------------------------------------- 7-8. one step each

def _changed(before, after) -> bool:
    return any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(before, after))


def _step_effects(student, step: str):
    """Which weights one call of `step` changes, on the student's models as the notebook's
    training loop has them: define_gan made, d frozen by it (train_discriminator) or left
    trainable by the discriminator's own step (train_generator)."""
    def run():
        g = student.keep("define_generator", LATENT)
        d = student.keep("define_discriminator")
        gan = student.keep("define_gan", g, d)
        if step == "train_generator":
            student.set_trainable(d, True)
        g0, d0 = _weights(student.model(g).model), _weights(student.model(d).model)
        args = (g, d, LATENT, BATCH) if step == "train_discriminator" else (gan, d, LATENT, BATCH)
        call(f"{step}(...)", student.function(step), *args)
        g1, d1 = _weights(student.model(g).model), _weights(student.model(d).model)
        return _changed(g0, g1), _changed(d0, d1)
    return memo(student, f"effects:{step}", run)


@grade("test_train_discriminator")
def test_discriminator_step_trains_the_discriminator(student):
    _, d_changed = _step_effects(student, "train_discriminator")
    assert d_changed, with_hint(AssertionError(
        "train_discriminator(generator, discriminator, ...) after define_gan: the discriminator's "
        "weights did not change"), "Keras 3 reads trainable each time a model trains, and "
        "define_gan set discriminator.trainable = False: set it to True before the "
        "discriminator's train_on_batch")


@grade("test_train_discriminator")
def test_discriminator_step_leaves_the_generator(student):
    g_changed, _ = _step_effects(student, "train_discriminator")
    assert not g_changed, ("train_discriminator changed the generator's weights: only the "
                           "discriminator learns in its step")


@grade("test_train_discriminator")
def test_discriminator_learns_real_from_fake(student):
    def run():
        d = student.keep("define_discriminator")
        real = gan1d.real_samples(500, np.random.default_rng(7)).astype(np.float32)
        points = np.vstack([real, [OFF_CURVE]]).astype(np.float32)

        def scores():
            found = np.asarray(student.model(d).model.predict(points, verbose=0)).reshape(-1)
            return float(found[:-1].mean()), float(found[-1])
        before = scores()
        fake, step = grader_model(_constant_generator()), student.function("train_discriminator")
        for _ in range(DISCRIMINATOR_STEPS):
            call("train_discriminator(...)", step, fake, d, LATENT, BATCH)
        return before + scores()
    real_before, fake_before, real, fake = memo(student, "d_scores", run)
    rose, fell = real > real_before, fake < fake_before
    hint = None
    if not rose and not fell:
        hint = "the labels are swapped: real samples are labelled 1, fakes 0"
    elif not rose:
        hint = "the real samples are not trained towards 1 (real): label them 1"
    elif not fell:
        hint = "the fake samples are not trained towards 0 (fake): label them 0"
    assert rose and fell and real > fake + 0.15, with_hint(AssertionError(
        f"after {DISCRIMINATOR_STEPS} steps of train_discriminator against a generator that always "
        f"outputs (0, 1), the discriminator's mean score of real points went from {real_before:.2f} "
        f"to {real:.2f} and its score of that fake point from {fake_before:.2f} to {fake:.2f}: "
        "real points should rise towards 1, the fake fall towards 0, clearly apart"), hint)


@grade("test_train_generator")
def test_generator_step_trains_the_generator(student):
    g_changed, _ = _step_effects(student, "train_generator")
    assert g_changed, ("train_generator(gan, discriminator, ...): the generator's weights did not "
                       "change: train the combined model")


@grade("test_train_generator", 2)
def test_generator_step_leaves_the_discriminator(student):
    _, d_changed = _step_effects(student, "train_generator")
    assert not d_changed, with_hint(AssertionError(
        "train_generator(gan, discriminator, ...) with the discriminator left trainable by its own "
        "step: the discriminator's weights changed, so it learnt to call the fakes real"),
        "set discriminator.trainable = False before the combined model's train_on_batch")


@grade("test_train_generator")
def test_generator_learns_to_fool_the_discriminator(student):
    def run():
        g = student.keep("define_generator", LATENT)
        d = student.keep("define_discriminator")
        gan = student.keep("define_gan", g, d)
        z = gan1d.latent_points(500)

        def verdict():
            generator, discriminator = student.model(g).model, student.model(d).model
            points = np.asarray(generator.predict(z, verbose=0))
            return float(np.mean(discriminator.predict(points, verbose=0)))
        before = verdict()
        step = student.function("train_generator")
        for _ in range(30):
            call("train_generator(...)", step, gan, d, LATENT, BATCH)
        return before, verdict()
    before, after = memo(student, "fooled", run)
    assert after > before, with_hint(AssertionError(
        f"after 30 steps of train_generator, the discriminator's mean verdict on the generator's "
        f"points went from {before:.3f} to {after:.3f}: the generator should learn to make it "
        "rise (towards 'real')"), "the combined model trains on latent points labelled 1 (real)")


# --------------------------------------------------------------------------- 9-10. the trained generator

def drawn(student) -> np.ndarray:
    """The trained `generator`'s points from the grader's latent points."""
    def draw():
        generator = student.model("generator").model
        try:
            points = np.asarray(generator.predict(gan1d.latent_points(), verbose=0), dtype=np.float64)
        except Exception as exc:  # noqa: BLE001 - the student's model could not run on them
            raise AssertionError(f"`generator` could not run on latent points of {LATENT} values: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
        if points.shape != (gan1d.SAMPLES, 2):
            raise AssertionError(f"`generator` outputs shape {points.shape[1:]} a latent point, "
                                 "expected (2,): a point (x, y)")
        shown = points[:PLOTTED][np.isfinite(points[:PLOTTED]).all(axis=1)]  # for the report
        student.context.setdefault("samples", []).append({
            "title": f"{PLOTTED} of the points your generator drew (red) over real points of the curve",
            "curve": "x**2", "xlim": [gan1d.LOW, gan1d.HIGH],
            "generated": np.round(shown, 4).tolist(),
            "real": np.round(gan1d.real_samples(PLOTTED, np.random.default_rng(0)), 4).tolist()})
        return points
    return memo(student, "samples", draw)


def near_curve(student) -> float:
    return memo(student, "near_curve", lambda: gan1d.closeness(drawn(student)))


def coverage(student) -> float:
    return memo(student, "coverage", lambda: gan1d.coverage(drawn(student)))


ON = f"{gan1d.SAMPLES:,} points the trained generator drew from the grader's latent points"


def _untrained_hint(student) -> str | None:
    if np.all(drawn(student).std(axis=0) < 0.01):
        return ("mode collapse: the generator draws (nearly) the same point whatever the latent "
                "point")
    if near_curve(student) <= NEAR.floor:
        return "the generator looks untrained: did the training cell alternate the two steps?"
    if coverage(student) <= 0.1:
        return ("mode collapse: the points pile up on one part of the curve whatever the latent "
                "point")
    return None


for _step in range(1, STEPS + 1):
    def test_near_curve(student, step=_step):
        try:
            assert_step(near_curve(student), NEAR, step, "the share of points within 0.05 of the "
                        "curve", ".2f", ON)
        except AssertionError as failure:
            raise with_hint(failure, _untrained_hint(student)) from None

    def test_coverage(student, step=_step):
        try:
            assert_step(coverage(student), COVERAGE, step, "the share of [-0.5, 0.5] covered",
                        ".1f", ON)
        except AssertionError as failure:
            raise with_hint(failure, _untrained_hint(student)) from None

    test_near_curve.__name__ = f"test_samples_near_the_curve_step_{_step}_of_{STEPS}"
    test_coverage.__name__ = f"test_samples_cover_the_curve_step_{_step}_of_{STEPS}"
    globals()[test_near_curve.__name__] = grade("test_samples")(test_near_curve)
    globals()[test_coverage.__name__] = grade("test_samples")(test_coverage)
del _step, test_near_curve, test_coverage


def _trained(student) -> None:
    assert near_curve(student) > NEAR.floor, (
        f"`generator` looks untrained: {near_curve(student):.0%} of its points lie near the curve")


@grade("test_training_time")
def test_training_within_budget(student):
    # The budget's provenance reads the combined model: its optimizer counts the generator's steps.
    memo(student, "trained", lambda: student.model("gan"))
    assert_within_budget(student, ASSIGNMENT.training_cell,
                         looks_trained=lambda: passes(_trained, student))


@grade("test_training_time")
def test_training_left_a_trained_generator(student):
    _trained(student)
