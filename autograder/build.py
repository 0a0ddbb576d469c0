"""Build an assignment's instructor notebook from its folder: declaration + text + solution.

`notebook.md` is Markdown with the notebook's cells in it, rendered first as a Jinja
template (the declaration's numbers: `{{ points.test_conv2d }}`, `{{ total }}`,
`{{ thresholds.real.target | percent }}`, `{{ assignment.title }}`):

    +++ explain_output_size          a Markdown cell starts; its id follows the +++
    ## 1. The output size            (the first cell may leave the line out: id "intro")

    ```python code setup             a locked code cell that runs in the student's kernel
    import numpy as np
    ```

    ```python solution output_size   the answer cell: `output_size` copied verbatim from
    ```                              solution.py, markers included (an empty block), or
                                     the block's own text (it holds the markers)

    ```python tests test_output_size the graded test cell: its public asserts; the points
    assert output_size(28, 5) == 24  come from the declaration, and the line naming the
    ```                              hidden checks is added

Any other fenced block (```python without a kind, ```text) is part of the Markdown.
The output is reproducible: cell ids and metadata are fixed, so `dlgrade build --check`
can tell a stale notebook byte for byte. Support files (course_data.py) are written
beside the notebook from their one master.
"""
from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import nbformat

from autograder.assignments import Assignment, DeclarationError, support_master

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN = "# Hidden checks: {grade_id} (run by the grader, not in your kernel)"
KINDS = ("code", "solution", "tests")
CELL_FENCE = re.compile(r"^```python[ \t]+(" + "|".join(KINDS) + r")\b[ \t]*(.*?)[ \t]*$")
OTHER_FENCE = re.compile(r"^(`{3,}|~{3,})")
MARKDOWN_BREAK = re.compile(r"^\+\+\+[ \t]*(\S*)[ \t]*$")
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class CellText:
    kind: str        # "markdown" | "code" | "solution" | "tests"
    cell_id: str
    text: str
    line: int        # where it starts in notebook.md, for error messages


class NotebookTextError(DeclarationError):
    pass


# --------------------------------------------------------------------------- parsing

def parse_cells(text: str, where: str = "notebook.md") -> list[CellText]:
    """The cells of a rendered notebook.md, in order."""
    lines = text.split("\n")
    cells: list[CellText] = []
    markdown: list[str] = []
    markdown_id, markdown_line = None, 1
    i = 0

    def fail(line: int, message: str):
        raise NotebookTextError(f"{where}, line {line}: {message}")

    def flush_markdown():
        nonlocal markdown, markdown_id
        while markdown and not markdown[0].strip():
            markdown.pop(0)
        while markdown and not markdown[-1].strip():
            markdown.pop()
        if markdown:
            cell_id = markdown_id or ("intro" if not cells else None)
            if cell_id is None:
                fail(markdown_line, "Markdown after a code cell needs its own '+++ cell_id' line")
            cells.append(CellText("markdown", cell_id, "\n".join(markdown), markdown_line))
        elif markdown_id is not None:
            fail(markdown_line, f"the Markdown cell {markdown_id} is empty")
        markdown, markdown_id = [], None

    while i < len(lines):
        line = lines[i]
        opened = CELL_FENCE.match(line)
        broken = MARKDOWN_BREAK.match(line)
        if broken:
            flush_markdown()
            if not ID.match(broken.group(1)):
                fail(i + 1, "'+++' must be followed by the cell's id (letters, digits, _)")
            markdown_id, markdown_line = broken.group(1), i + 1
        elif opened:
            flush_markdown()
            kind, rest = opened.groups()
            words = rest.split()
            if len(words) != 1 or not ID.match(words[0]):
                fail(i + 1, f"```python {kind} needs exactly one id after it, got {rest!r}")
            start, i = i + 1, i + 1
            while i < len(lines) and lines[i] != "```":
                i += 1
            if i == len(lines):
                fail(start, f"the {kind} cell {words[0]} is never closed with ```")
            cells.append(CellText(kind, words[0], "\n".join(lines[start:i]), start))
            markdown_line = i + 2
        else:
            fence = OTHER_FENCE.match(line)
            if not markdown and not markdown_id:
                markdown_line = i + 1
            markdown.append(line)
            if fence:  # a code block shown in the Markdown: copied whole, never parsed
                closing = re.compile(rf"^{re.escape(fence.group(1))}{fence.group(1)[0]}*[ \t]*$")
                i += 1
                while i < len(lines) and not closing.match(lines[i]):
                    markdown.append(lines[i])
                    i += 1
                if i < len(lines):
                    markdown.append(lines[i])
        i += 1
    flush_markdown()
    seen: dict[str, int] = {}
    for cell in cells:
        if cell.cell_id in seen:
            fail(cell.line, f"cell id {cell.cell_id} is used twice (first on line {seen[cell.cell_id]})")
        seen[cell.cell_id] = cell.line
    return cells


# --------------------------------------------------------------------------- the solution

