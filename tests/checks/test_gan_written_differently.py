"""Correct GAN code written otherwise than the references keeps full marks on every function
cell: the functional API for the combined model and the networks, one combined batch in the
discriminator's step, 1-D labels, np.random.uniform / normal / choice, calling the generator
instead of predict_on_batch, reshape instead of expand_dims, a separate Activation layer.
Graded in process on the solution's namespace with these functions in place."""
import pytest

pytestmark = pytest.mark.slow

COMMON = {
    "generate_latent_points": (
        "def generate_latent_points(latent_dim, n):\n"
        "    return np.random.normal(0.0, 1.0, size=(n, latent_dim)).astype('float32')\n"),
    "generate_fake_samples": (
        "def generate_fake_samples(generator, latent_dim, n):\n"
        "    z = generate_latent_points(latent_dim, n)\n"
        "    return np.array(generator(z, training=False)), np.zeros(n)\n"),
    "define_gan": (
        "def define_gan(generator, discriminator):\n"
        "    discriminator.trainable = False\n"
        "    z = keras.Input(shape=generator.input_shape[1:])\n"
        "    gan = keras.Model(z, discriminator(generator(z)))\n"
        "    gan.compile(optimizer=keras.optimizers.Adam(0.0005, 0.5), loss='binary_crossentropy')\n"
        "    return gan\n"),
    "train_generator": (
        "def train_generator(gan, discriminator, latent_dim, n_batch=64):\n"
        "    discriminator.trainable = False\n"
        "    gan.train_on_batch(generate_latent_points(latent_dim, n_batch), np.ones(n_batch))\n"),
}

VARIANTS = {
    "gan-1d": {
        **COMMON,
        "generate_real_samples": (
            "def generate_real_samples(n):\n"
            "    x = np.random.uniform(-0.5, 0.5, size=(n, 1))\n"
            "    return np.hstack([x, x ** 2]), np.ones(n)\n"),
        "define_discriminator": (
            "def define_discriminator(n_inputs=2):\n"
            "    inputs = keras.Input(shape=(n_inputs,))\n"
            "    hidden = keras.layers.Dense(25, activation='relu')(inputs)\n"
            "    outputs = keras.layers.Dense(1, activation='sigmoid')(hidden)\n"
            "    model = keras.Model(inputs, outputs)\n"
            "    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n"
            "    return model\n"),
        "train_discriminator": (
            "def train_discriminator(generator, discriminator, latent_dim, n_batch=128):\n"
            "    discriminator.trainable = True\n"
            "    X_real, y_real = generate_real_samples(n_batch // 2)\n"
            "    X_fake, y_fake = generate_fake_samples(generator, latent_dim, n_batch // 2)\n"
            "    X = np.concatenate([X_real, X_fake])\n"
            "    y = np.concatenate([np.ravel(y_real), np.ravel(y_fake)])\n"
            "    discriminator.train_on_batch(X, y)\n"),
    },
    "dcgan-digits": {
        **COMMON,
        "load_real_samples": (
            "def load_real_samples(images):\n"
            "    return images.reshape(-1, 28, 28, 1).astype(np.float32) / 255\n"),
        "generate_real_samples": (
            "def generate_real_samples(dataset, n):\n"
            "    return dataset[np.random.choice(len(dataset), size=n)], np.ones(n)\n"),
        "define_discriminator": (
            "def define_discriminator(in_shape=(28, 28, 1)):\n"
            "    inputs = keras.Input(shape=in_shape)\n"
            "    x = inputs\n"
            "    for _ in range(2):\n"
            "        x = keras.layers.Conv2D(64, (3, 3), strides=(2, 2), padding='same')(x)\n"
            "        x = keras.layers.LeakyReLU(0.2)(x)\n"
            "        x = keras.layers.Dropout(0.3)(x)\n"
            "    x = keras.layers.Flatten()(x)\n"
            "    model = keras.Model(inputs, keras.layers.Dense(1, activation='sigmoid')(x))\n"
            "    model.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(2e-4, 0.5))\n"
            "    return model\n"),
        "define_generator": (
            "def define_generator(latent_dim, filters=32):\n"
            "    model = keras.Sequential()\n"
            "    model.add(keras.Input(shape=(latent_dim,)))\n"
            "    model.add(keras.layers.Dense(7 * 7 * filters))\n"
            "    model.add(keras.layers.LeakyReLU(negative_slope=0.2))\n"
            "    model.add(keras.layers.Reshape(target_shape=(7, 7, filters)))\n"
            "    for _ in range(2):\n"
            "        model.add(keras.layers.Conv2DTranspose(filters, (4, 4), strides=(2, 2), padding='same'))\n"
            "        model.add(keras.layers.LeakyReLU(negative_slope=0.2))\n"
            "    model.add(keras.layers.Conv2D(1, (7, 7), padding='same'))\n"
            "    model.add(keras.layers.Activation('sigmoid'))\n"
            "    return model\n"),
        "train_discriminator": (
            "def train_discriminator(generator, discriminator, dataset, latent_dim, n_batch=64):\n"
            "    discriminator.trainable = True\n"
            "    X_real, y_real = generate_real_samples(dataset, n_batch // 2)\n"
            "    X_fake, y_fake = generate_fake_samples(generator, latent_dim, n_batch // 2)\n"
            "    X = np.vstack([X_real, X_fake])\n"
            "    y = np.concatenate([np.ravel(y_real), np.ravel(y_fake)])\n"
            "    discriminator.train_on_batch(X, y)\n"),
    },
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_gan_code_written_differently_keeps_full_marks(grader, name):
    g = grader(name)
    namespace = g.assignment.solution_namespace()
    for function, source in VARIANTS[name].items():
        assert function in namespace, function
        exec(compile(source, f"<{name} {function}>", "exec"), namespace)
    graded = g._grade(namespace, "written differently", cells=g._solution_cells)
    assert graded.scores == {cell: 1.0 for cell in g._solution_cells}, graded.messages
