"""reference/dcgan.py: the grader's digit classifier and its three measures of generated images."""
import warnings

import numpy as np
import pytest

from reference import data, dcgan

pytest.importorskip("keras")


@pytest.fixture(scope="module")
def digits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", data.FallbackDataWarning)
        return data.load("mnist")


@pytest.fixture(scope="module")
def judge(digits):
    return dcgan.Judge(digits.x_train, digits.y_train)


def test_the_judge_reads_digits_it_never_saw(judge, digits):
    assert judge.accuracy(digits.x_test, digits.y_test) > 0.9


def test_real_digits_score_high_and_noise_and_one_image_score_low(judge, digits):
    real = judge.measures(dcgan.scaled(digits.x_test[:300]))
    assert real["confidence"] > 0.85 and real["classes"] == 10 and real["distance"] < 20
    noise = judge.measures(np.random.default_rng(0).random((300, 28, 28, 1)))
    assert noise["distance"] > 10 * real["distance"] and noise["confidence"] < real["confidence"]
    one = judge.measures(np.repeat(dcgan.scaled(digits.x_test[:1]), 300, axis=0))
    assert one["classes"] == 1 and one["distance"] > 5 * real["distance"]
    broken = judge.measures(np.full((50, 28, 28), np.nan))  # NaN pixels count as black, never fail
    assert broken["classes"] == 1


def test_frechet_distance_of_gaussians():
    rng = np.random.default_rng(1)
    a = rng.normal(0, 1, (20000, 1))
    b = rng.normal(2, 3, (20000, 1))
    assert dcgan.frechet(a, a) == pytest.approx(0, abs=1e-9)
    assert dcgan.frechet(a, b) == pytest.approx(4 + (3 - 1) ** 2, rel=0.05)  # (mu)^2 + (s_a - s_b)^2


def test_images_of_takes_a_channel_less_batch_and_refuses_other_shapes():
    assert dcgan.images_of(np.zeros((2, 28, 28))).shape == (2, 28, 28, 1)
    with pytest.raises(ValueError, match=r"\(n, 28, 28, 1\)"):
        dcgan.images_of(np.zeros((2, 14, 14, 1)))
    assert dcgan.scaled(np.full((1, 28, 28), 255, np.uint8)).max() == 1.0
    z = dcgan.latent_points(10)
    assert z.shape == (10, dcgan.LATENT_DIM) and np.array_equal(z, dcgan.latent_points(10))
