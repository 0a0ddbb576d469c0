"""The checks every GAN assignment shares (gan-1d, dcgan-digits): fake samples made by a
generator of the grader's, the combined model built from the student's own models with the
discriminator frozen, and what each training step changes and teaches.

The student's models stay in the kernel (student.keep); the grader fetches their weights to
see what a call changed and sends in generators of its own whose every output it knows
(bridge.grader_model). `gan_checks(setup)` gives (grade_id, weight, check) triples for the
cells test_latent_points, test_generator (beside its structure), test_fake_samples, test_gan, test_train_discriminator and test_train_generator.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.bridge import grader_model
from autograder.checks import property_settings
from autograder.checks.hints import call, with_hint
from autograder.checks.model_spec import ModelSpec
from autograder.checks.structure import assert_structure
from autograder.checks.trained_models import built_model, memo
from autograder.checks.transfer import walk


@pytest.fixture(autouse=True)
def seeded(student, request):
    """The kernel's random sources seeded per check, by its name: a regrade draws the same
    samples, so its messages (which quote them) come out the same. A checks module imports it."""
    try:
        student.seed(zlib.crc32(request.node.name.encode()))
    except Exception:  # noqa: BLE001 - a kernel that cannot be seeded fails in the check itself
        pass


def shape_words(shape: tuple) -> str:
    return ", ".join(str(s) for s in shape)


def pair(result, what: str, n: int, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) as arrays: X of shape (n, *shape), y of n labels ((n, 1) or (n,))."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise AssertionError(f"{what}: expected a pair (X, y), got {type(result).__name__}")
    try:
        X, y = (np.asarray(part, dtype=np.float64) for part in result)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: X and y must be arrays of numbers") from None
    hint = ("X is transposed: one row per sample, (n, 2)"
            if len(shape) == 1 and X.shape == (shape[0], n) and n != shape[0] else None)
    if X.shape != (n, *shape):
        raise with_hint(AssertionError(f"{what}: X has shape {X.shape}, expected ({n}, "
                                       f"{shape_words(shape)})"), hint)
    if y.shape not in ((n, 1), (n,)):
        raise AssertionError(f"{what}: y has shape {y.shape}, expected ({n}, 1), one label a sample")
    return X, y.reshape(-1)


def labels(y: np.ndarray, label: int, what: str) -> None:
    if np.all(y == label):
        return
    other = "fake (0)" if label == 1 else "real (1)"
    hint = (f"every label is {other}: the labels are swapped; real samples are labelled 1, "
            "fakes 0") if np.all(y == 1 - label) else None
    raise with_hint(AssertionError(f"{what}: y must be {label} for every sample, got "
                                   f"{np.unique(y)[:5].tolist()}"), hint)


def constant_generator(latent_dim: int, value: np.ndarray):
    """A Keras generator that outputs `value` whatever its latent point."""
    import keras

    value = np.asarray(value, np.float32)
    layers = [keras.Input((latent_dim,)), keras.layers.Dense(value.size)]
    layers += [keras.layers.Reshape(value.shape)] if value.ndim > 1 else []
    model = keras.Sequential(layers)
    model.layers[0].set_weights([np.zeros((latent_dim, value.size), np.float32), value.reshape(-1)])
    return model


def passing_generator(latent_dim: int, shape: tuple):
    """A Keras generator whose output's first values are its latent point's (the rest 0)."""
    import keras

    size = int(np.prod(shape))
    kernel = np.zeros((latent_dim, size), np.float32)
    kernel[np.arange(min(latent_dim, size)), np.arange(min(latent_dim, size))] = 1.0
    layers = [keras.Input((latent_dim,)), keras.layers.Dense(size, use_bias=False)]
    layers += [keras.layers.Reshape(shape)] if len(shape) > 1 else []
    model = keras.Sequential(layers)
    model.layers[0].set_weights([kernel])
    return model


def weights(model) -> list[np.ndarray]:
    return [np.asarray(w) for w in model.get_weights()]


def changed(before, after) -> bool:
    return any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(before, after))


def layers_of(gan, found_weights: list[np.ndarray]) -> list[tuple]:
    """(layer, whether it trains) for each of gan's layers whose weights are among `found_weights`."""
    found = []
    for layer, trains in walk(gan):
        own = layer.get_weights()
        if own and all(any(w.shape == v.shape and np.array_equal(w, v) for v in found_weights)
                       for w in own):
            found.append((layer, trains))
    return found


