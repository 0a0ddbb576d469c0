"""Known-wrong notebooks for gan-1d: the samples' mistakes (x from [0, 1], the curve as 2x,
swapped labels, uniform latent points, fakes that are real points), the models' (no sigmoid,
not compiled, a generator that ignores its input or draws only in [0, 1]), the combined
model's (the discriminator left trainable, new models inside), the training steps' (Keras 2's
freeze-once code under Keras 3, the discriminator learning in the generator's step, swapped
labels), and the training cell's (no training, only the discriminator trained, the training
moved out of the timed cell)."""
import re

from autograder.assignments import here
from autograder.mutants import Appended, Mutant, edited_function, solution_function

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
STEPS, BATCH = SETTINGS["steps"], SETTINGS["n_batch"]
SOLUTION = (ASSIGNMENT.folder / "solution.py").read_text()
FUNCTIONS = ("test_real_samples", "test_latent_points", "test_discriminator", "test_generator",
             "test_fake_samples", "test_gan", "test_train_discriminator", "test_train_generator")


def source(name: str) -> str:
    return solution_function(SOLUTION, name)


def edited(name: str, old: str, new: str) -> dict:
    return edited_function(SOLUTION, name, old, new)


def but(*cells: str) -> tuple[str, ...]:
    return tuple(c for c in FUNCTIONS if c not in cells)


def training(generator_step: bool = True, loop: bool = True) -> str:
    lines = ["discriminator = define_discriminator()", "generator = define_generator(LATENT_DIM)",
             "gan = define_gan(generator, discriminator)"]
    if loop:
        lines += [f"for step in range({STEPS}):",
                  f"    train_discriminator(generator, discriminator, LATENT_DIM, {BATCH})"]
        if generator_step:
            lines += [f"    train_generator(gan, discriminator, LATENT_DIM, {BATCH})"]
    return "\n".join(lines) + "\n"


MUTANTS = [
    # --- samples
    Mutant("real_x_from_zero_to_one", edited("generate_real_samples", "np.random.rand(n) - 0.5", "np.random.rand(n)"),
           {"test_real_samples": ("[0, 1]",)}, keeps=but("test_real_samples", "test_train_discriminator")),
    Mutant("real_curve_times_two", edited("generate_real_samples", "x * x", "x * 2"),
           {"test_real_samples": ("x * 2",)}, keeps=but("test_real_samples", "test_train_discriminator")),
    Mutant("real_samples_labelled_fake", edited("generate_real_samples", "np.ones((n, 1))", "np.zeros((n, 1))"),
           {"test_real_samples": ("swapped",), "test_train_discriminator": ("label them 1",)},
           keeps=but("test_real_samples", "test_train_discriminator")),
    Mutant("latent_points_uniform", edited("generate_latent_points", "np.random.randn(n, latent_dim)",
                                           "np.random.rand(n, latent_dim)"),
           {"test_latent_points": ("np.random.randn",), "test_fake_samples": ("standard normal",)},
           keeps=("test_real_samples", "test_discriminator", "test_generator", "test_gan")),
    Mutant("latent_points_axes_swapped", edited("generate_latent_points", "np.random.randn(n, latent_dim)",
                                                "np.random.randn(latent_dim, n)"),
           {"test_latent_points": ("axes are swapped",), "test_fake_samples": ("raised",)},
           keeps=("test_real_samples", "test_discriminator", "test_generator", "test_gan")),
    Mutant("fake_samples_labelled_real", edited("generate_fake_samples", "np.zeros((n, 1))", "np.ones((n, 1))"),
           {"test_fake_samples": ("swapped",), "test_train_discriminator": ("label them 0",)},
           keeps=but("test_fake_samples", "test_train_discriminator")),
    Mutant("fake_samples_are_real_points", edited(
        "generate_fake_samples", "X = np.asarray(generator.predict_on_batch(generate_latent_points(latent_dim, n)))",
        "X, _ = generate_real_samples(n)"),
           {"test_fake_samples": ("points of the curve",)}, keeps=but("test_fake_samples", "test_train_discriminator")),
    # --- the models
    Mutant("discriminator_without_sigmoid", edited("define_discriminator", 'Dense(1, activation="sigmoid")', "Dense(1)"),
           {"test_discriminator": ("sigmoid",)}, keeps=("test_real_samples", "test_latent_points",
                                                        "test_generator", "test_fake_samples")),
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
    # --- the combined model
    Mutant("discriminator_left_trainable_in_gan", edited("define_gan", "    discriminator.trainable = False\n", ""),
           {"test_gan": ("trainable inside the combined model", "discriminator.trainable = False")},
           keeps=but("test_gan")),
    Mutant("gan_of_new_models", edited("define_gan", "keras.Sequential([generator, discriminator])",
                                       "keras.Sequential([define_generator(5), discriminator])"),
           {"test_gan": ("does not hold the generator",)}, keeps=but("test_gan", "test_train_generator")),
    Mutant("gan_not_compiled", {"define_gan": re.sub(r"    model\.compile\(.*?\n(?=    return)", "", source("define_gan"),
                                                     flags=re.S)},
           {"test_gan": ("not compiled",)},
           keeps=but("test_gan", "test_train_generator")),
    # --- the steps
    Mutant("keras2_freeze_once", edited("train_discriminator", "    discriminator.trainable = True\n", ""),
           {"test_train_discriminator": ("did not change", "Keras 3")}, keeps=but("test_train_discriminator")),
    Mutant("discriminator_learns_in_generator_step", edited(
        "train_generator", "    discriminator.trainable = False\n", ""),
           {"test_train_generator": ("weights changed", "discriminator.trainable = False")},
           keeps=but("test_train_generator")),
    Mutant("discriminator_step_labels_swapped", {"train_discriminator": source("train_discriminator").replace(
        "discriminator.train_on_batch(X_real, y_real)", "discriminator.train_on_batch(X_real, y_fake)").replace(
        "discriminator.train_on_batch(X_fake, y_fake)", "discriminator.train_on_batch(X_fake, y_real)")},
           {"test_train_discriminator": ("swapped",)}, keeps=but("test_train_discriminator")),
    Mutant("generator_step_labels_fake", edited("train_generator", "np.ones((n_batch, 1))", "np.zeros((n_batch, 1))"),
           {"test_train_generator": ("labelled 1",)}, keeps=but("test_train_generator")),
    # --- the training cell
    Mutant("training_only_the_discriminator", {"train": training(generator_step=False)},
           {"test_samples": ("looks untrained",), "test_training_time": ("looks untrained",)},
           keeps=FUNCTIONS),
    Mutant("no_training", {"train": training(loop=False)},
           {"test_samples": ("looks untrained",), "test_training_time": ("looks untrained",)},
           keeps=FUNCTIONS),
    Mutant("trained_outside_the_timed_cell",
           {"train": "pass  # trained above\n", "train_generator": Appended(training())},
           {"test_training_time": ("the training happened outside the timed cell",)},
           keeps=FUNCTIONS + ("test_samples",)),
]
