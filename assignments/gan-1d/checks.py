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

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.assignments import here
from autograder.checks import grade, property_settings
from autograder.checks.accuracy import STEPS, Threshold, assert_step
from autograder.checks.gan import GanSetup, labels, pair, register, register_models, register_training
from autograder.checks.gan import seeded  # noqa: F401 - an autouse fixture: every check seeded
from autograder.checks.hints import call, with_hint
from autograder.checks.trained_models import memo
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


# --------------------------------------------------------------------------- 1. real samples

def _check_real(student, n: int, label: str = "") -> np.ndarray:
    what = f"generate_real_samples({n}){label}"
    X, y = pair(call(what, student.function("generate_real_samples"), n), what, n, (2,))
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
    labels(y, 1, what)
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


# --------------------------------------------------------------------------- 3-4. the models

register_models(globals(), SETTINGS, LATENT)


# --------------------------------------------------------------------------- 2, 4-8. latent points, the
# generator's input, fake samples, the combined model, one step of each (autograder/checks/gan.py)

def _on_the_curve(X: np.ndarray) -> str | None:
    return ("these are points of the curve: fake samples are what the generator makes"
            if np.allclose(X[:, 1], X[:, 0] ** 2) else None)


register(globals(), GanSetup(
    latent_dim=LATENT, shape=(2,), batch=BATCH, noun="point", fake=np.asarray(OFF_CURVE),
    fake_words="always outputs (0, 1)", fake_hint=_on_the_curve,
    real=lambda n: gan1d.real_samples(n, np.random.default_rng(7)),
    discriminator_args=lambda g, d: (g, d, LATENT, BATCH), discriminator_steps=DISCRIMINATOR_STEPS))


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


register_training(globals(), ASSIGNMENT.training_cell, _trained)
