"""Folder datasets (the flower photos, cats vs dogs): found where Keras keeps them, split by
the grader, and prepared for the kernel as a folder of the training files only."""
import os
import warnings

import numpy as np
import pytest

from autograder import datasets
from autograder.kernel import course_data
from reference import cats_dogs, data, flowers, folders


@pytest.fixture
def nowhere(monkeypatch, tmp_path):
    """No Keras cache and no instructor copy: the embedded stand-in."""
    monkeypatch.setattr(data, "keras_home", lambda: tmp_path / "no-keras")
    monkeypatch.delenv("DLGRADE_DATA", raising=False)
    datasets.evaluation.cache_clear()
    yield tmp_path
    datasets.evaluation.cache_clear()


def test_the_stand_in_is_a_folder_of_jpeg_files_split_one_in_five(nowhere):
    with pytest.warns(data.FallbackDataWarning, match="EMBEDDED FALLBACK for flowers"):
        found = flowers.load()
    assert found.embedded and found.classes == flowers.CLASSES
    files = flowers.class_files(found.folder)
    assert tuple(files) == flowers.CLASSES
    assert all(len(paths) == flowers.STAND_IN_PER_CLASS for paths in files.values())
    assert all(p.suffix == ".jpg" and p.read_bytes()[:2] == b"\xff\xd8" for p in files["roses"])
    assert (len(found.train), len(found.test)) == (500, 125)
    assert not {p for p, _ in found.train} & {p for p, _ in found.test}
    assert np.bincount(found.y_test).tolist() == [25] * 5
    assert found.x_test.shape == (125, *flowers.IMAGE_SIZE, 3) and found.x_test.max() > 200


def test_the_grader_reads_photos_as_image_dataset_from_directory_does(nowhere, tmp_path):
    import keras

    folder = tmp_path / "photos"
    flowers.write_probe(folder)
    ds = keras.utils.image_dataset_from_directory(folder, image_size=(64, 64), shuffle=False,
                                                  batch_size=100, verbose=False)
    images, labels = next(iter(ds))
    paths = [p for name in flowers.PROBE_CLASSES for p in sorted((folder / name).iterdir())]
    np.testing.assert_allclose(flowers.read_images(paths, (64, 64)), images.numpy(), atol=1e-3)
    assert labels.numpy().tolist() == [i // folders.PROBE_PER_CLASS for i in range(len(paths))]


def test_the_keras_cache_layout_is_found_before_the_stand_in(nowhere, monkeypatch):
    cache = nowhere / "no-keras" / "datasets" / "flower_photos" / "flower_photos"
    flowers.write_stand_in(cache, per_class=10, seed=3)
    (cache / "LICENSE.txt").write_text("the real archive has one")
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.FallbackDataWarning)
        found = flowers.load()
    assert not found.embedded and found.source.startswith("Keras (")
    assert (len(found.train), len(found.test)) == (40, 10)


def test_an_instructor_copy_is_read_and_a_damaged_one_is_said(nowhere, monkeypatch, tmp_path):
    copy = tmp_path / "copy"
    flowers.write_stand_in(copy / "flower_photos", per_class=5)
    monkeypatch.setenv("DLGRADE_DATA", str(copy))
    assert flowers.load().source == f"DLGRADE_DATA ({copy / 'flower_photos'})"
    for path in (copy / "flower_photos" / "tulips").iterdir():
        path.unlink()
    with pytest.warns(data.FallbackDataWarning, match="unreadable in DLGRADE_DATA .*too few images in tulips"):
        assert flowers.load().embedded


def test_the_kernel_gets_a_folder_of_the_training_photos_and_a_probe(nowhere, tmp_path, monkeypatch):
    root = tmp_path / "course"
    folders = datasets.prepare(root, ["flowers"])
    train = datasets.student_folder(root, "flowers")
    dataset = datasets.evaluation("flowers")
    copied = {(p.parent.name, p.name) for p in train.rglob("*.jpg")}
    assert copied == {(dataset.classes[label], p.name) for p, label in dataset.train}
    assert not copied & {(dataset.classes[label], p.name) for p, label in dataset.test}
    probe = datasets.probe_folder(root, "flowers")
    assert tuple(flowers.class_files(probe)) == flowers.PROBE_CLASSES
    assert oct(train.stat().st_mode & 0o777) == "0o755"
    assert all(oct(p.stat().st_mode & 0o777) == "0o644" for p in probe.rglob("*.jpg"))
    before = train.stat().st_mtime_ns
    datasets.prepare(root, ["flowers"])  # unchanged data: not rewritten
    assert train.stat().st_mtime_ns == before
    monkeypatch.setenv(course_data.DATA_DIRS_VARIABLE, os.pathsep.join(folders))
    assert course_data.data_dir("flowers", verbose=False) == train
    with pytest.raises(ValueError, match=r"flowers is a folder of images: data_dir\('flowers'\)"):
        course_data.load_data("flowers")
    with pytest.raises(ValueError, match=r"'mnist' is not a folder of images: use load_data"):
        course_data.data_dir("mnist")


def test_the_kernel_and_the_grader_name_the_same_download():
    for name in course_data.FOLDERS:
        source = folders.source(name)
        assert course_data.FOLDERS[name] == (source.folder, source.url, source.train_dir)


def test_cats_vs_dogs_keeps_its_own_validation_folder_as_the_test_set(nowhere):
    with pytest.warns(data.FallbackDataWarning, match="EMBEDDED FALLBACK for cats_vs_dogs"):
        found = cats_dogs.SOURCE.load()
    assert found.embedded and found.classes == ("cats", "dogs")
    assert {p.parent.parent.name for p, _ in found.train} == {"train"}
    assert {p.parent.parent.name for p, _ in found.test} == {"validation"}
    assert (len(found.train), len(found.test)) == (800, 200)
    assert np.bincount(found.y_test).tolist() == [100, 100]
    assert found.x_test.shape == (200, 64, 64, 3)


def test_cats_vs_dogs_is_found_in_the_keras_cache_layout(nowhere):
    top = nowhere / "no-keras" / "datasets" / cats_dogs.FOLDER / cats_dogs.FOLDER
    cats_dogs.SOURCE.write_stand_in(top, per_class=6, test_per_class=2)
    (top / "vectorize.py").write_text("the real archive has one")
    with warnings.catch_warnings():
        warnings.simplefilter("error", data.FallbackDataWarning)
        found = datasets.evaluation("cats_vs_dogs")
    assert not found.embedded and (len(found.train), len(found.test)) == (12, 4)


def test_the_kernel_gets_the_cats_and_dogs_train_folder_and_a_two_class_probe(nowhere, tmp_path,
                                                                              monkeypatch):
    root = tmp_path / "course"
    folders_shown = datasets.prepare(root, ["cats_vs_dogs"])
    train = datasets.student_folder(root, "cats_vs_dogs")
    assert tuple(folders.class_files(train)) == ("cats", "dogs")
    assert sum(len(p) for p in folders.class_files(train).values()) == 800
    probe = datasets.probe_folder(root, "cats_vs_dogs")
    assert tuple(folders.class_files(probe)) == cats_dogs.SOURCE.probe_classes
    monkeypatch.setenv(course_data.DATA_DIRS_VARIABLE, os.pathsep.join(folders_shown))
    assert course_data.data_dir("cats_vs_dogs", verbose=False) == train
