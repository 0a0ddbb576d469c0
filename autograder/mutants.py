"""Known-wrong answers: the mistakes students make, written as they would write them.

An assignment's mutants.py lists them in MUTANTS. One type serves every kind of
assignment: a mutant replaces functions or variables of the solution (with a Python
function written as the student would, a value, or source text), or whole cells of
the notebook (by cell id, with source text), and states what the grader must do
with it: which cells lose points, with which words in their messages, and which
keep full marks. `dlgrade validate` and the project's tests prove every catalogue
with the same code (autograder.validate).
"""
from __future__ import annotations

import ast
import inspect
import re
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

OWN = "<own cell>"  # in `loses`: the cell that covers the first name the mutant replaces


@dataclass(frozen=True)
class Mutant:
    """A known-wrong submission.

    name:     the mistake, as an identifier (e.g. output_size_ceil)
    replaces: {name or cell id: replacement}. A name the solution defines gets a
              Python function (its source becomes the cell), a value, or source text;
              a cell id gets the cell's new source text, `Timed(make)` where
              make(reference seconds) gives it (a mutant that sleeps past the budget),
              `Appended(text)`: the solution's cell with `text` after it, or
              `Edited(pattern, new)`: the solution's cell with `pattern` replaced
    loses:    {grade_id or OWN: words its failure messages must all contain}: the
              cells that must lose points
    keeps:    cells that must keep full marks
    exact:    every other cell the mistake can reach keeps full marks too (a
              function's mistake costs points only where the function is used)
    """

    name: str
    replaces: Mapping[str, Any]
    loses: Mapping[str, tuple[str, ...]]
    keeps: tuple[str, ...] = ()
    exact: bool = False

    def __post_init__(self):
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", self.name):
            raise ValueError(f"a mutant's name is an identifier, got {self.name!r}")
        if not self.replaces:
            raise ValueError(f"mutant {self.name} replaces nothing")
        if not self.loses:
            raise ValueError(f"mutant {self.name} names no cell that must lose points")

    @property
    def first(self) -> str:
        return next(iter(self.replaces))


def function_mutant(name: str, replaces: str, impl: Any, symptoms: tuple[str, ...] = (),
                    also_loses: tuple[str, ...] = ()) -> Mutant:
    """A mistake in one function (or variable): its own cell loses points with `symptoms` in
    the messages, `also_loses` (the cells of functions that call it) lose points too, and
    every other cell it reaches keeps full marks."""
    loses = {OWN: tuple(symptoms), **{cell: () for cell in also_loses}}
    return Mutant(name, {replaces: impl}, loses, exact=True)


@dataclass(frozen=True)
class Timed:
    """A cell's source that depends on the reference's training time on this machine."""

    make: Callable[[float], str]


@dataclass(frozen=True)
class Appended:
    """Code a student added after the solution's own in a cell (work moved out of its cell)."""

    text: str


@dataclass(frozen=True)
class Edited:
    """The solution's cell with every match of `pattern` (a regular expression, which must
    match) replaced by `new`."""

    pattern: str
    new: str


# --------------------------------------------------------------------------- as source

def solution_function(solution: str, name: str) -> str:
    """solution.py's (text) function `name` as a student's cell: its docstring and the
    solution markers gone."""
    found = re.search(rf"^def {name}\(.*?(?=^def |\Z)", solution, flags=re.S | re.M).group(0)
    found = re.sub(r'    """.*?"""\n', "", found, count=1, flags=re.S)
    return re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", found, flags=re.M).rstrip() + "\n"


def edited_function(solution: str, name: str, old: str, new: str) -> dict[str, str]:
    """{name: solution_function with `old` replaced by `new`}; `old` must be there."""
    text = solution_function(solution, name)
    if old not in text:
        raise ValueError(f"{name}: {old!r} is not in the solution")
    return {name: text.replace(old, new)}


def replacement_source(name: str, replacement: Any, reference_seconds: float | None = None,
                       provided: frozenset[str] = frozenset(), original: str = "") -> str:
    """The cell a student would hand in for `name` replaced by `replacement`; `provided`: the
    names the rest of the notebook defines (the student's own functions); `original`: the
    cell's solution source."""
    if isinstance(replacement, str):
        return replacement
    if isinstance(replacement, Appended):
        return original.rstrip("\n") + "\n" + replacement.text
    if isinstance(replacement, Edited):
        edited, count = re.subn(replacement.pattern, replacement.new, original)
        if not count:
            raise ValueError(f"{name}: {replacement.pattern!r} matches nothing in the solution's cell")
        return edited
    if isinstance(replacement, Timed):
        if reference_seconds is None:
            raise ValueError(f"{name}: a timed replacement needs the reference's training time")
        return replacement.make(reference_seconds)
    if isinstance(replacement, types.FunctionType):
        return function_source(replacement, name, provided)
    return f"{name} = {replacement!r}\n"


