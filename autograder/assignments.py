"""The course's assignments, one folder each, discovered in the course directory.

    assignments/<name>/
        assignment.toml   the declaration: title, graded cells (grade_id, points, what each
                          covers), data, training cell, support files, thresholds, model
        notebook.md       the notebook's text (see autograder.build for the format)
        solution.py       the solution, written as a student would
        checks.py         the hidden checks (pytest + Hypothesis)
        mutants.py        the catalogue of known-wrong answers (autograder.mutants)

Everything the grader knows about an assignment is read from its folder, by path,
in the trusted process: nothing here is imported from the installed package, so an
instructor adds an assignment by adding a folder. The folder is never released or
copied into a submission: nbgrader only sees source/<name>/, which `dlgrade build`
writes from it.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ASSIGNMENTS_DIR = "assignments"
DECLARATION = "assignment.toml"
NOTEBOOK_TEXT = "notebook.md"
SOLUTION = "solution.py"
CHECKS = "checks.py"
MUTANTS = "mutants.py"
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Support files are generated beside the notebook from these masters (package-relative).
SUPPORT_MASTERS = {"course_data.py": ("autograder", "kernel", "course_data.py")}
KNOWN_KEYS = {"name", "title", "cells", "datasets", "training_cell", "support", "thresholds",
              "model", "settings"}


class DeclarationError(ValueError):
    """An assignment folder that cannot be read: the message names the file and the fault."""


@dataclass(frozen=True)
class GradedCell:
    grade_id: str
    points: float
    covers: tuple[str, ...] = ()   # the solution's functions / variables this cell grades
    # Its checks read the notebook's state where the cell stands, which a later cell changes
    # (a model trained in two phases): the in-process path grades it there too, as the
    # executor grades every cell.
    in_place: bool = False


@dataclass(frozen=True)
class Assignment:
    name: str
    folder: Path
    title: str
    cells: tuple[GradedCell, ...]
    datasets: tuple[str, ...] = ()
    training_cell: str | None = None
    support: tuple[str, ...] = ()
    thresholds: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)   # anything else the checks read

    # ------------------------------------------------------------------- what it declares

    @property
    def points(self) -> dict[str, float]:
        """grade_id -> points, in notebook order."""
        return {c.grade_id: c.points for c in self.cells}

    @property
    def measured_datasets(self) -> tuple[str, ...]:
        """The datasets its models are measured on (not a pretrained base's weights)."""
        from autograder.kernel.course_data import PRETRAINED

        return tuple(name for name in self.datasets if name not in PRETRAINED)

    @property
    def total_points(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def grade_ids(self) -> tuple[str, ...]:
        return tuple(c.grade_id for c in self.cells)

    def cell_of(self, name: str) -> str | None:
        """The grade_id of the test cell covering function / variable / cell `name`."""
        for cell in self.cells:
            if name in cell.covers or name == cell.grade_id:
                return cell.grade_id
        return None

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(name for c in self.cells for name in c.covers)

    # ------------------------------------------------------------------- its files

    @property
    def declaration_path(self) -> Path:
        return self.folder / DECLARATION

    @property
    def notebook_text_path(self) -> Path:
        return self.folder / NOTEBOOK_TEXT

    @property
    def solution_path(self) -> Path:
        return self.folder / SOLUTION

    @property
    def checks_path(self) -> Path:
        return self.folder / CHECKS

    @property
    def mutants_path(self) -> Path:
        return self.folder / MUTANTS

    @property
    def root(self) -> Path:
        """The course directory holding assignments/<name>/."""
        return self.folder.parent.parent

    def files(self) -> list[Path]:
        """Every file that defines the assignment (for the grading fingerprint)."""
        return sorted(p for p in self.folder.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)

    def module(self, filename: str) -> ModuleType:
        """A Python file of the folder, imported by path under a name of its own."""
        return import_path(self.folder / filename, f"{self.name}.{Path(filename).stem}")

    @property
    def solution_source(self) -> str:
        return self.solution_path.read_text(encoding="utf-8")

    def solution_namespace(self) -> dict[str, Any]:
        """A fresh notebook-like namespace holding the solution (solution.py exec'd anew).

        Every call gives new function objects sharing one globals dict, as a notebook's
        cells share the kernel's namespace: replacing a helper in it changes what its
        callers call, exactly as redefining it in a notebook would.
        """
        namespace: dict[str, Any] = {"__name__": f"solution:{self.name}"}
        # its imports of a support file (from course_data import ...) find the file's master,
        # as the notebook's find the copy beside it
        paths = [str(support_master(name).parent) for name in self.support
                 if str(support_master(name).parent) not in sys.path]
        sys.path[:0] = paths
        try:
            exec(compile(self.solution_source, str(self.solution_path), "exec"), namespace)
        finally:
            for path in paths:
                sys.path.remove(path)
        return namespace


# ----------------------------------------------------------------------- loading

def folder_of(root: Path) -> Path:
    return Path(root) / ASSIGNMENTS_DIR


def names(root: Path) -> list[str]:
    """The assignments of the course at `root`, by folder name."""
    base = folder_of(root)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / DECLARATION).is_file())


