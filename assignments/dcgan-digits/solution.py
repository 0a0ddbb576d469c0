"""Reference solution of the `dcgan-digits` assignment, written as a student would.

The course's activity 12: a deep convolutional GAN (DCGAN) for 28x28 greyscale handwritten
digits. The discriminator down-samples with strided Conv2D and LeakyReLU; the generator
up-samples a Dense layer's output, reshaped to 7x7 feature maps, with two strided
Conv2DTranspose layers to 28x28, and ends in a sigmoid: the pixels are scaled to [0, 1]. In
Keras 3 a model's `trainable` flag is read each time it trains: define_gan freezes the
discriminator inside the combined model, so its own training step unfreezes it first and the
generator's step freezes it again. `dlgrade build` copies the functions into the notebook
verbatim (the data and training cells are in notebook.md).
"""
import keras
import numpy as np


def load_real_samples(images):
    """uint8 digits (n, 28, 28), pixels 0-255 -> float32 of shape (n, 28, 28, 1) in [0, 1]."""
    ### BEGIN SOLUTION
    X = np.expand_dims(images, axis=-1).astype("float32")
    return X / 255.0
    ### END SOLUTION


def generate_real_samples(dataset, n):
    """n images drawn at random from `dataset` (rows of it), shape (n, 28, 28, 1); y of shape
    (n, 1), the label 1 (real) for each."""
    ### BEGIN SOLUTION
    index = np.random.randint(0, dataset.shape[0], n)
    return dataset[index], np.ones((n, 1))
    ### END SOLUTION


def generate_latent_points(latent_dim, n):
    """n points of the latent space: shape (n, latent_dim), standard normal values."""
    ### BEGIN SOLUTION
    return np.random.randn(n, latent_dim)
    ### END SOLUTION


def generate_fake_samples(generator, latent_dim, n):
    """n fake images: X, what the generator makes of n latent points, shape (n, 28, 28, 1);
    y of shape (n, 1), the label 0 (fake) for each."""
    ### BEGIN SOLUTION
    X = np.asarray(generator.predict_on_batch(generate_latent_points(latent_dim, n)))
    return X, np.zeros((n, 1))
    ### END SOLUTION


def define_discriminator(in_shape=(28, 28, 1)):
    """The discriminator, compiled: two Conv2D(64, 3, strides 2, same padding) blocks, each
    with LeakyReLU(0.2) and Dropout(0.4), then Flatten and one sigmoid output; binary
    cross-entropy, Adam(0.0005, beta_1=0.5), accuracy as a metric."""
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=in_shape),
        keras.layers.Conv2D(64, 3, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dropout(0.4),
        keras.layers.Conv2D(64, 3, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dropout(0.4),
        keras.layers.Flatten(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=0.0005, beta_1=0.5),
                  metrics=["accuracy"])
    return model
    ### END SOLUTION


def define_generator(latent_dim, filters=32):
    """The generator, not compiled: Dense(filters * 7 * 7) and LeakyReLU(0.2), reshaped to
    7x7xfilters; two Conv2DTranspose(filters, 4, strides 2, same padding) with LeakyReLU(0.2)
    up-sample to 14x14 and 28x28; Conv2D(1, 7, same padding, sigmoid) gives the image."""
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(filters * 7 * 7),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Reshape((7, 7, filters)),
        keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(1, 7, padding="same", activation="sigmoid"),
    ])
    ### END SOLUTION


def define_gan(generator, discriminator):
    """The combined model: the generator, then the discriminator, frozen (only the generator
    learns through it); binary cross-entropy, Adam(0.0005, beta_1=0.5)."""
    ### BEGIN SOLUTION
    discriminator.trainable = False
    model = keras.Sequential([generator, discriminator])
    model.compile(loss="binary_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=0.0005, beta_1=0.5))
    return model
    ### END SOLUTION


def train_discriminator(generator, discriminator, dataset, latent_dim, n_batch=64):
    """One step of the discriminator: half a batch of real images labelled 1, half a batch of
    the generator's fakes labelled 0; the discriminator trainable for it."""
    ### BEGIN SOLUTION
    half = n_batch // 2
    discriminator.trainable = True
    X_real, y_real = generate_real_samples(dataset, half)
    X_fake, y_fake = generate_fake_samples(generator, latent_dim, half)
    discriminator.train_on_batch(X_real, y_real)
    discriminator.train_on_batch(X_fake, y_fake)
    ### END SOLUTION


def train_generator(gan, discriminator, latent_dim, n_batch=64):
    """One step of the generator through the combined model: a batch of latent points, each
    labelled 1 (the generator wants its fakes taken for real); the discriminator frozen."""
    ### BEGIN SOLUTION
    discriminator.trainable = False
    X = generate_latent_points(latent_dim, n_batch)
    gan.train_on_batch(X, np.ones((n_batch, 1)))
    ### END SOLUTION
