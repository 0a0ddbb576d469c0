"""Reference solution of the `gan-1d` assignment, written as a student would.

The course's activity 11: a GAN learns the curve y = x^2 for x in [-0.5, 0.5]. In Keras 3 a
model's `trainable` flag is read each time it trains: define_gan freezes the discriminator
inside the combined model, so its own training step unfreezes it first and the generator's
step freezes it again. `dlgrade build` copies the functions into the notebook verbatim (the
training cell is in notebook.md).
"""
import keras
import numpy as np


def generate_real_samples(n):
    """n real samples: X of shape (n, 2), the points (x, x**2) with x drawn uniformly from
    [-0.5, 0.5]; y of shape (n, 1), the label 1 (real) for each."""
    ### BEGIN SOLUTION
    x = np.random.rand(n) - 0.5
    X = np.stack([x, x * x], axis=1)
    return X, np.ones((n, 1))
    ### END SOLUTION


def generate_latent_points(latent_dim, n):
    """n points of the latent space: shape (n, latent_dim), standard normal values."""
    ### BEGIN SOLUTION
    return np.random.randn(n, latent_dim)
    ### END SOLUTION


def generate_fake_samples(generator, latent_dim, n):
    """n fake samples: X, what the generator makes of n latent points, shape (n, 2); y of
    shape (n, 1), the label 0 (fake) for each."""
    ### BEGIN SOLUTION
    X = np.asarray(generator.predict_on_batch(generate_latent_points(latent_dim, n)))
    return X, np.zeros((n, 1))
    ### END SOLUTION


def define_discriminator(n_inputs=2):
    """The discriminator, compiled: a point in, Dense(25, relu, he_uniform), one sigmoid
    output (the probability that the point is real); binary cross-entropy, Adam(0.001,
    beta_1=0.5), accuracy as a metric."""
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(n_inputs,)),
        keras.layers.Dense(25, activation="relu", kernel_initializer="he_uniform"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=0.001, beta_1=0.5),
                  metrics=["accuracy"])
    return model
    ### END SOLUTION


def define_generator(latent_dim, n_outputs=2):
    """The generator, not compiled: a latent point in, Dense(15, relu, he_uniform), a linear
    output of n_outputs values (the point x, y)."""
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(15, activation="relu", kernel_initializer="he_uniform"),
        keras.layers.Dense(n_outputs, activation="linear"),
    ])
    ### END SOLUTION


def define_gan(generator, discriminator):
    """The combined model: the generator, then the discriminator, frozen (only the generator
    learns through it); binary cross-entropy, Adam(0.001, beta_1=0.5)."""
    ### BEGIN SOLUTION
    discriminator.trainable = False
    model = keras.Sequential([generator, discriminator])
    model.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=0.001, beta_1=0.5))
    return model
    ### END SOLUTION


def train_discriminator(generator, discriminator, latent_dim, n_batch=128):
    """One step of the discriminator: half a batch of real samples labelled 1, half a batch
    of the generator's fakes labelled 0; the discriminator trainable for it."""
    ### BEGIN SOLUTION
    half = n_batch // 2
    discriminator.trainable = True
    X_real, y_real = generate_real_samples(half)
    X_fake, y_fake = generate_fake_samples(generator, latent_dim, half)
    discriminator.train_on_batch(X_real, y_real)
    discriminator.train_on_batch(X_fake, y_fake)
    ### END SOLUTION


def train_generator(gan, discriminator, latent_dim, n_batch=128):
    """One step of the generator through the combined model: a batch of latent points, each
    labelled 1 (the generator wants its fakes taken for real); the discriminator frozen."""
    ### BEGIN SOLUTION
    discriminator.trainable = False
    X = generate_latent_points(latent_dim, n_batch)
    gan.train_on_batch(X, np.ones((n_batch, 1)))
    ### END SOLUTION
