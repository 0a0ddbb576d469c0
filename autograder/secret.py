"""The grader's own seed: the held-out examples of an embedded stand-in are drawn from it.

A stand-in's generator is public (and scikit-learn's digits are installed wherever the
grader is), so a test split drawn from a fixed seed can be rebuilt inside a student's
kernel and trained on. Each course keeps a random seed of its own in `.dlgrade/` (mode
0600, never shown to a kernel); the grading process reads it into $DLGRADE_HELD_OUT_SEED
(which kernels never inherit), and `datasets.evaluation` draws the held-out split from it.
Set $DLGRADE_HELD_OUT_SEED yourself to grade the same draw on another machine.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV = "DLGRADE_HELD_OUT_SEED"
SEED_FILE = Path(".dlgrade") / "held-out-seed"


def course_seed(root: Path) -> int:
    """The course's seed, made (at random) on first use."""
    path = Path(root) / SEED_FILE
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = secrets.randbits(62)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(f"{seed}\n")
    return seed


def use(root: Path) -> int:
    """The seed this process draws held-out data from: $DLGRADE_HELD_OUT_SEED when set, else
    the course's (and set it, so workers this process starts draw the same)."""
    if not os.environ.get(ENV, "").strip().isdigit():
        os.environ[ENV] = str(course_seed(root))
    return int(os.environ[ENV])


def seed() -> int | None:
    """The seed in force in this process, or None (nothing set: the public default draw)."""
    value = os.environ.get(ENV, "").strip()
    return int(value) if value.isdigit() else None