@dataclass
class GanSetup:
    latent_dim: int
    shape: tuple                     # one sample's
    batch: int                       # the checks' batches
    noun: str                        # "point", "image"
    fake: np.ndarray                 # what the grader's constant generator outputs
    fake_words: str                  # "always outputs (0, 1)"
    real: Callable[[int], np.ndarray]  # the grader's real samples, for the discriminator's scores
    discriminator_args: Callable     # (g, d) -> train_discriminator's arguments
    discriminator_steps: int
    fake_hint: Callable[[np.ndarray], str | None] = lambda X: None  # fakes not the generator's
    generator_steps: int = 30


def gan_checks(setup: GanSetup) -> list[tuple]:
    """(grade_id, weight, check) for the latent points, the generator's input, the fake
    samples, the combined model and the two steps."""
    s, latent, batch = setup, setup.latent_dim, setup.batch
    noun, nouns = setup.noun, setup.noun + "s"

    def fakes(student, generator, n: int, words: str) -> np.ndarray:
        what = f"generate_fake_samples({words}, {latent}, {n})"
        result = call(what, student.function("generate_fake_samples"), grader_model(generator), latent, n)
        X, y = pair(result, what, n, s.shape)
        labels(y, 0, what)
        return X

    def test_fake_samples_come_from_the_generator(student):
        words = f"a generator that {s.fake_words}"
        for n in (1, 7, batch):
            X = fakes(student, constant_generator(latent, s.fake), n, words)
            if not np.allclose(X, np.broadcast_to(s.fake, X.shape), atol=1e-5):
                first = np.asarray(X[0]).reshape(-1)[:2]
                raise with_hint(AssertionError(
                    f"generate_fake_samples({words}, {latent}, {n}): X must be what the generator "
                    f"outputs in every row; got ({first[0]:.4g}, {first[-1]:.4g}) "
                    f"{'in the first' if len(s.shape) == 1 else 'as the first pixels'}"), s.fake_hint(X))

    def test_fake_samples_use_standard_normal_latent_points(student):
        X = fakes(student, passing_generator(latent, s.shape), 2000,
                  "a generator that outputs its input's first values")
        values = X.reshape(len(X), -1)[:, :min(latent, int(np.prod(s.shape)))]
        mean, std = np.abs(values.mean(axis=0)).max(), values.std(axis=0)
        assert mean < 0.1 and np.all(np.abs(std - 1) < 0.1), (
            f"generate_fake_samples: the generator's input must be standard normal latent points "
            f"(generate_latent_points); through a generator that passes them on, the values have "
            f"mean {values.mean():.3f} and deviation {values.std():.3f}")

    def parts(student):
        """The student's generator and discriminator kept in the kernel, the combined model
        define_gan makes of them, and all three as fetched after define_gan."""
        def build():
            g = student.keep("define_generator", latent)
            d = student.keep("define_discriminator")
            gan = student.model("define_gan", build=True, args=(g, d))
            return g, d, gan, student.model(g), student.model(d)
        return memo(student, "gan_parts", build)

    def test_gan_takes_latent_points_to_a_verdict(student):
        _, _, gan, _, _ = parts(student)
        assert_structure(gan, ModelSpec(input_shape=(latent,)), "define_gan(generator, discriminator)")
        shape = tuple(gan.model.output_shape)
        assert shape == (None, 1), (f"define_gan(generator, discriminator): the output has shape "
                                    f"{shape}, expected (None, 1): the discriminator's verdict")

    def test_gan_is_built_from_the_models_it_is_given(student):
        _, _, gan, g, d = parts(student)
        for part, model in (("generator", g), ("discriminator", d)):
            mine = layers_of(gan.model, weights(model.model))
            assert sum(len(layer.get_weights()) for layer, _ in mine) == len(model.model.get_weights()), (
                f"define_gan(generator, discriminator): the combined model does not hold the {part} "
                f"it was given (its weights are not there): build it from the two models passed "
                "in, not from new ones")

    def test_gan_freezes_the_discriminator_only(student):
        _, _, gan, g, d = parts(student)
        trains = [layer.name for layer, t in layers_of(gan.model, weights(d.model)) if t]
        assert not trains, with_hint(AssertionError(
            f"define_gan(generator, discriminator): the discriminator is trainable inside the "
            f"combined model ({', '.join(trains)}): training the combined model would teach it to "
            "call the generator's fakes real"), "set discriminator.trainable = False before "
                                                "compiling the combined model")
        frozen = [layer.name for layer, t in layers_of(gan.model, weights(g.model)) if not t]
        assert not frozen, (f"define_gan(generator, discriminator): the generator is frozen inside "
                            f"the combined model ({', '.join(frozen)}): it is the model that learns there")

    def test_gan_is_compiled_with_binary_cross_entropy(student):
        _, _, gan, _, _ = parts(student)
        assert gan.loss is not None, ("define_gan: the combined model is not compiled: compile it "
                                      "before returning it")
        assert_structure(gan, ModelSpec(loss="binary_crossentropy"), "define_gan(generator, discriminator)")

    def step_effects(student, step: str):
        """Which weights one call of `step` changes, on the student's models as the notebook's
        training loop has them: define_gan made, d frozen by it (train_discriminator) or left
        trainable by the discriminator's own step (train_generator)."""
        def run():
            g = student.keep("define_generator", latent)
            d = student.keep("define_discriminator")
            gan = student.keep("define_gan", g, d)
            if step == "train_generator":
                student.set_trainable(d, True)
            g0, d0 = weights(student.model(g).model), weights(student.model(d).model)
            args = s.discriminator_args(g, d) if step == "train_discriminator" else (gan, d, latent, batch)
            call(f"{step}(...)", student.function(step), *args)
            g1, d1 = weights(student.model(g).model), weights(student.model(d).model)
            return changed(g0, g1), changed(d0, d1)
        return memo(student, f"effects:{step}", run)

    def test_discriminator_step_trains_the_discriminator(student):
        _, d_changed = step_effects(student, "train_discriminator")
        assert d_changed, with_hint(AssertionError(
            "train_discriminator(generator, discriminator, ...) after define_gan: the "
            "discriminator's weights did not change"), "Keras 3 reads trainable each time a model "
            "trains, and define_gan set discriminator.trainable = False: set it to True before the "
            "discriminator's train_on_batch")

    def test_discriminator_step_leaves_the_generator(student):
        g_changed, _ = step_effects(student, "train_discriminator")
        assert not g_changed, ("train_discriminator changed the generator's weights: only the "
                               "discriminator learns in its step")

    def test_discriminator_learns_real_from_fake(student):
        def run():
            d = student.keep("define_discriminator")
            samples = np.concatenate([s.real(200), np.asarray(s.fake, np.float32)[None]]).astype(np.float32)

            def scores():
                found = np.asarray(student.model(d).model.predict(samples, verbose=0)).reshape(-1)
                return float(found[:-1].mean()), float(found[-1])
            before = scores()
            fake = student.hold(grader_model(constant_generator(latent, s.fake)),
                                f"a generator that {s.fake_words}")
            step = student.function("train_discriminator")
            for _ in range(s.discriminator_steps):
                call("train_discriminator(...)", step, *s.discriminator_args(fake, d))
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
            f"after {s.discriminator_steps} steps of train_discriminator against a generator that "
            f"{s.fake_words}, the discriminator's mean score of real {nouns} went from "
            f"{real_before:.2f} to {real:.2f} and its score of that fake {noun} from {fake_before:.2f} "
            f"to {fake:.2f}: real {nouns} should rise towards 1, the fake fall towards 0, clearly "
            "apart"), hint)

    def test_generator_step_trains_the_generator(student):
        g_changed, _ = step_effects(student, "train_generator")
        assert g_changed, ("train_generator(gan, discriminator, ...): the generator's weights did "
                           "not change: train the combined model")

    def test_generator_step_leaves_the_discriminator(student):
        _, d_changed = step_effects(student, "train_generator")
        assert not d_changed, with_hint(AssertionError(
            "train_generator(gan, discriminator, ...) with the discriminator left trainable by its "
            "own step: the discriminator's weights changed, so it learnt to call the fakes real"),
            "set discriminator.trainable = False before the combined model's train_on_batch")

    def test_generator_learns_to_fool_the_discriminator(student):
        def run():
            g = student.keep("define_generator", latent)
            d = student.keep("define_discriminator")
            gan = student.keep("define_gan", g, d)
            z = np.random.default_rng(11).standard_normal((200, latent)).astype(np.float32)

            def verdict():
                generator, discriminator = student.model(g).model, student.model(d).model
                made = np.asarray(generator.predict(z, verbose=0))
                return float(np.mean(discriminator.predict(made, verbose=0)))
            before = verdict()
            step = student.function("train_generator")
            for _ in range(s.generator_steps):
                call("train_generator(...)", step, gan, d, latent, batch)
            return before, verdict()
        before, after = memo(student, "fooled", run)
        assert after > before, with_hint(AssertionError(
            f"after {s.generator_steps} steps of train_generator, the discriminator's mean verdict "
            f"on the generator's {nouns} went from {before:.3f} to {after:.3f}: the generator "
            "should learn to make it rise (towards 'real')"),
            "the combined model trains on latent points labelled 1 (real)")

    def latent_points_of(student, latent_dim: int, n: int) -> np.ndarray:
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

    @given(latent_dim=st.integers(1, 8), n=st.integers(1, 40))
    @property_settings(max_examples=15)
    def test_latent_points_any_shape(student, latent_dim, n):
        latent_points_of(student, latent_dim, n)

    def test_latent_points_are_standard_normal(student):
        n = max(4000, 20_000 // latent)  # 20,000 values at least
        z = latent_points_of(student, latent, n)
        mean, std = float(z.mean()), float(z.std())
        tails = float(np.mean(np.abs(z) > 1.96))  # 5% for a standard normal
        hint = None
        if 0.4 < mean < 0.6 and z.min() >= 0:
            hint = "np.random.rand is uniform on [0, 1); latent points are standard normal: np.random.randn"
        elif abs(mean) < 0.05 and z.min() >= -1 and z.max() <= 1:
            hint = "uniform values; latent points are standard normal: np.random.randn"
        assert abs(mean) < 0.04 and abs(std - 1) < 0.04 and 0.035 < tails < 0.065, with_hint(
            AssertionError(f"generate_latent_points({latent}, {n}): expected standard normal values "
                           f"(mean 0, deviation 1, 5% beyond 1.96); got mean {mean:.3f}, deviation "
                           f"{std:.3f}, {tails:.1%} beyond 1.96"), hint)

    def test_generator_takes_any_latent_dim(student):
        for other in (3, 8):
            built = student.model("define_generator", build=True, args=(other,))
            assert_structure(built, ModelSpec(input_shape=(other,)), f"define_generator({other})")

    def test_untrained_generator_varies_with_its_input(student):
        generator = built_model(student, "define_generator", (latent,)).model
        z = np.random.default_rng(3).standard_normal((200, latent)).astype(np.float32)
        made = np.asarray(generator.predict(z, verbose=0), dtype=np.float64).reshape(200, -1)
        spread = made.std(axis=0)
        assert np.all(spread > 1e-6) if len(s.shape) == 1 else spread.max() > 1e-6, with_hint(
            AssertionError(f"define_generator({latent}) gives the same {noun} for every latent point "
                           f"(spread {spread.max():.2g}): a generator that ignores its input cannot "
                           "learn"), "a layer that multiplies its input by zero (kernel_initializer="
                                    "'zeros', Rescaling(0)) passes nothing of it on")

    return [
        ("test_latent_points", 1.0, test_latent_points_any_shape),
        ("test_latent_points", 1.0, test_latent_points_are_standard_normal),
        ("test_generator", 1.0, test_generator_takes_any_latent_dim),
        ("test_generator", 1.0, test_untrained_generator_varies_with_its_input),
        ("test_fake_samples", 1.0, test_fake_samples_come_from_the_generator),
        ("test_fake_samples", 1.0, test_fake_samples_use_standard_normal_latent_points),
        ("test_gan", 1.0, test_gan_takes_latent_points_to_a_verdict),
        ("test_gan", 1.0, test_gan_is_built_from_the_models_it_is_given),
        ("test_gan", 2.0, test_gan_freezes_the_discriminator_only),
        ("test_gan", 1.0, test_gan_is_compiled_with_binary_cross_entropy),
        ("test_train_discriminator", 1.0, test_discriminator_step_trains_the_discriminator),
        ("test_train_discriminator", 1.0, test_discriminator_step_leaves_the_generator),
        ("test_train_discriminator", 1.0, test_discriminator_learns_real_from_fake),
        ("test_train_generator", 1.0, test_generator_step_trains_the_generator),
        ("test_train_generator", 2.0, test_generator_step_leaves_the_discriminator),
        ("test_train_generator", 1.0, test_generator_learns_to_fool_the_discriminator),
    ]


def register(namespace: dict, setup: GanSetup) -> None:
    """Put gan_checks(setup) into a checks module's namespace, each marked with its cell."""
    from autograder.checks import grade

    for grade_id, weight, check in gan_checks(setup):
        namespace[check.__name__] = grade(grade_id, weight)(check)


def register_models(namespace: dict, settings: dict, latent_dim: int) -> None:
    """The structure checks of define_discriminator() and define_generator(latent_dim) against
    [settings.discriminator] and [settings.generator], into a checks module's namespace."""
    from autograder.checks import grade
    from autograder.checks.structure import spec_from
    from autograder.checks.trained_models import model_checks

    for check, weight in model_checks(spec_from(settings["discriminator"]), "define_discriminator",
                                      prefix="discriminator"):
        namespace[check.__name__] = grade("test_discriminator", weight)(check)
    for check, weight in model_checks(spec_from(settings["generator"]), "define_generator",
                                      prefix="generator", args=(latent_dim,)):
        namespace[check.__name__] = grade("test_generator", weight)(check)


def register_training(namespace: dict, training_cell: str, trained: Callable) -> None:
    """The training cell's checks (test_training_time): within its budget, and a generator
    `trained(student)` finds trained (it raises AssertionError, saying why, when not)."""
    from autograder.checks import grade
    from autograder.checks.budget import TRAINING_TIME, assert_within_budget, passes

    def test_training_within_budget(student):
        # The budget's provenance reads the combined model: its optimizer counts the generator's steps.
        memo(student, "trained", lambda: student.model("gan"))
        assert_within_budget(student, training_cell, looks_trained=lambda: passes(trained, student))

    def test_training_left_a_trained_generator(student):
        trained(student)

    for check in (test_training_within_budget, test_training_left_a_trained_generator):
        namespace[check.__name__] = grade(TRAINING_TIME)(check)
