"""Held-out data a kernel cannot rebuild: an embedded stand-in's test split is drawn from the
grader's own seed (autograder.secret), kept per course, never shown to a kernel."""
import os
import stat

import numpy as np
import pytest

from autograder import datasets, sandbox, secret
from reference import data, folders, hdb, imdb


@pytest.fixture
def no_real_data(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "keras_home", lambda: tmp_path / "no-keras")
    monkeypatch.delenv("DLGRADE_DATA", raising=False)
    datasets.evaluation.cache_clear()
    yield
    datasets.evaluation.cache_clear()


def _drawn(monkeypatch, name, seed):
    monkeypatch.setenv(secret.ENV, str(seed))
    return datasets.evaluation(name)


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10", "imdb"])
def test_a_stand_ins_test_split_is_the_graders_own_draw(no_real_data, monkeypatch, name):
    public_train, public_test, *_ = data.source(name).stand_in()
    drawn = _drawn(monkeypatch, name, 11)
    assert drawn.embedded
    for ours, public in ((drawn.x_train, public_train[0]), (drawn.y_train, public_train[1])):
        np.testing.assert_array_equal(np.asarray(ours, dtype=object) if ours.dtype == object else ours,
                                      public)  # the kernel's data is unchanged
    assert len(drawn.x_test) == len(public_test[0])
    rows = lambda x: {(tuple(r) if x.dtype == object else r.tobytes()) for r in x}  # noqa: E731
    assert not rows(drawn.x_test) & rows(public_test[0])  # no held-out example is the public one
    again = _drawn(monkeypatch, name, 11)
    np.testing.assert_array_equal(again.y_test, drawn.y_test)  # the same seed, the same draw
    other = _drawn(monkeypatch, name, 12)
    assert rows(other.x_test) != rows(drawn.x_test)


def test_the_digits_keep_their_labels_and_look_the_same(no_real_data, monkeypatch):
    (_, _), (public_x, public_y) = data.digits_stand_in()
    drawn = _drawn(monkeypatch, "mnist", 11)
    np.testing.assert_array_equal(drawn.y_test, public_y)
    np.testing.assert_array_equal(drawn.x_test > 0, public_x > 0)  # the same strokes
    moved = np.abs(drawn.x_test.astype(int) - public_x)
    assert moved.max() <= data.DIGIT_INK_JITTER and (moved[public_x > 0] > 0).mean() > 0.85


@pytest.mark.filterwarnings("ignore::reference.data.FallbackDataWarning")
def test_generated_sales_and_photos_are_drawn_again_too(no_real_data, monkeypatch):
    public = hdb.load()
    monkeypatch.setenv(secret.ENV, "11")
    drawn = datasets.evaluation("hdb_resale")
    assert drawn.train.equals(public.train) and len(drawn.test) == len(public.test)
    assert not set(map(tuple, drawn.test.values)) & set(map(tuple, public.test.values))
    photos = datasets.evaluation("flowers")
    public_photos = folders.source("flowers").load()
    assert photos.train == public_photos.train
    assert len(photos.test) == len(public_photos.test)
    assert {p.read_bytes() for p, _ in photos.test[:20]}.isdisjoint(
        p.read_bytes() for p, _ in public_photos.test)
    assert [label for _, label in photos.test] == sorted(label for _, label in photos.test)
    folder = photos.test[0][0].parent.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # the grader's user alone reads it


def test_real_data_is_never_redrawn():
    real = data.Dataset("mnist", *(np.zeros((2, 28, 28)), np.zeros(2)) * 2, source="Keras")
    assert data.redrawn(real, 5) is real
    sales = hdb.HdbData(hdb.generate(4), hdb.generate(2), "file")
    assert hdb.redrawn(sales, 5) is sales


def test_the_course_keeps_its_seed_to_itself(tmp_path, monkeypatch):
    monkeypatch.delenv(secret.ENV)
    assert secret.seed() is None  # no seed in force: the public draw
    first = secret.course_seed(tmp_path)
    assert secret.course_seed(tmp_path) == first  # kept: every regrade measures the same data
    path = tmp_path / secret.SEED_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret.use(tmp_path) == first and os.environ[secret.ENV] == str(first)
    monkeypatch.setenv(secret.ENV, "42")
    assert secret.use(tmp_path) == 42  # set by the instructor: another machine, the same draw


def test_kernels_never_see_the_seed_or_the_digits_the_stand_in_is_made_of(monkeypatch):
    monkeypatch.setenv(secret.ENV, "42")
    assert secret.ENV not in sandbox.kernel_environment(2)
    hidden = sandbox.hidden_data_files()
    assert any(path.endswith(os.path.join("sklearn", "datasets", "data", "digits.csv.gz"))
               for path in hidden)


def test_a_grade_is_kept_only_for_the_same_draw_of_a_model_assignment(tmp_path, monkeypatch):
    from pathlib import Path

    from autograder import course, grading

    repo = Path(__file__).resolve().parents[2]
    course.copy_assignments(repo, tmp_path, ["conv-pooling", "mnist-ann"])

    def fingerprints(seed):
        monkeypatch.setenv(secret.ENV, seed)
        found = {}
        for assignment in ("conv-pooling", "mnist-ann"):
            (tmp_path / "submitted" / "ada" / assignment).mkdir(parents=True, exist_ok=True)
            found[assignment] = grading.fingerprint(tmp_path, assignment, "ada", "none")
        return found

    first, second = fingerprints("1"), fingerprints("2")
    assert first["mnist-ann"] != second["mnist-ann"]  # another draw: graded again
    assert first["conv-pooling"] == second["conv-pooling"]  # no data: nothing to grade again