def function_source(impl: types.FunctionType, name: str, provided: frozenset[str] = frozenset()) -> str:
    """`impl` as the cell defining `name`: the imports and module-level helpers it uses (from
    the module that wrote it; not the `provided` names, which the notebook defines), then
    the function itself, renamed `name`."""
    module = inspect.getmodule(impl)
    source = inspect.getsource(module)
    tree = ast.parse(source)
    lines = source.splitlines()
    bound = _bindings(tree, lines)
    needed: list[str] = []
    seen: set[str] = {impl.__name__}

    def visit(code: types.CodeType):
        for word in _names(code):
            if word in seen or word not in bound or word in provided:
                continue
            seen.add(word)
            kind, text = bound[word]
            value = getattr(module, word, None)
            if kind == "def":
                visit(value.__code__)
            needed.append(text)

    visit(impl.__code__)
    own = inspect.getsource(impl)
    own = re.sub(rf"^(\s*)def\s+{re.escape(impl.__name__)}\b", rf"\1def {name}", own, count=1,
                 flags=re.M)
    imports = sorted({t for t in needed if t.startswith(("import ", "from "))})
    helpers = [t for t in needed if not t.startswith(("import ", "from "))]
    parts = imports + [""] * bool(imports) + [h + "\n" for h in helpers] + [own]
    return "\n".join(parts).rstrip("\n") + "\n"


def _names(code: types.CodeType) -> list[str]:
    found = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found += _names(const)
    return found


def _bindings(tree: ast.Module, lines: list[str]) -> dict[str, tuple[str, str]]:
    """Each module-level name -> (kind, the statement that binds it)."""
    bound: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = "\n".join(lines[first - 1:node.end_lineno])
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                single = ast.unparse(type(node)(**{**node.__dict__, "names": [alias]}))
                bound[local] = ("from" if isinstance(node, ast.ImportFrom) else "import", single)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound[node.name] = ("def", text)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        bound[leaf.id] = ("value", text)
    return bound


# --------------------------------------------------------------------------- the catalogue

@dataclass
class Catalogue:
    """An assignment's MUTANTS, with the cell each mutant's own mistake lands in resolved."""

    assignment: Any
    mutants: list[Mutant] = field(default_factory=list)

    def loses(self, mutant: Mutant) -> dict[str, tuple[str, ...]]:
        """{grade_id: words}, OWN resolved to the cell covering what the mutant replaces."""
        resolved: dict[str, tuple[str, ...]] = {}
        for cell, words in mutant.loses.items():
            if cell == OWN:
                cell = self.assignment.cell_of(mutant.first)
                if cell is None:
                    raise ValueError(f"mutant {mutant.name}: no declared cell covers "
                                     f"{mutant.first} (add it to a cell's covers)")
            resolved[cell] = tuple(resolved.get(cell, ())) + tuple(words)
        return resolved


def load_catalogue(assignment) -> Catalogue:
    """The mutants of `assignment` (its folder's mutants.py), checked."""
    if not assignment.mutants_path.is_file():
        return Catalogue(assignment, [])
    module = assignment.module("mutants.py")
    mutants = list(getattr(module, "MUTANTS", []))
    bad = [m for m in mutants if not isinstance(m, Mutant)]
    if bad:
        raise ValueError(f"{assignment.name}/mutants.py: MUTANTS holds {type(bad[0]).__name__}, "
                         "not autograder.mutants.Mutant")
    names = [m.name for m in mutants]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{assignment.name}/mutants.py: mutant names used twice: {', '.join(twice)}")
    catalogue = Catalogue(assignment, mutants)
    known = set(assignment.grade_ids)
    for mutant in mutants:
        cells = set(catalogue.loses(mutant)) | set(mutant.keeps)
        unknown = sorted(cells - known)
        if unknown:
            raise ValueError(f"{assignment.name}/mutants.py: mutant {mutant.name} names cells "
                             f"that are not declared: {', '.join(unknown)}")
    return catalogue

