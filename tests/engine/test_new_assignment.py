"""An instructor adds an assignment without touching the package: `dlgrade new`, build,
release, validate and grade, in a temporary course directory."""
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import cli, course

REPO = Path(__file__).resolve().parents[2]
PACKAGE = (REPO / "autograder", REPO / "reference")


def _package_digest() -> str:
    digest = hashlib.sha256()
    for folder in PACKAGE:
        for path in sorted(folder.rglob("*.py")):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def fresh_course(tmp_path, monkeypatch):
    shutil.copy(REPO / course.CONFIG_FILE, tmp_path / course.CONFIG_FILE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_a_new_assignment_builds_releases_validates_and_grades(fresh_course, capsys):
    before = _package_digest()
    assert cli.main(["new", "toy-relu", "--title", "ReLU and a neuron"]) == 0
    folder = fresh_course / "assignments" / "toy-relu"
    assert sorted(p.name for p in folder.iterdir()) == [
        "assignment.toml", "checks.py", "mutants.py", "notebook.md", "solution.py"]
    assert cli.main(["build", "--check"]) == 0
    assert cli.main(["release", "toy-relu"]) == 0
    released = fresh_course / "release" / "toy-relu"
    assert sorted(p.name for p in released.iterdir()) == ["toy-relu.ipynb"]  # nothing hidden
    text = (released / "toy-relu.ipynb").read_text()
    assert "np.maximum" not in text and "Hidden checks: test_relu" in text
    capsys.readouterr()

    assert cli.main(["validate", "toy-relu", "--json"]) == 0  # through kernels, as grading does
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["reference"]["full_marks"] and report["kill_rate"] == 1.0
    assert {m["name"] for m in report["mutants"]} == {
        "relu_minimum", "relu_abs", "neuron_no_bias", "neuron_bias_after_relu"}
    no_bias = next(m for m in report["mutants"] if m["name"] == "neuron_no_bias")
    assert no_bias["scores"]["test_relu"] == 1.0 and no_bias["scores"]["test_neuron"] < 1.0

    for student, source in (("ada", fresh_course / "source"), ("dee", fresh_course / "release")):
        target = fresh_course / "submitted" / student / "toy-relu"
        target.mkdir(parents=True)
        shutil.copy(source / "toy-relu" / "toy-relu.ipynb", target)
    assert cli.main(["grade", "toy-relu", "--json"]) == 0
    students = json.loads(capsys.readouterr().out)["students"]
    assert (students["ada"]["score"], students["ada"]["max_score"]) == (5, 5)
    assert students["dee"]["score"] == 0
    assert _package_digest() == before, "adding an assignment edited the package"


def test_validate_fails_on_a_mutant_that_survives_and_on_a_wrong_reference(fresh_course, capsys):
    assert cli.main(["new", "toy-relu"]) == 0
    mutants = fresh_course / "assignments" / "toy-relu" / "mutants.py"
    mutants.write_text(mutants.read_text() + '''

def relu_same_as_solution(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


MUTANTS.append(function_mutant("relu_same_as_solution", "relu", relu_same_as_solution, ("x",)))
''')
    capsys.readouterr()
    assert cli.main(["validate", "toy-relu", "--in-process"]) == 1
    out = capsys.readouterr().out
    assert "SURVIVED" in out and "NOT VALID: relu_same_as_solution survives" in out
    assert "kill rate: 4/5 (80%)" in out
    solution = fresh_course / "assignments" / "toy-relu" / "solution.py"
    solution.write_text(solution.read_text().replace("np.dot(x, w) + b", "np.dot(x, w)"))
    assert cli.main(["build"]) == 0
    assert cli.main(["validate", "toy-relu", "--in-process", "--mutant", "relu_abs"]) == 1
    assert "the reference loses points" in capsys.readouterr().out


def test_new_refuses_bad_names_and_existing_folders(fresh_course, capsys):
    assert cli.main(["new", "Toy_Relu"]) == 2
    assert "not an assignment name" in capsys.readouterr().err
    assert cli.main(["new", "toy"]) == 0
    assert cli.main(["new", "toy"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_build_check_finds_a_stale_notebook(fresh_course, capsys):
    assert cli.main(["new", "toy"]) == 0
    text = fresh_course / "assignments" / "toy" / "notebook.md"
    text.write_text(text.read_text().replace("## 1. ReLU", "## 1. The ReLU activation"))
    capsys.readouterr()
    assert cli.main(["build", "--check"]) == 1
    assert "stale: source/toy/toy.ipynb" in capsys.readouterr().err
    assert cli.main(["build", "toy"]) == 0
    assert cli.main(["build", "--check"]) == 0
    nb = nbformat.read(str(fresh_course / "source" / "toy" / "toy.ipynb"), 4)
    assert any("The ReLU activation" in c.source for c in nb.cells)
