"""Reading an assignment folder: the declaration, notebook.md and solution.py, with a clear
error naming the file and the fault for each way they can be wrong."""
from pathlib import Path

import pytest

from autograder import assignments, build

DECLARATION = 'title = "Toy"\n[[cells]]\ngrade_id = "test_f"\npoints = 2\ncovers = ["f"]\n'
TEXT = """+++ intro
# Toy: {{ points.test_f }} of {{ total }} points

```python code setup
import numpy as np
```

```python solution f
```

```python tests test_f
assert f(1) == 2
```
"""
SOLUTION = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"


def _folder(tmp_path, declaration=DECLARATION, text=TEXT, solution=SOLUTION, name="toy"):
    folder = tmp_path / "assignments" / name
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(declaration)
    (folder / "notebook.md").write_text(text)
    (folder / "solution.py").write_text(solution)
    return folder


def test_a_folder_builds_its_notebook(tmp_path):
    _folder(tmp_path)
    toy = assignments.load(tmp_path, "toy")
    assert (toy.name, toy.title, toy.points, toy.cell_of("f")) == ("toy", "Toy", {"test_f": 2}, "test_f")
    nb = build.notebook(toy)
    assert [(c.cell_type, c.id) for c in nb.cells] == [
        ("markdown", "intro"), ("code", "setup"), ("code", "f"), ("code", "test_f")]
    assert nb.cells[0].source == "# Toy: 2 of 2 points"
    assert nb.cells[2].source == SOLUTION.rstrip("\n")
    assert nb.cells[2].metadata.nbgrader == {"grade": False, "grade_id": "f", "locked": False,
                                             "schema_version": 3, "solution": True, "task": False}
    assert nb.cells[3].source == ("assert f(1) == 2\n"
                                  "# Hidden checks: test_f (run by the grader, not in your kernel)")
    assert nb.cells[3].metadata.nbgrader["points"] == 2 and nb.cells[3].metadata.nbgrader["locked"]
    assert build.render(toy) == build.render(toy), "reproducible"
    assert assignments.names(tmp_path) == ["toy"]


@pytest.mark.parametrize("declaration, fault", [
    ('title = "Toy"\n', "no graded cells"),
    ('[[cells]]\ngrade_id = "test_f"\npoints = 2\n', "a title is required"),
    ('title = "Toy"\nsupport = ["data.zip"]\n' + DECLARATION[14:], "unknown support file(s) data.zip"),
    (DECLARATION + 'colour = "red"\n', "unknown key(s) colour"),
    (DECLARATION.replace('"test_f"', '"test f"'), "grade_id must be an identifier"),
    (DECLARATION.replace("points = 2", "points = 0"), "points must be a positive number"),
    (DECLARATION + '[[cells]]\ngrade_id = "test_f"\npoints = 1\n', "declared twice: test_f"),
    (DECLARATION + '[[cells]]\ngrade_id = "test_g"\npoints = 1\ncovers = ["f"]\n', "covered by two cells: f"),
    ('name = "other"\n' + DECLARATION, "differs from its folder"),
    (DECLARATION.replace("points = 2", 'points = 2\nin_place = "yes"'), "in_place must be true or false"),
    ('title = "Toy"\n[[cells]\n', "not valid TOML"),
])
def test_a_bad_declaration_says_what_is_wrong(tmp_path, declaration, fault):
    _folder(tmp_path, declaration=declaration)
    with pytest.raises(assignments.DeclarationError, match="toy/assignment.toml: ") as info:
        assignments.load(tmp_path, "toy")
    assert fault in str(info.value)


@pytest.mark.parametrize("text, fault", [
    (TEXT.replace("+++ intro\n", "+++ intro\nhi\n```python code setup\nx = 1\n```\nafter\n", 1),
     "Markdown after a code cell needs its own '+++ cell_id' line"),
    (TEXT.replace("```python tests test_f\nassert f(1) == 2\n```\n", "```python tests test_f\nassert f(1) == 2\n"),
     "the tests cell test_f is never closed"),
    (TEXT.replace("code setup", "code f"), "cell id f is used twice"),
    (TEXT.replace("tests test_f", "tests test_g"), "test cell test_g is not declared"),
    (TEXT.replace("```python tests test_f\nassert f(1) == 2\n```\n", ""), "missing test_f"),
    (TEXT.replace("{{ total }}", "{{ totl }}"), "'totl' is undefined"),
    (TEXT.replace("solution f", "solution g"), "defines no function or variable 'g'"),
    (TEXT.replace("code setup", "code two words"), "needs exactly one id"),
])
def test_a_bad_notebook_text_says_what_is_wrong(tmp_path, text, fault):
    _folder(tmp_path, text=text)
    with pytest.raises(assignments.DeclarationError) as info:
        build.notebook(assignments.load(tmp_path, "toy"))
    assert fault in str(info.value) and "toy/" in str(info.value)


def test_a_solution_without_markers_is_refused(tmp_path):
    _folder(tmp_path, solution="def f(x):\n    return 2 * x\n")
    with pytest.raises(build.NotebookTextError, match="f has no ### BEGIN SOLUTION"):
        build.notebook(assignments.load(tmp_path, "toy"))


def test_code_shown_in_the_markdown_stays_markdown(tmp_path):
    shown = TEXT.replace("# Toy", "# Toy\n\n```python\n```python code not_a_cell\n```\n\nThen:", 1)
    _folder(tmp_path, text=shown)
    nb = build.notebook(assignments.load(tmp_path, "toy"))
    assert "```python code not_a_cell" in nb.cells[0].source and len(nb.cells) == 4


def test_two_courses_never_share_a_checks_module(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for root, value in ((first, 1), (second, 2)):
        (_folder(root) / "checks.py").write_text(f"VALUE = {value}\n")
    modules = [assignments.load(root, "toy").module("checks.py") for root in (first, second)]
    assert [m.VALUE for m in modules] == [1, 2] and modules[0].__name__ != modules[1].__name__


def test_an_unknown_assignment_names_the_known_ones(tmp_path):
    _folder(tmp_path)
    with pytest.raises(ValueError, match=r"no assignment 'toi' .* \(known: toy\)"):
        assignments.load(tmp_path, "toi")
