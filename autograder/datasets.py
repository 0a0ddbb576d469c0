"""The data of the model assignments: what the kernel may read, what the grader measures on.

Both come from one load (`reference.data.load`, so Keras's cache, then
$DLGRADE_DATA, then the loud embedded fallback): the student's kernel gets the
training split only, written by `prepare` into a directory the sandbox shows
read-only (course_data.py reads it); the grader keeps the test split and
measures the rebuilt model on it (`evaluation`). The test images never enter a
kernel. A folder dataset (the flower photos, cats vs dogs) is prepared as a folder: the training
files copied, one subfolder per class, and beside it a small probe folder of the
grader's own (other classes, other image sizes) that checks call the student's
loading function on.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Iterable

import numpy as np

from autograder import secret
from autograder.kernel import course_data

STUDENT_DATA_DIR = Path(".dlgrade") / "student-data"


def evaluation(name: str):
    """The dataset as the grader holds it, loaded once per process: a reference.data.Dataset
    for images, a reference.hdb.HdbData (train and test DataFrames) for the HDB sales, a
    reference.folders.FolderDataset for a folder of photos. An embedded stand-in's test split
    is drawn from the grader's own seed (autograder.secret) when one is in force."""
    return _drawn(name, secret.seed())


def _clear() -> None:
    _loaded.cache_clear()
    _drawn.cache_clear()


evaluation.cache_clear = _clear  # tests load the data again under other settings


@functools.lru_cache(maxsize=None)
def _loaded(name: str):
    from reference import data, folders, hdb

    with warnings.catch_warnings():  # the fallback is named in every message that uses it
        warnings.simplefilter("ignore", data.FallbackDataWarning)
        if name in course_data.TABLES:
            return hdb.load()
        if name in course_data.PRETRAINED:
            from reference import pretrained

            return pretrained.load(name)
        return folders.source(name).load() if name in course_data.FOLDERS else data.load(name)


@functools.lru_cache(maxsize=None)
def _drawn(name: str, seed: int | None):
    from reference import data, folders, hdb

    dataset = _loaded(name)
    if seed is None or not dataset.embedded or name in course_data.PRETRAINED:
        return dataset  # a base's weights are no test split: the same for kernel and grader
    if name in course_data.TABLES:
        return hdb.redrawn(dataset, seed)
    if name in course_data.FOLDERS:
        return folders.source(name).redrawn(dataset, seed)
    return data.redrawn(dataset, seed)


def student_words(name: str, dataset) -> str:
    """Where the data came from, as the student's notebook prints it (no grader paths)."""
    from reference import data, folders

    if name in course_data.PRETRAINED:
        return dataset.source if dataset.embedded else f"{dataset.source}, the grader's copy"
    if dataset.embedded:
        if name in course_data.TABLES:
            what = f"{len(dataset.train) + len(dataset.test):,} generated sales in the file's format"
        else:
            what = (folders.source(name).stand_in_words if name in course_data.FOLDERS
                    else data.source(name).stand_in_words)
        return (f"EMBEDDED STAND-IN, not the real {name}: {what} "
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


def student_folder(root: Path, name: str) -> Path:
    """Where `prepare` writes a folder dataset's training files (the kernel reads them there)."""
    return Path(root) / STUDENT_DATA_DIR / course_data.file_name(name)


def probe_folder(root: Path, name: str) -> Path:
    """The grader's own small folder beside it, for checks of a student's loading function."""
    return Path(root) / STUDENT_DATA_DIR / f"{course_data.file_name(name)}-probe"


def _write_folder(folder: Path, dataset) -> None:
    """The training files, one subfolder per class, and the probe folder beside them."""
    from reference import folders

    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for path, label in dataset.train:
        target = partial / dataset.classes[label] / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    probe = folder.with_name(folder.name + "-probe")
    shutil.rmtree(probe, ignore_errors=True)
    folders.source(dataset.name).write_probe(probe)
    for tree in (partial, probe):  # the kernel runs as another uid
        for path in (tree, *tree.rglob("*")):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(partial, folder)


def prepare(root: Path, names: Iterable[str]) -> list[str]:
    """Write the training split of each dataset in `names` (an assignment's declared
    datasets); the directories to show its kernels (none when there are no datasets).
    Rewritten only when the data changed."""
    names = tuple(names)
    if not names:
        return []
    secret.use(root)  # the held-out split this process measures on is the course's own draw
    folder = Path(root) / STUDENT_DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)  # the kernel runs as another uid
    for name in names:
        dataset = evaluation(name)
        if name in course_data.PRETRAINED:
            _write_base(root, name, dataset)
            continue
        if name in course_data.TABLES:
            arrays = None
            text = dataset.train.to_csv(index=False)
            size, digest = len(dataset.train), hashlib.sha256(text.encode()).hexdigest()
        elif name in course_data.FOLDERS:
            from reference import folders

            arrays = text = None
            size, digest = len(dataset.train), folders.files_digest(dataset)
        else:
            arrays = course_data.flattened(dict(zip(("x_train", "y_train", "x_val", "y_val"), (
                a for part in course_data.validation_split(dataset.x_train, dataset.y_train)
                for a in part))))
            if dataset.word_index is not None:  # a text dataset's words, for decoding reviews
                arrays["word_index"] = np.array(json.dumps(dataset.word_index, sort_keys=True))
            size, digest = len(dataset.x_train), _digest(*arrays.values())
        manifest = {"name": name, "source": student_words(name, dataset),
                    "embedded": dataset.embedded, "examples": size,
                    "validation": size - course_data.held_back(size), "digest": digest}
        path = folder / course_data.file_name(name)
        try:
            unchanged = json.loads(manifest_path(root, name).read_text()) == manifest and path.exists()
        except (OSError, ValueError):
            unchanged = False
        if unchanged:
            continue
        if name in course_data.FOLDERS:
            _write_folder(path, dataset)
            _write_manifest(root, name, manifest)
            continue
        partial = path.with_name(path.name + ".partial" + path.suffix)
        if arrays is None:
            partial.write_text(text)
        else:
            np.savez(partial, **arrays, source=np.array(manifest["source"]))
        os.chmod(partial, 0o644)
        os.replace(partial, path)
        _write_manifest(root, name, manifest)
    return [str(folder)]


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_base(root: Path, name: str, base) -> None:
    """A pretrained base's weights file (the stand-in's, or the real one's copy) and its
    manifest, which course_data.load_vgg16 reads in the kernel."""
    manifest = {"name": name, "source": student_words(name, base), "embedded": base.embedded,
                "digest": file_digest(base.path)}
    path = Path(root) / STUDENT_DATA_DIR / course_data.file_name(name, base.embedded)
    try:
        if json.loads(manifest_path(root, name).read_text()) == manifest and path.exists():
            return
    except (OSError, ValueError):
        pass
    for stale in {course_data.file_name(name, True), course_data.file_name(name, False)}:
        (path.parent / stale).unlink(missing_ok=True)
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(base.path, partial)
    os.chmod(partial, 0o644)
    os.replace(partial, path)
    _write_manifest(root, name, manifest)


def _write_manifest(root: Path, name: str, manifest: dict) -> None:
    manifest_path(root, name).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    os.chmod(manifest_path(root, name), 0o644)


def manifests(root: Path, names: Iterable[str]) -> list[Path]:
    """The files that say which data a grade was measured on (for the resume fingerprint)."""
    return [manifest_path(root, name) for name in names]
