"""Reference solutions of the student API, one module per assignment.

These are the solutions the instructor notebooks contain, written the way a student
would write them (numpy, plain loops), not the fast trusted references in
`reference/` that the hidden checks compare against. `source/build_notebooks.py`
copies every function (and the exercise values) verbatim from these modules into
the notebooks' solution cells, markers included, so notebook and module cannot
drift; `tests/checks/` proves both score full marks.

The code between `### BEGIN SOLUTION` and `### END SOLUTION` is what nbgrader
replaces with a stub in the released notebook.
"""
from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import Any

MODULES = {
    "conv-pooling": "reference.assignments.conv_pooling",
    "cnn-shapes": "reference.assignments.cnn_shapes",
    "ann-basics": "reference.assignments.ann_basics",
    "mnist-ann": "reference.assignments.mnist_ann",
    "fashion-ann": "reference.assignments.fashion_ann",
    "hdb-regression": "reference.assignments.hdb_regression",
}

__all__ = ["MODULES", "module", "solution_namespace"]


def module(assignment: str) -> ModuleType:
    """The reference-solution module of `assignment` (e.g. "conv-pooling")."""
    try:
        return importlib.import_module(MODULES[assignment])
    except KeyError:
        raise ValueError(f"no reference solution for assignment {assignment!r} "
                         f"(known: {', '.join(MODULES)})") from None


def solution_namespace(assignment: str) -> dict[str, Any]:
    """A fresh notebook-like namespace holding the solution: the module's source exec'd anew.

    Every call gives new function objects sharing one globals dict, as the cells of a
    notebook share the kernel's namespace: replacing `conv_output_shape` in it changes
    what `summarize` calls, exactly as redefining it in a notebook would.
    """
    source_module = module(assignment)
    namespace: dict[str, Any] = {"__name__": f"solution:{assignment}"}
    exec(compile(inspect.getsource(source_module), source_module.__file__, "exec"), namespace)
    return namespace
