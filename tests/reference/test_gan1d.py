"""reference/gan1d.py: the measures of a 1D GAN's samples, on samples whose answer is known."""
import numpy as np
import pytest

from reference import gan1d


def test_real_samples_are_near_the_curve_and_cover_it():
    real = gan1d.real_samples(1000, np.random.default_rng(0))
    assert real.shape == (1000, 2) and np.allclose(real[:, 1], real[:, 0] ** 2)
    assert gan1d.closeness(real) == 1.0 and gan1d.coverage(real) == 1.0
    assert gan1d.mean_distance(real) == pytest.approx(0.0)


def test_one_point_covers_one_tenth_and_points_off_the_curve_count_for_nothing():
    collapsed = np.tile([0.3, 0.09], (500, 1))
    assert gan1d.closeness(collapsed) == 1.0 and gan1d.coverage(collapsed) == 0.1
    above = gan1d.real_samples(500, np.random.default_rng(1)) + [0.0, 0.06]  # just beyond NEAR
    assert gan1d.closeness(above) == 0.0 and gan1d.coverage(above) == 0.0
    outside = np.stack([np.linspace(0.6, 1.0, 100), np.linspace(0.6, 1.0, 100) ** 2], axis=1)
    assert gan1d.closeness(outside) == 0.0  # on the parabola, outside [-0.5, 0.5]


def test_half_the_interval_covers_half_and_a_thin_tenth_does_not_count():
    x = np.concatenate([np.linspace(0.0, 0.499, 990), np.full(10, -0.45)])  # 1% at -0.45
    samples = np.stack([x, x ** 2], axis=1)
    assert gan1d.coverage(samples) == 0.5


def test_non_finite_and_malformed_samples():
    assert gan1d.closeness(np.array([[np.nan, 0.0], [np.inf, 1.0]])) == 0.0
    assert gan1d.mean_distance(np.array([[np.nan, 0.0]])) == float("inf")
    assert gan1d.closeness(np.zeros((0, 2))) == 0.0 and gan1d.coverage(np.zeros((0, 2))) == 0.0
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        gan1d.closeness(np.zeros((5, 3)))


def test_the_graders_latent_points_are_fixed_and_standard_normal():
    z = gan1d.latent_points()
    assert z.shape == (gan1d.SAMPLES, gan1d.LATENT_DIM) and z.dtype == np.float32
    assert np.array_equal(z, gan1d.latent_points()) and abs(z.mean()) < 0.1 and abs(z.std() - 1) < 0.1
