"""`dlgrade data list | fetch | verify` on an empty Keras cache, an instructor copy, and a
fetch through a (stubbed, offline) Keras loader."""
import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from autograder import cli, course
from reference import data

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def course_here(tmp_path, monkeypatch, empty_keras_home):
    monkeypatch.setenv("COLUMNS", "250")  # table rows on one line each
    root = tmp_path / "course"
    course.copy_assignments(REPO, root, ["conv-pooling", "mnist-ann", "fashion-ann", "hdb-regression"])
    monkeypatch.chdir(root)
    return root


def test_list_says_where_each_dataset_is_and_who_uses_it(course_here, capsys):
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for words in ("mnist", "mnist-ann", "fashion_mnist", "fashion-ann", "hdb_resale", "hdb-regression",
                  "missing: the embedded stand-in grades instead", "11 MB"):
        assert words in out, words
    assert "conv-pooling" not in out  # it declares no data
    assert cli.main(["data", "list", "cifar10"]) == 0
    assert "CIFAR-10" in capsys.readouterr().out
    assert cli.main(["data", "list", "cifar100"]) == 2
    assert "unknown dataset(s) cifar100" in capsys.readouterr().err


def test_verify_fails_while_a_stand_in_would_grade(course_here, capsys):
    assert cli.main(["data", "verify", "mnist"]) == 1
    out, err = capsys.readouterr()
    assert "FAILED  mnist: missing: grading would use the embedded stand-in" in out
    assert "not verified: mnist" in err
    assert cli.main(["data", "verify", "mnist", "--allow-stand-in"]) == 0


def test_an_instructor_copy_of_cifar10_in_its_own_format_verifies(course_here, tmp_path, monkeypatch, capsys):
    copy = tmp_path / "copy"
    train, test = data.cifar_stand_in(n_train=50, n_test=10)
    data.write_cifar_dir(copy / data.CIFAR_FOLDER, train, test)
    monkeypatch.setenv("DLGRADE_DATA", str(copy))
    assert cli.main(["data", "verify", "cifar10"]) == 0
    out = capsys.readouterr().out
    assert f"ok      cifar10: 50 + 10 images of 32x32x3 in DLGRADE_DATA" in out
    loaded = data.load("cifar10")
    assert not loaded.embedded and loaded.y_train.shape == (50, 1)
    assert np.array_equal(loaded.x_test, test[0])
    (copy / data.CIFAR_FOLDER / "test_batch").write_bytes(b"not a pickle")
    assert cli.main(["data", "verify", "cifar10"]) == 1
    assert "FAILED  cifar10: found but not loadable" in capsys.readouterr().out


def test_fetch_records_checksums_and_verify_catches_a_damaged_file(course_here, monkeypatch, capsys):
    cache = data.keras_home() / "datasets"

    def keras_download():  # what keras.datasets.fashion_mnist.load_data leaves in its cache
        train, test = data.fashion_stand_in(n_train=40, n_test=10)
        data.write_idx_dir(cache / "fashion-mnist", train, test)
        return data.read_idx_dir(cache / "fashion-mnist")

    monkeypatch.setitem(data.DATASETS, "fashion_mnist",
                        dataclasses.replace(data.DATASETS["fashion_mnist"], keras=keras_download))
    assert cli.main(["data", "fetch", "fashion_mnist", "hdb_resale"]) == 1  # hdb: by hand
    err = capsys.readouterr().err
    assert "fashion_mnist: in the Keras cache, checksums recorded" in err
    assert "hdb_resale: not downloadable by dlgrade" in err and "DLGRADE_DATA" in err
    sums = json.loads((cache / "dlgrade-checksums.json").read_text())
    assert set(sums) == {f"fashion-mnist/{f}" for f in data.FASHION_FILES}
    assert cli.main(["data", "verify", "fashion_mnist"]) == 0
    assert "40 + 10 images of 28x28 in Keras cache" in capsys.readouterr().out
    label_file = cache / "fashion-mnist" / data.FASHION_FILES[0]
    label_file.write_bytes(label_file.read_bytes()[:-1] + b"\x07")
    assert cli.main(["data", "verify", "fashion_mnist"]) == 1
    assert "does not match its checksum" in capsys.readouterr().out


def test_a_failed_download_says_why(course_here, monkeypatch, capsys):
    def offline():
        raise OSError("Network is unreachable")

    monkeypatch.setitem(data.DATASETS, "mnist", dataclasses.replace(data.DATASETS["mnist"], keras=offline))
    assert cli.main(["data", "fetch", "mnist"]) == 1
    assert "mnist: download failed: OSError: Network is unreachable" in capsys.readouterr().err
    shutil.rmtree(data.keras_home(), ignore_errors=True)


def test_the_flower_photos_are_listed_and_verified_where_keras_puts_them(course_here, tmp_path, capsys):
    from reference import flowers

    assert cli.main(["data", "list", "flowers"]) == 0
    assert "flower photos: 3,670 JPEG files" in capsys.readouterr().out
    assert cli.main(["data", "verify", "flowers"]) == 1
    assert "FAILED  flowers: missing" in capsys.readouterr().out
    folder = tmp_path / "keras" / "datasets" / "flower_photos" / "flower_photos"
    flowers.write_stand_in(folder, per_class=10)
    assert cli.main(["data", "verify", "flowers"]) == 0
    out = capsys.readouterr().out
    assert "ok      flowers: 50 photos of 5 classes in Keras cache (40 to train on, 10 held out)" in out
    assert "the published set has 3,670: another copy?" in out