def discover(root: Path) -> dict[str, Assignment]:
    return {name: load(root, name) for name in names(root)}


def load(root: Path, name: str) -> Assignment:
    """The assignment `name` of the course at `root`; a clear error when there is none."""
    folder = folder_of(root) / name
    if not (folder / DECLARATION).is_file():
        known = ", ".join(names(root)) or "none"
        raise ValueError(f"no assignment {name!r} in {folder_of(root)} (known: {known})")
    return _read(folder)


def here(file: str | Path) -> Assignment:
    """The assignment whose folder holds `file` (for checks.py and mutants.py)."""
    return _read(Path(file).resolve().parent)


def _read(folder: Path) -> Assignment:
    return _read_cached(folder.resolve(), _stamp(folder / DECLARATION))


def _stamp(path: Path) -> tuple:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


_CACHE: dict[tuple, Assignment] = {}


def _read_cached(folder: Path, stamp: tuple) -> Assignment:
    key = (folder, stamp)
    if key not in _CACHE:
        _CACHE[key] = parse(folder, (folder / DECLARATION).read_text(encoding="utf-8"))
    return _CACHE[key]


def parse(folder: Path, text: str) -> Assignment:
    """The declaration `text` of the assignment in `folder`, checked."""
    where = f"{folder.name}/{DECLARATION}"

    def fail(message: str):
        raise DeclarationError(f"{where}: {message}")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        fail(f"not valid TOML: {exc}")
    name = data.get("name", folder.name)
    if name != folder.name:
        fail(f"name {name!r} differs from its folder {folder.name!r}")
    if not NAME.match(name):
        fail(f"the name {name!r} must be lowercase words joined by '-' (e.g. fashion-cnn)")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        fail(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        fail("a title is required (title = \"...\")")
    cells = []
    for i, entry in enumerate(data.get("cells") or [], start=1):
        if not isinstance(entry, dict):
            fail(f"cells[{i}] must be a table ([[cells]])")
        grade_id, points = entry.get("grade_id"), entry.get("points")
        if not isinstance(grade_id, str) or not IDENTIFIER.match(grade_id):
            fail(f"cells[{i}]: grade_id must be an identifier, got {grade_id!r}")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            fail(f"cells[{i}] ({grade_id}): points must be a positive number, got {points!r}")
        covers = entry.get("covers", [])
        if isinstance(covers, str):
            covers = [covers]
        if not all(isinstance(c, str) and IDENTIFIER.match(c) for c in covers):
            fail(f"cells[{i}] ({grade_id}): covers must list names, got {covers!r}")
        extra = sorted(set(entry) - {"grade_id", "points", "covers", "in_place"})
        if extra:
            fail(f"cells[{i}] ({grade_id}): unknown key(s) {', '.join(extra)}")
        in_place = entry.get("in_place", False)
        if not isinstance(in_place, bool):
            fail(f"cells[{i}] ({grade_id}): in_place must be true or false, got {in_place!r}")
        cells.append(GradedCell(grade_id, points, tuple(covers), in_place))
    if not cells:
        fail("no graded cells: add at least one [[cells]] table")
    ids = [c.grade_id for c in cells]
    duplicates = sorted({g for g in ids if ids.count(g) > 1})
    if duplicates:
        fail(f"grade_id(s) declared twice: {', '.join(duplicates)}")
    covered = [n for c in cells for n in c.covers]
    twice = sorted({n for n in covered if covered.count(n) > 1})
    if twice:
        fail(f"covered by two cells: {', '.join(twice)}")
    support = tuple(data.get("support", ()))
    unknown_support = [s for s in support if s not in SUPPORT_MASTERS]
    if unknown_support:
        fail(f"unknown support file(s) {', '.join(unknown_support)} "
             f"(known: {', '.join(SUPPORT_MASTERS)})")
    training = data.get("training_cell") or None
    if training is not None and not (isinstance(training, str) and IDENTIFIER.match(training)):
        fail(f"training_cell must be a cell id, got {training!r}")
    datasets = data.get("datasets", [])
    if isinstance(datasets, str):
        datasets = [datasets]
    return Assignment(
        name=name, folder=folder, title=data["title"].strip(), cells=tuple(cells),
        datasets=tuple(datasets), training_cell=training, support=support,
        thresholds=dict(data.get("thresholds") or {}), model=dict(data.get("model") or {}),
        settings=dict(data.get("settings") or {}),
    )


# ----------------------------------------------------------------------- importing by path

def import_path(path: Path, label: str) -> ModuleType:
    """Import the file at `path` as a module named after its content, so two courses (or
    two versions of one file) never share an entry of sys.modules."""
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    digest = hashlib.sha256(str(path).encode() + path.read_bytes()).hexdigest()[:12]
    module_name = "dlgrade_course." + re.sub(r"\W", "_", label) + "_" + digest
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def support_master(name: str) -> Path:
    """The one master of a support file generated beside the notebooks."""
    return Path(__file__).resolve().parents[1].joinpath(*SUPPORT_MASTERS[name])
