"""The course's activity 12: a DCGAN for 28x28 greyscale handwritten digits, and how the
grader measures a generator's images.

The grader never trusts the kernel's judgement of its own images: it draws a batch from the
student's rebuilt generator with its own latent points and scores it with a digit classifier
it trains itself, on the same digits, in its own process (`judge`):

    confidence   the classifier's mean top probability on the generated images: how much
                 they look like some digit (noise and blurs score low)
    classes      how many of the ten digit classes hold at least LEAST of the images: a
                 generator that collapsed onto one image (mode collapse) shows one
    distance     the Frechet distance between the classifier's penultimate features of real
                 and of generated images (FID's formula on the grader's own features): lower
                 is closer to the real digits
"""
from __future__ import annotations

import numpy as np

IMAGE = (28, 28, 1)
LATENT_DIM = 100
SAMPLES = 500        # the grader's latent points per measure
LATENT_SEED = 2025   # the grader's latent points: the same for every student
LEAST = 0.03         # of the images, for a class to count as drawn
CLASSIFIER_SEED = 0
CLASSIFIER_EPOCHS = 8


def scaled(images) -> np.ndarray:
    """uint8 0-255 digits (n, 28, 28) -> float32 in [0, 1], shape (n, 28, 28, 1): the
    generator's sigmoid range."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    return images / 255.0 if images.max(initial=0) > 1.0 else images


def latent_points(n: int = SAMPLES, latent_dim: int = LATENT_DIM,
                  seed: int = LATENT_SEED) -> np.ndarray:
    """The grader's latent points: standard normal, shape (n, latent_dim), float32."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def images_of(output) -> np.ndarray:
    """A generator's output as images (n, 28, 28, 1) in float64; ValueError for any other shape."""
    images = np.asarray(output, dtype=np.float64)
    if images.ndim == 3 and images.shape[1:] == IMAGE[:2]:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != IMAGE:
        raise ValueError(f"expected images of shape (n, 28, 28, 1), got {images.shape}")
    return images


class Judge:
    """The grader's digit classifier: a small CNN trained on the real digits (x in [0, 1],
    labels 0-9), its penultimate layer the features of the Frechet distance."""

    def __init__(self, x_train, y_train, epochs: int = CLASSIFIER_EPOCHS, seed: int = CLASSIFIER_SEED):
        import keras

        keras.utils.set_random_seed(seed)
        x = scaled(x_train)
        self.model = keras.Sequential([
            keras.Input(IMAGE),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu", name="features"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        self.model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                           metrics=["accuracy"])
        self.model.fit(x, np.asarray(y_train), epochs=epochs, batch_size=64, verbose=0)
        self.features_model = keras.Model(self.model.inputs, self.model.get_layer("features").output)
        self.real_features = self.features(x[:2000])

    def accuracy(self, x, y) -> float:
        found = np.argmax(self.probabilities(scaled(x)), axis=1)
        return float(np.mean(found == np.asarray(y)))

    def probabilities(self, images) -> np.ndarray:
        return np.asarray(self.model.predict(np.asarray(images, np.float32), verbose=0, batch_size=250))

    def features(self, images) -> np.ndarray:
        return np.asarray(self.features_model.predict(np.asarray(images, np.float32), verbose=0,
                                                      batch_size=250), dtype=np.float64)

    def measures(self, images) -> dict[str, float]:
        """confidence, classes and distance of generated `images` ((n, 28, 28, 1) in [0, 1];
        non-finite pixels count as black)."""
        images = np.nan_to_num(images_of(images), nan=0.0, posinf=1.0, neginf=0.0)
        probabilities = self.probabilities(images)
        counts = np.bincount(np.argmax(probabilities, axis=1), minlength=10)
        return {"confidence": float(probabilities.max(axis=1).mean()),
                "classes": int(np.sum(counts >= LEAST * len(images))),
                "distance": frechet(self.real_features, self.features(images))}


def frechet(a, b) -> float:
    """The Frechet distance between Gaussians fitted to feature rows a and b:
    |mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu = a.mean(axis=0) - b.mean(axis=0)
    sa, sb = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    # tr((S_a S_b)^(1/2)) from the eigenvalues of S_a^(1/2) S_b S_a^(1/2), symmetric and PSD
    values, vectors = np.linalg.eigh(sa)
    root = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    cross = np.linalg.eigvalsh(root @ sb @ root)
    return float(mu @ mu + np.trace(sa) + np.trace(sb) - 2 * np.sum(np.sqrt(np.clip(cross, 0, None))))
