"""Training arithmetic: minibatch steps per epoch."""
from __future__ import annotations

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw
from autograder.quiz.registry import register
from reference import metrics as ref_metrics

# (what, training-set size) from the course's activities; None: a random size.
DATASETS = (("MNIST training images", 60_000), ("Fashion-MNIST training images", 60_000),
            ("CIFAR-10 training images", 50_000), ("cats-vs-dogs training images", 3_000),
            ("flower photos", 400), ("IMDB training reviews", 25_000),
            ("HDB resale records", None), ("time-series windows", None))


@register("steps-per-epoch", "Minibatch steps per epoch", "training", ("numeric", "multichoice"))
def steps_per_epoch(draw: Draw) -> Draft:
    what, n = draw.choice(DATASETS)
    if n is None:
        n = draw.integer(100, 20_000)
    # at least two steps: a batch as big as the data makes "one step" a question of nothing
    batch = draw.choice([b for b in (16, 20, 32, 50, 64, 100, 128, 256, 500) if 2 * b <= n])
    epochs = draw.integer(2, 30)
    key = ref_metrics.steps_per_epoch(n, batch)
    prompt = (f"model.fit(x, y, batch_size={batch}, epochs={epochs}) trains on {n:,} {what}. "
              "How many steps (weight updates) does one epoch take?")
    mistakes = mistakes_of((M.floor_instead_of_ceil, n, batch), (M.rounded_to_nearest, n, batch),
                           (M.multiplied_by_the_batch, n, batch), (M.counted_the_samples, n, batch),
                           (M.counted_all_epochs, key, epochs))
    return Draft(prompt=prompt, params={"n_samples": n, "batch_size": batch, "epochs": epochs},
                 answer=key,
                 explanation=(f"ceil(n / batch size) = ceil({n} / {batch}) = {key}: the last, "
                              "smaller batch is a step too."),
                 mistakes=mistakes, minimum=1, maximum=n)  # never more steps than samples
