"""The data a model assignment's kernel gets: the training split only, read by course_data.py."""
import os
from pathlib import Path
import warnings

import numpy as np
import pytest

from autograder import datasets, sandbox
from autograder.kernel import course_data
from reference import data


@pytest.fixture
def digits(monkeypatch, tmp_path):
    """mnist from its embedded fallback (no Keras cache, no instructor copy here)."""
    monkeypatch.setattr(data, "keras_home", lambda: tmp_path / "no-keras")
    monkeypatch.delenv("DLGRADE_DATA", raising=False)
    evaluation = datasets.evaluation  # a test may replace it
    evaluation.cache_clear()
    yield evaluation("mnist")
    evaluation.cache_clear()


def test_the_kernel_gets_the_training_split_and_never_the_test_images(digits, tmp_path, monkeypatch):
    root = tmp_path / "course"
    folders = datasets.prepare(root, ["mnist"])
    assert folders == [str(root / datasets.STUDENT_DATA_DIR)]
    assert datasets.prepare(root, []) == []  # numpy assignments get no data
    monkeypatch.setenv(course_data.DATA_DIRS_VARIABLE, os.pathsep.join(["/nowhere", *folders]))
    (x_train, y_train), (x_val, y_val) = course_data.load_data("mnist", verbose=False)
    assert len(x_train) + len(x_val) == len(digits.x_train) and len(x_val) == round(0.1 * len(digits.x_train))
    np.testing.assert_array_equal(np.concatenate([x_train, x_val]), digits.x_train)
    np.testing.assert_array_equal(np.concatenate([y_train, y_val]), digits.y_train)
    with np.load(root / datasets.STUDENT_DATA_DIR / "mnist.npz") as arrays:
        assert "x_test" not in arrays.files and "y_test" not in arrays.files
        words = str(arrays["source"])
    assert words.startswith("EMBEDDED STAND-IN, not the real mnist: scikit-learn's bundled")
    assert str(tmp_path) not in words, "the student's notebook prints it: no grader paths"
    assert oct((root / datasets.STUDENT_DATA_DIR).stat().st_mode & 0o777) == "0o755"
    assert oct((root / datasets.STUDENT_DATA_DIR / "mnist.npz").stat().st_mode & 0o777) == "0o644"


def test_prepare_rewrites_only_when_the_data_changed(digits, tmp_path, monkeypatch):
    path = tmp_path / datasets.STUDENT_DATA_DIR / "mnist.npz"
    datasets.prepare(tmp_path, ["mnist"])
    first = path.stat().st_mtime_ns
    datasets.prepare(tmp_path, ["mnist"])
    assert path.stat().st_mtime_ns == first
    changed = data.Dataset("mnist", digits.x_train[:100], digits.y_train[:100], digits.x_test,
                           digits.y_test, source="Keras (/somewhere)")
    monkeypatch.setattr(datasets, "evaluation", lambda name: changed)
    datasets.prepare(tmp_path, ["mnist"])
    with np.load(path) as arrays:
        assert len(arrays["x_train"]) + len(arrays["x_val"]) == 100
        assert str(arrays["source"]) == "the grader's copy of mnist (training split)"


def test_course_data_refuses_unknown_datasets():
    with pytest.raises(ValueError, match="unknown dataset 'cifar100': use one of mnist, fashion_mnist"):
        course_data.load_data("cifar100")


def test_kernels_are_told_where_the_data_is(tmp_path):
    env = sandbox.kernel_environment(2, [str(tmp_path)])
    assert env[course_data.DATA_DIRS_VARIABLE] == str(tmp_path.resolve())
    assert "DLGRADE_DATA" not in env  # the instructor's full copies stay the grader's
    assert course_data.DATA_DIRS_VARIABLE not in sandbox.kernel_environment(2, [])


def test_the_evaluation_data_is_loaded_once_and_quietly(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert datasets.evaluation("mnist") is digits


def test_a_grade_depends_on_the_data_and_the_calibration(digits, tmp_path):
    """Resuming keeps a grade only while the data it was measured on and the timing stand."""
    from autograder import grading, timing

    from autograder import course

    root = tmp_path
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    course.copy_assignments(Path(__file__).resolve().parents[2], root, ["mnist-ann"], config=False)
    (root / "submitted" / "s" / "mnist-ann").mkdir(parents=True)
    (root / "submitted" / "s" / "mnist-ann" / "mnist-ann.ipynb").write_text("{}")
    before = grading.fingerprint(root, "mnist-ann", "s", "full")
    datasets.prepare(root, ["mnist"])
    with_data = grading.fingerprint(root, "mnist-ann", "s", "full")
    assert with_data != before
    calibration = timing.calibration_path(root, "mnist-ann")
    calibration.parent.mkdir(parents=True)
    calibration.write_text("{}")
    assert grading.fingerprint(root, "mnist-ann", "s", "full") != with_data


def test_the_hdb_sales_reach_the_kernel_as_training_rows_only(tmp_path, monkeypatch, capsys):
    import pandas as pd

    from reference import hdb

    monkeypatch.delenv("DLGRADE_DATA", raising=False)
    evaluation = datasets.evaluation
    evaluation.cache_clear()
    try:
        sales = evaluation("hdb_resale")
        folders = datasets.prepare(tmp_path, ["hdb_resale"])
    finally:
        evaluation.cache_clear()
    monkeypatch.setenv(course_data.DATA_DIRS_VARIABLE, folders[0])
    train_rows, val_rows = course_data.load_data("hdb_resale")
    assert "EMBEDDED STAND-IN, not the real hdb_resale: 20,000 generated sales" in capsys.readouterr().out
    assert len(train_rows) + len(val_rows) == len(sales.train)
    assert len(val_rows) == round(0.1 * len(sales.train))
    rows = hdb.read_csv(tmp_path / datasets.STUDENT_DATA_DIR / "hdb_resale.csv")
    assert rows.equals(sales.train), "exactly the grader's training rows, in the file's format"
    assert pd.api.types.is_string_dtype(train_rows["block"]) and train_rows["remaining_lease"][0].endswith(("months", "month", "years"))
    assert set(train_rows.columns) == set(hdb.COLUMNS)
    test_prices = set(sales.test["resale_price"]) - set(sales.train["resale_price"])
    assert test_prices and not test_prices & set(rows["resale_price"]), "no test sale is in the kernel's file"


def test_at_home_the_hdb_file_must_be_beside_the_notebook(tmp_path, monkeypatch):
    monkeypatch.delenv(course_data.DATA_DIRS_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="download it from data.gov.sg"):
        course_data.load_data("hdb_resale")
