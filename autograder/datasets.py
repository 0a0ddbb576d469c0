"""The data of the model assignments: what the kernel may read, what the grader measures on.

Both come from one load (`reference.data.load`, so Keras's cache, then
$DLGRADE_DATA, then the loud embedded fallback): the student's kernel gets the
training split only, written by `prepare` into a directory the sandbox shows
read-only (course_data.py reads it); the grader keeps the test split and
measures the rebuilt model on it (`evaluation`). The test images never enter a
kernel.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from autograder import course_data

ASSIGNMENT_DATASETS = {
    "mnist-ann": ("mnist",),
    "fashion-ann": ("fashion_mnist",),
}
STUDENT_DATA_DIR = Path(".dlgrade") / "student-data"


def for_assignment(assignment: str) -> tuple[str, ...]:
    return ASSIGNMENT_DATASETS.get(assignment, ())


@functools.lru_cache(maxsize=None)
def evaluation(name: str):
    """The dataset as the grader holds it (a reference.data.Dataset), loaded once per process."""
    from reference import data

    with warnings.catch_warnings():  # the fallback is named in every message that uses it
        warnings.simplefilter("ignore", data.FallbackDataWarning)
        return data.load(name)


def student_words(name: str, dataset) -> str:
    """Where the data came from, as the student's notebook prints it (no grader paths)."""
    from reference import data

    if dataset.embedded:
        return (f"EMBEDDED STAND-IN, not the real {name}: {data.DATASETS[name][3][1]} "
                "(the grader has no copy of the real data; it measures your model on the "
                "same stand-in)")
    return f"the grader's copy of {name} (training split)"


def _digest(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(str((array.dtype, array.shape)).encode())
        digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


def manifest_path(root: Path, name: str) -> Path:
    return Path(root) / STUDENT_DATA_DIR / f"{name}.json"


def prepare(root: Path, assignment: str) -> list[str]:
    """Write the training split of each dataset `assignment` uses; the directories to show
    its kernels (none for assignments without data). Rewritten only when the data changed."""
    names = for_assignment(assignment)
    if not names:
        return []
    folder = Path(root) / STUDENT_DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)  # the kernel runs as another uid
    for name in names:
        dataset = evaluation(name)
        (x_train, y_train), (x_val, y_val) = course_data.validation_split(dataset.x_train,
                                                                         dataset.y_train)
        manifest = {"name": name, "source": student_words(name, dataset), "embedded": dataset.embedded,
                    "train": len(x_train), "validation": len(x_val),
                    "digest": _digest(x_train, y_train, x_val, y_val)}
        path = folder / course_data.file_name(name)
        try:
            unchanged = json.loads(manifest_path(root, name).read_text()) == manifest and path.is_file()
        except (OSError, ValueError):
            unchanged = False
        if unchanged:
            continue
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(partial, x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val,
                 source=np.array(manifest["source"]))
        os.chmod(partial, 0o644)
        os.replace(partial, path)
        manifest_path(root, name).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return [str(folder)]


def manifests(root: Path, assignment: str) -> list[Path]:
    """The files that say which data a grade was measured on (for the resume fingerprint)."""
    return [manifest_path(root, name) for name in for_assignment(assignment)]