def solution_source(source: str, name: str, where: str = "solution.py") -> str:
    """Function `name` (as inspect.getsource gives it) or the assignment `name = ...`
    between the solution markers, from the source text of a solution module."""
    lines = source.splitlines(keepends=True)
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            text = "".join(inspect.getblock(lines[first:])).rstrip("\n")
            break
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            first, last = node.lineno - 1, node.end_lineno
            if first < 1 or lines[first - 1].strip() != BEGIN or last >= len(lines) \
                    or lines[last].strip() != END:
                raise NotebookTextError(f"{where}: {name} must sit between {BEGIN} and {END}")
            text = "".join(lines[first - 1:last + 1]).rstrip("\n")
            break
    else:
        raise NotebookTextError(f"{where} defines no function or variable {name!r}")
    if BEGIN not in text or END not in text:
        raise NotebookTextError(f"{where}: {name} has no {BEGIN} / {END} block")
    return text


# --------------------------------------------------------------------------- the notebook

def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _percent(value: float) -> str:
    return f"{value:.0%}" if round(value * 100) == value * 100 else f"{value:.1%}"


def template_context(assignment: Assignment) -> dict:
    points = {g: _number(p) for g, p in assignment.points.items()}
    return {"assignment": assignment, "points": points, "total": _number(assignment.total_points),
            "thresholds": assignment.thresholds, "model": assignment.model,
            "settings": assignment.settings}


def _number(value: float):
    return int(value) if float(value).is_integer() else value


def render_text(assignment: Assignment) -> str:
    """notebook.md with the declaration's values filled in."""
    path = assignment.notebook_text_path
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False, comment_start_string="{#!", comment_end_string="!#}")
    env.filters["percent"] = _percent
    try:
        return env.from_string(path.read_text(encoding="utf-8")).render(template_context(assignment))
    except jinja2.TemplateError as exc:
        line = f", line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise NotebookTextError(f"{assignment.name}/{path.name}{line}: {exc}") from None


def notebook(assignment: Assignment) -> nbformat.NotebookNode:
    """The instructor notebook of `assignment` (nbgrader metadata included)."""
    where = f"{assignment.name}/{assignment.notebook_text_path.name}"
    texts = parse_cells(render_text(assignment), where)
    declared = assignment.points
    solution = assignment.solution_source if assignment.solution_path.is_file() else ""
    cells = []
    for text in texts:
        if text.kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(text.text, metadata=_nbgrader(text.cell_id, locked=True))
        elif text.kind == "code":
            cell = nbformat.v4.new_code_cell(text.text, metadata=_nbgrader(text.cell_id, locked=True))
        elif text.kind == "solution":
            source = text.text if text.text.strip() else solution_source(
                solution, text.cell_id, f"{assignment.name}/solution.py")
            if BEGIN not in source or END not in source:
                raise NotebookTextError(f"{where}, line {text.line}: the solution cell "
                                        f"{text.cell_id} has no {BEGIN} / {END} block")
            cell = nbformat.v4.new_code_cell(source, metadata=_nbgrader(text.cell_id, solution=True))
        else:
            if text.cell_id not in declared:
                raise NotebookTextError(f"{where}, line {text.line}: test cell {text.cell_id} is "
                                        f"not declared in assignment.toml (declared: "
                                        f"{', '.join(declared)})")
            source = (text.text + "\n" if text.text.strip() else "") + HIDDEN.format(grade_id=text.cell_id)
            cell = nbformat.v4.new_code_cell(source, metadata=_nbgrader(
                text.cell_id, grade=True, locked=True, points=_number(declared[text.cell_id])))
        cell["id"] = text.cell_id
        cells.append(cell)
    tests = [t.cell_id for t in texts if t.kind == "tests"]
    if tests != list(declared):
        missing = [g for g in declared if g not in tests]
        raise NotebookTextError(
            f"{where}: the test cells must be the declared ones, in the same order: "
            + (f"missing {', '.join(missing)}" if missing else
               f"found {', '.join(tests)}, declared {', '.join(declared)}"))
    kinds = {t.cell_id: t.kind for t in texts}
    if assignment.training_cell and kinds.get(assignment.training_cell) != "solution":
        raise NotebookTextError(f"{where}: the training cell {assignment.training_cell} must be "
                                "a solution cell (```python solution ...)")
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


def render(assignment: Assignment) -> str:
    """The notebook's file content, exactly as written to disk."""
    text = nbformat.writes(notebook(assignment), version=4)
    return text if text.endswith("\n") else text + "\n"


def source_folder(assignment: Assignment) -> Path:
    return assignment.root / "source" / assignment.name


def outputs(assignment: Assignment) -> dict[Path, str]:
    """{path: content} of everything `dlgrade build` writes for the assignment."""
    folder = source_folder(assignment)
    files = {folder / f"{assignment.name}.ipynb": render(assignment)}
    for name in assignment.support:
        files[folder / name] = support_master(name).read_text(encoding="utf-8")
    return files


def stale(assignment: Assignment) -> list[Path]:
    """The built files that differ from what the folder builds (or are missing)."""
    return [path for path, text in outputs(assignment).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def build(assignment: Assignment) -> list[Path]:
    """Write the instructor notebook and support files; the paths that changed."""
    changed = []
    for path, text in outputs(assignment).items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    return changed


def ensure_support(assignment: Assignment) -> None:
    """Support files are generated (not committed): write any that is missing or stale,
    in source/ and, when the assignment was released, in release/."""
    for name in assignment.support:
        text = support_master(name).read_text(encoding="utf-8")
        for step in ("source", "release"):
            folder = assignment.root / step / assignment.name
            if step == "release" and not folder.is_dir():
                continue
            path = folder / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
