"""The mistakes every GAN assignment shares (gan-1d, dcgan-digits), as mutants.

A catalogue takes `GanCatalogue(solution, ...)`'s helpers and its `shared()` mutants and
adds its own. Each writes whole cells as a student would, from the solution's functions:
swapped labels in the samples and in either step, uniform latent points, the discriminator
left trainable in the combined model, Keras 2's freeze-once code, the discriminator learning
in the generator's step, and the training cell's mistakes (no training, only the
discriminator trained, the training moved out of the timed cell).
"""
from __future__ import annotations

from autograder.mutants import Appended, Mutant, edited_function, solution_function

FUNCTIONS = ("test_real_samples", "test_latent_points", "test_discriminator", "test_generator",
             "test_fake_samples", "test_gan", "test_train_discriminator", "test_train_generator")


class GanCatalogue:
    """The solution's text, its training loop's settings and the real-sample arguments of
    its discriminator step ("" for gan-1d's, "dataset, " for a dataset of images)."""

    def __init__(self, solution: str, steps: int, batch: int, dataset: str = ""):
        self.solution, self.steps, self.batch, self.dataset = solution, steps, batch, dataset

    def source(self, name: str) -> str:
        return solution_function(self.solution, name)

    def edited(self, name: str, old: str, new: str) -> dict:
        return edited_function(self.solution, name, old, new)

    @staticmethod
    def but(*cells: str) -> tuple[str, ...]:
        return tuple(c for c in FUNCTIONS if c not in cells)

    def training(self, generator_step: bool = True, loop: bool = True) -> str:
        lines = ["discriminator = define_discriminator()", "generator = define_generator(LATENT_DIM)",
                 "gan = define_gan(generator, discriminator)"]
        if loop:
            lines += [f"for step in range({self.steps}):",
                      f"    train_discriminator(generator, discriminator, {self.dataset}LATENT_DIM, {self.batch})"]
            if generator_step:
                lines += [f"    train_generator(gan, discriminator, LATENT_DIM, {self.batch})"]
        return "\n".join(lines) + "\n"

    def shared(self) -> list[Mutant]:
        edited, but, source = self.edited, self.but, self.source
        return [
            Mutant("real_samples_labelled_fake", edited("generate_real_samples", "np.ones((n, 1))", "np.zeros((n, 1))"),
                   {"test_real_samples": ("swapped",), "test_train_discriminator": ("label them 1",)},
                   keeps=but("test_real_samples", "test_train_discriminator")),
            Mutant("latent_points_uniform", edited("generate_latent_points", "np.random.randn(n, latent_dim)",
                                                   "np.random.rand(n, latent_dim)"),
                   {"test_latent_points": ("np.random.randn",), "test_fake_samples": ("standard normal",)},
                   keeps=("test_real_samples", "test_discriminator", "test_generator", "test_gan")),
            Mutant("fake_samples_labelled_real", edited("generate_fake_samples", "np.zeros((n, 1))", "np.ones((n, 1))"),
                   {"test_fake_samples": ("swapped",), "test_train_discriminator": ("label them 0",)},
                   keeps=but("test_fake_samples", "test_train_discriminator")),
            Mutant("discriminator_without_sigmoid",
                   edited("define_discriminator", 'Dense(1, activation="sigmoid")', "Dense(1)"),
                   {"test_discriminator": ("sigmoid",)}, keeps=("test_real_samples", "test_latent_points",
                                                                "test_generator", "test_fake_samples")),
            Mutant("discriminator_left_trainable_in_gan",
                   edited("define_gan", "    discriminator.trainable = False\n", ""),
                   {"test_gan": ("trainable inside the combined model", "discriminator.trainable = False")},
                   keeps=but("test_gan")),
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
            Mutant("generator_step_labels_fake",
                   edited("train_generator", "np.ones((n_batch, 1))", "np.zeros((n_batch, 1))"),
                   {"test_train_generator": ("labelled 1",)}, keeps=but("test_train_generator")),
            Mutant("training_only_the_discriminator", {"train": self.training(generator_step=False)},
                   {"test_samples": ("looks untrained",), "test_training_time": ("looks untrained",)},
                   keeps=FUNCTIONS),
            Mutant("no_training", {"train": self.training(loop=False)},
                   {"test_samples": ("looks untrained",), "test_training_time": ("looks untrained",)},
                   keeps=FUNCTIONS),
            Mutant("trained_outside_the_timed_cell",
                   {"train": "pass  # trained above\n", "train_generator": Appended(self.training())},
                   {"test_training_time": ("the training happened outside the timed cell",)},
                   keeps=FUNCTIONS + ("test_samples",)),
        ]
