"""A submission's files are judged from the file system before anything reads or copies
them: symbolic links, pipes, sparse giants, too many or too big files are refused with the
reason, and the rest of the batch is graded."""
import os
import time
from pathlib import Path

import nbformat
import pytest

from autograder import course, grading

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "conv-pooling"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "submitted" / "s" / ASSIGNMENT
    path.mkdir(parents=True)
    (path / NOTEBOOK).write_text("{}")
    return path


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        f.truncate(size)


def test_plain_files_are_taken(folder):
    (folder / "data.csv").write_text("a,b\n1,2\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "notes.txt").write_text("hi")
    assert grading.check_files(folder) is None


def test_a_sparse_giant_is_refused_unread(folder, tmp_path):
    _sparse(folder / "zeros.bin", 1536 * 2**20)  # 1.5 GiB apparent, no disk
    assert grading.check_files(folder) == "zeros.bin is 1,536 MiB, over the 50 MiB a submitted file may be"
    (tmp_path / course.CONFIG_FILE).write_text("c = get_config()\n")
    start = time.monotonic()
    grading.fingerprint(tmp_path, ASSIGNMENT, "s", "none")  # must not read 1.5 GiB
    assert time.monotonic() - start < 2


def test_pipes_links_many_and_large_files_are_refused(folder):
    os.mkfifo(folder / "pipe")
    assert "not plain files (pipe" in grading.check_files(folder)
    os.remove(folder / "pipe")
    (folder / "link").symlink_to("/etc/passwd")
    assert "symbolic links (link)" in grading.check_files(folder)
    os.remove(folder / "link")
    for i in range(grading.MAX_SUBMISSION_FILES + 1):
        (folder / f"f{i}.txt").write_text("x")
    assert "over the limit of 200" in grading.check_files(folder)
    for i in range(grading.MAX_SUBMISSION_FILES + 1):
        os.remove(folder / f"f{i}.txt")
    for i in range(3):
        _sparse(folder / f"part{i}.bin", 40 * 2**20)
    assert grading.check_files(folder) == ("the submission's files come to 120 MiB, over the "
                                           "limit of 100 MiB")


@pytest.mark.slow
def test_the_batch_goes_on_and_nothing_is_copied(tmp_path):
    course.copy_assignments(REPO, tmp_path, [ASSIGNMENT])
    solution = nbformat.read(str(tmp_path / "source" / ASSIGNMENT / NOTEBOOK), 4)
    for student in ("giant", "honest"):
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(solution, str(folder / NOTEBOOK))
    _sparse(tmp_path / "submitted" / "giant" / ASSIGNMENT / "zeros.bin", 1536 * 2**20)
    results = {r.student: r for r in grading.grade(tmp_path, ASSIGNMENT, isolation="none")}
    assert (results["honest"].status, results["honest"].score) == ("graded", 15)
    giant = results["giant"]
    assert giant.status == "error" and "over the 50 MiB a submitted file may be" in giant.reason
    copied = tmp_path / "autograded" / "giant" / ASSIGNMENT / "zeros.bin"
    assert not copied.exists()
    saved = grading.saved_results(tmp_path, ASSIGNMENT, "giant")
    assert saved["status"] == "error"
