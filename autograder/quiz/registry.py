"""The family registry and quiz generation.

A family is a function `build(draw) -> Draft` registered under a name. Items are
generated per (family, variant, quiz seed): the variant is the item's index
within its family in a quiz, so `--count 3` gives variants 0, 1, 2 of each family.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from autograder.quiz.builder import Draft, assemble
from autograder.quiz.model import Draw, Item, item_seed


@dataclass(frozen=True)
class Family:
    name: str
    title: str
    topic: str                    # "ANN", "CNN", "transfer", "training", "GAN"
    build: Callable[[Draw], Draft]
    kinds: tuple[str, ...]


FAMILIES: dict[str, Family] = {}

# The course's day quizzes (COURSE.md): day 1 is ANN / CNN / transfer learning,
# day 2 is sequences (windows of a series, recurrent and embedding layers), then training
# arithmetic, losses and activations, then the GAN activities (Conv2DTranspose sizes, GAN
# parameter counts, the training loop's steps).
DAY_PRESETS: dict[int, tuple[str, ...]] = {
    1: ("conv-output-size", "conv2d-params", "dense-params", "architecture-layer",
        "conv-feature-map", "pooling", "activation", "loss", "transfer-learning",
        "vgg16-frozen-params", "vgg16-output-shape", "lenet-alexnet-layer", "receptive-field"),
    2: ("series-windows", "recurrent-params", "steps-per-epoch", "loss", "activation",
        "conv2d-transpose-output", "gan-params", "gan-training-step"),
}


def register(name: str, title: str, topic: str, kinds: tuple[str, ...]):
    def deco(build: Callable[[Draw], Draft]):
        if name in FAMILIES:
            raise ValueError(f"quiz family {name!r} registered twice")
        FAMILIES[name] = Family(name, title, topic, build, kinds)
        return build
    return deco


def _load() -> None:
    import autograder.quiz.generators  # noqa: F401  (registers every family)


def families() -> dict[str, Family]:
    _load()
    return FAMILIES


def get_family(name: str) -> Family:
    known = families()
    if name not in known:
        raise ValueError(f"unknown quiz family {name!r}; known families: {', '.join(sorted(known))}")
    return known[name]


def generate_item(family: str, variant: int, quiz_seed: int, kind: str | None = None) -> Item:
    """One item, fully determined by (family, variant, GENERATOR_VERSION, quiz seed)."""
    fam = get_family(family)
    seed = item_seed(family, variant, quiz_seed)
    draw = Draw(seed)
    draft = fam.build(draw)
    return assemble(family, variant, quiz_seed, seed, draw, draft, kind=kind)


def parse_families(spec: str | Iterable[str]) -> list[str]:
    """'a,b' or ['a', 'b'] -> validated names, in order, without duplicates."""
    names = [n.strip() for n in spec.split(",")] if isinstance(spec, str) else [n.strip() for n in spec]
    names = [n for n in names if n]
    if not names:
        raise ValueError("no quiz families given")
    out: list[str] = []
    for n in names:
        get_family(n)
        if n not in out:
            out.append(n)
    return out


def generate_quiz(family_names: Iterable[str], count: int, quiz_seed: int) -> list[Item]:
    """`count` items of each family (variants 0..count-1), grouped by family."""
    if count < 1:
        raise ValueError(f"--count must be at least 1, got {count}")
    names = parse_families(list(family_names))
    return [generate_item(name, v, quiz_seed) for name in names for v in range(count)]


def day_families(day: int) -> tuple[str, ...]:
    if day not in DAY_PRESETS:
        raise ValueError(f"unknown day {day!r}; the course has days {sorted(DAY_PRESETS)}")
    return DAY_PRESETS[day]
