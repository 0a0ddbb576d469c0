"""Known-wrong notebooks for gan-1d: the samples' mistakes (x from [0, 1], the curve as 2x,
swapped labels, uniform latent points, fakes that are real points), the models' (no sigmoid,
not compiled, a generator that ignores its input or draws only in [0, 1]), the combined
model's (the discriminator left trainable, new models inside), the training steps' (Keras 2's
freeze-once code under Keras 3, the discriminator learning in the generator's step, swapped
labels), and the training cell's (no training, only the discriminator trained, the training
moved out of the timed cell)."""
import re

from autograder.assignments import here
from autograder.gan_mutants import GanCatalogue
from autograder.mutants import Mutant

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
GAN = GanCatalogue((ASSIGNMENT.folder / "solution.py").read_text(), SETTINGS["steps"], SETTINGS["n_batch"])
source, edited, but = GAN.source, GAN.edited, GAN.but

MUTANTS = GAN.shared() + [
    Mutant("real_x_from_zero_to_one", edited("generate_real_samples", "np.random.rand(n) - 0.5", "np.random.rand(n)"),
           {"test_real_samples": ("[0, 1]",)}, keeps=but("test_real_samples", "test_train_discriminator")),
    Mutant("real_curve_times_two", edited("generate_real_samples", "x * x", "x * 2"),
           {"test_real_samples": ("x * 2",)}, keeps=but("test_real_samples", "test_train_discriminator")),
    Mutant("latent_points_axes_swapped", edited("generate_latent_points", "np.random.randn(n, latent_dim)",
                                                "np.random.randn(latent_dim, n)"),
           {"test_latent_points": ("axes are swapped",), "test_fake_samples": ("raised",)},
           keeps=("test_real_samples", "test_discriminator", "test_generator", "test_gan")),
    Mutant("fake_samples_are_real_points", edited(
        "generate_fake_samples", "X = np.asarray(generator.predict_on_batch(generate_latent_points(latent_dim, n)))",
        "X, _ = generate_real_samples(n)"),
           {"test_fake_samples": ("points of the curve",)}, keeps=but("test_fake_samples", "test_train_discriminator")),
    Mutant("discriminator_not_compiled", {"define_discriminator": re.sub(
        r"    model\.compile\(.*?\n(?=    return)", "", source("define_discriminator"), flags=re.S)},
           {"test_discriminator": ("not compiled",)},
           keeps=("test_real_samples", "test_latent_points", "test_generator", "test_fake_samples")),
    Mutant("generator_ignores_its_input", edited(
        "define_generator", 'Dense(15, activation="relu", kernel_initializer="he_uniform")',
        'Dense(15, activation="relu", kernel_initializer="zeros")'),
           {"test_generator": ("same point",), "test_train_generator": ("did not change",),
            "test_samples": ("mode collapse",)},
           keeps=but("test_generator", "test_train_generator")),
    Mutant("generator_output_in_zero_one", edited("define_generator", 'activation="linear"', 'activation="sigmoid"'),
           {"test_generator": ("sigmoid",), "test_samples": ("covered",)},
           keeps=("test_real_samples", "test_latent_points", "test_discriminator", "test_fake_samples",
                  "test_gan", "test_train_discriminator")),
    Mutant("generator_outputs_one_value", edited("define_generator", "Dense(n_outputs", "Dense(1"),
           {"test_generator": ("Dense(2", "found Dense(1")},
           keeps=("test_real_samples", "test_latent_points", "test_discriminator", "test_fake_samples")),
    Mutant("gan_of_new_models", edited("define_gan", "keras.Sequential([generator, discriminator])",
                                       "keras.Sequential([define_generator(5), discriminator])"),
           {"test_gan": ("does not hold the generator",)}, keeps=but("test_gan", "test_train_generator")),
    Mutant("gan_not_compiled", {"define_gan": re.sub(r"    model\.compile\(.*?\n(?=    return)", "", source("define_gan"),
                                                     flags=re.S)},
           {"test_gan": ("not compiled",)},
           keeps=but("test_gan", "test_train_generator")),
]
