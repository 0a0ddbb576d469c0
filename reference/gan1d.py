"""The course's activity 11: a GAN that learns the curve y = x^2 for x in [-0.5, 0.5].

A "real" sample is a point (x, x^2) with x drawn uniformly from [-0.5, 0.5]; the generator
maps latent points (standard normal, LATENT_DIM values) to points (x, y). The grader
measures a generator by what it draws from the grader's own latent points:

    near the curve   the share of samples within NEAR of the curve (|y - x^2| < NEAR) with x
                     inside [-0.5, 0.5]: how well it learnt the curve's shape
    coverage         the share of the BINS equal bins of [-0.5, 0.5] each holding at least
                     LEAST of the samples near the curve: how much of the curve it draws
                     (a generator that collapsed onto one point covers one bin)
"""
from __future__ import annotations

import numpy as np

LOW, HIGH = -0.5, 0.5
LATENT_DIM = 5
NEAR = 0.05
BINS = 10
LEAST = 0.02
SAMPLES = 1000      # the grader's latent points per measure
LATENT_SEED = 2024  # the grader's latent points: the same for every student


def curve(x):
    return np.asarray(x, dtype=np.float64) ** 2


def real_samples(n: int, rng: np.random.Generator) -> np.ndarray:
    """n points (x, x^2), x uniform in [LOW, HIGH]: shape (n, 2)."""
    x = rng.uniform(LOW, HIGH, n)
    return np.stack([x, curve(x)], axis=1)


def latent_points(n: int = SAMPLES, latent_dim: int = LATENT_DIM,
                  seed: int = LATENT_SEED) -> np.ndarray:
    """The grader's latent points: standard normal, shape (n, latent_dim), float32."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def _points(samples) -> np.ndarray:
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2:
        raise ValueError(f"expected points of shape (n, 2), got {samples.shape}")
    return samples


def near_curve(samples) -> np.ndarray:
    """Which samples lie within NEAR of the curve, x inside [LOW, HIGH]: a boolean mask."""
    samples = _points(samples)
    x, y = samples[:, 0], samples[:, 1]
    with np.errstate(invalid="ignore", over="ignore"):
        return (np.abs(y - curve(x)) < NEAR) & (x >= LOW) & (x <= HIGH)


def closeness(samples) -> float:
    """The share of the samples near the curve (0 for none or for non-finite samples)."""
    samples = _points(samples)
    return float(near_curve(samples).mean()) if len(samples) else 0.0


def coverage(samples) -> float:
    """The share of the BINS bins of [LOW, HIGH] holding at least LEAST of all the samples
    among those near the curve."""
    samples = _points(samples)
    if not len(samples):
        return 0.0
    x = samples[near_curve(samples), 0]
    counts, _ = np.histogram(x, bins=BINS, range=(LOW, HIGH))
    return float(np.sum(counts >= LEAST * len(samples)) / BINS)


def mean_distance(samples) -> float:
    """The mean vertical distance |y - x^2| of the samples (for the report; inf if none)."""
    samples = _points(samples)
    with np.errstate(invalid="ignore", over="ignore"):
        distance = np.abs(samples[:, 1] - curve(samples[:, 0]))
    return float(np.mean(distance)) if len(samples) and np.isfinite(distance).all() else float("inf")
