"""The embedded demo class: real notebooks, the mistakes students really make.

Builds a course directory from this repository's course (config, source/),
releases the assignments, writes submissions, and grades them:
    ada  the solution notebook: full marks
    ben  one classic mistake per function (names the mistake in the feedback)
    cy   a notebook that raises on import: every function undefined
    dee  the released notebook handed in untouched
    eve  a file that is not a notebook at all
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder import assignments, course, grading
from autograder.mutants import load_catalogue
from autograder.validate import mutated_notebook

DEMO_ASSIGNMENTS = ("conv-pooling", "cnn-shapes", "mnist-ann", "fashion-cnn")
REFERENCE_STUDENT = "ada"  # her notebook is the solution
STUDENTS = {
    "ada": "the solution",
    "ben": "one classic mistake per function",
    "cy": "raises on import; every answer cell fails",
    "dee": "the released notebook, untouched",
    "eve": "not a notebook",
}

# ben's mistakes: mutants of each assignment's catalogue (mutants.py), one per function.
BEN = {
    "conv-pooling": ("output_size_ceil", "conv2d_flipped_kernel", "max_pool_ignores_stride"),
    "cnn-shapes": ("conv_params_no_bias", "dense_params_no_bias"),
    "mnist-ann": ("no_hidden_layer",),  # the course's model before the exercise
    "fashion-cnn": ("one_convolution_block",),  # the course's CNN before the exercise
}

BROKEN_IMPORT = "import tensorflow_addons_that_is_not_installed  # the student's first cell\n"


def _write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def build(repo: Path, target: Path) -> list[str]:
    """Lay out the demo course in `target` and write every demo submission."""
    if target.exists():
        shutil.rmtree(target)
    # the assignments' folders, built, and this machine's reference timings when taken
    course.copy_assignments(repo, target, DEMO_ASSIGNMENTS)
    api = course.api(target)
    for assignment in DEMO_ASSIGNMENTS:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"could not release {assignment}:\n{result['log']}")
        for name in grading.source_notebooks(target, assignment):
            solution = nbformat.read(str(target / "source" / assignment / name), as_version=4)
            released = nbformat.read(str(target / "release" / assignment / name), as_version=4)
            sub = lambda student: target / "submitted" / student / assignment / name  # noqa: E731
            _write(solution, sub("ada"))
            declared = assignments.load(target, assignment)
            catalogue = {m.name: m for m in load_catalogue(declared).mutants}
            _write(mutated_notebook(declared, [catalogue[m] for m in BEN[assignment]], nb=solution),
                   sub("ben"))
            broken = nbformat.from_dict(solution)
            first_code = next(c for c in broken.cells if c.cell_type == "code")
            first_code.source = BROKEN_IMPORT + first_code.source
            for cell in broken.cells:  # every answer cell fails before it defines anything
                if cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = "raise RuntimeError('lost my work')\n" + cell.source
            _write(broken, sub("cy"))
            _write(released, sub("dee"))
            sub("eve").parent.mkdir(parents=True, exist_ok=True)
            sub("eve").write_text("{this is not a notebook")
    return list(DEMO_ASSIGNMENTS)
