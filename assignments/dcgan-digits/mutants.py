"""Known-wrong notebooks for dcgan-digits: the data's mistakes (pixels not scaled, scaled to
tanh's [-1, 1], no channel axis, always the first images, swapped labels), the latent points'
and fake samples', the models' (no sigmoid, a tanh generator with [0, 1] data, a generator of
14x14 images, one that ignores its latent point: mode collapse), the combined model's (the
discriminator left trainable), the training steps' (Keras 2's freeze-once code under Keras 3,
the discriminator learning in the generator's step, swapped labels), and the training cell's
(no training, only the discriminator trained, the training moved out of the timed cell)."""
from autograder.assignments import here
from autograder.gan_mutants import GanCatalogue
from autograder.mutants import Edited, Mutant

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
GAN = GanCatalogue((ASSIGNMENT.folder / "solution.py").read_text(), SETTINGS["steps"],
                   SETTINGS["n_batch"], dataset="dataset, ")
edited, but = GAN.edited, GAN.but

ONE_IMAGE = edited("define_generator", "keras.Input(shape=(latent_dim,)),\n",
                   "keras.Input(shape=(latent_dim,)),\n        keras.layers.Rescaling(0.0),\n")

TWO_STEPS = Edited(r"range\(\d+\)", "range(2)")

MUTANTS = GAN.shared() + [
    Mutant("pixels_not_scaled", edited("load_real_samples", "    return X / 255.0\n", "    return X\n"),
           {"test_real_samples": ("divide by 255",)}, keeps=but("test_real_samples")),
    Mutant("pixels_scaled_for_tanh", edited("load_real_samples", "X / 255.0", "X / 127.5 - 1.0"),
           {"test_real_samples": ("tanh",)}, keeps=but("test_real_samples")),
    Mutant("no_channel_axis", edited("load_real_samples", "np.expand_dims(images, axis=-1)", "images"),
           {"test_real_samples": ("channel axis",)}, keeps=but("test_real_samples")),
    Mutant("real_samples_always_the_first", edited("generate_real_samples", "dataset[index]", "dataset[:n]"),
           {"test_real_samples": ("at random",)}, keeps=but("test_real_samples")),
    Mutant("generator_tanh_output", edited("define_generator", 'activation="sigmoid"', 'activation="tanh"'),
           {"test_generator": ("tanh", "sigmoid")},
           keeps=("test_real_samples", "test_latent_points", "test_discriminator", "test_fake_samples")),
    Mutant("generator_of_14x14_images", edited(
        "define_generator", "        keras.layers.Conv2DTranspose(filters, 4, strides=2, padding=\"same\"),\n"
                            "        keras.layers.LeakyReLU(negative_slope=0.2),\n"
                            "        keras.layers.Conv2D(", "        keras.layers.Conv2D("),
           {"test_generator": ("Conv2DTranspose",)},
           keeps=("test_real_samples", "test_latent_points", "test_discriminator", "test_fake_samples")),
    # Its images are one image whatever the training: two steps show the collapse as 400 would.
    Mutant("generator_ignores_its_latent_point", ONE_IMAGE | {"train": TWO_STEPS},
           {"test_generator": ("same image",), "test_samples": ("mode collapse",)},
           keeps=("test_real_samples", "test_latent_points", "test_discriminator", "test_fake_samples",
                  "test_gan", "test_train_discriminator")),
]
