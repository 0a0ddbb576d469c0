"""Every assignment of the course, proven the same way (autograder.validate, in process).

For each folder under assignments/: the declaration, notebook.md and solution.py build
the committed instructor notebook; the notebook's solution gets full marks and passes
its own public asserts; solution.py alone gets full marks on the cells that need
nothing else; every mutant of its catalogue loses points exactly where its entry says,
with messages naming the mistake; deleting a function costs its cell and its callers'
cells only; and a regrade gives identical outcomes. `dlgrade validate` runs the same
judgement through the real grading path.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from autograder import assignments, build
from autograder.mutants import load_catalogue
from assignment_graders import HEAVY, check_mutant, graded_outcomes, mutant_params
from autograder.validate import (InProcessGrader, _student_data, call_graph, judge,
                                 on_the_solution_alone, solution_cells, solution_functions)

ROOT = Path(__file__).resolve().parents[2]
NAMES = assignments.names(ROOT)
HIDDEN_LINE = "# Hidden checks: {} (run by the grader, not in your kernel)"


def assignment(name: str) -> assignments.Assignment:
    return assignments.load(ROOT, name)


def _trains(name: str) -> bool:
    return assignment(name).training_cell is not None


def _params():
    return [pytest.param(n, id=n, marks=[pytest.mark.slow] if _trains(n) else []) for n in NAMES]




# --------------------------------------------------------------------------- the folder

@pytest.mark.parametrize("name", NAMES)
def test_the_committed_notebook_is_built_from_the_folder(name):
    a = assignment(name)
    path = build.source_folder(a) / f"{name}.ipynb"
    assert build.render(a) == path.read_text(encoding="utf-8"), (
        f"{path.relative_to(ROOT)} is stale: run `dlgrade build {name}`")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_cells_match_the_declaration(name):
    a = assignment(name)
    nb = json.loads((build.source_folder(a) / f"{name}.ipynb").read_text())
    assert (nb["nbformat"], nb["metadata"]["kernelspec"]["name"]) == (4, "python3")
    graded = [c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade"]]
    assert [(c["metadata"]["nbgrader"]["grade_id"], c["metadata"]["nbgrader"]["points"])
            for c in graded] == list(a.points.items())
    for cell in nb["cells"]:
        meta, source = cell["metadata"]["nbgrader"], "".join(cell["source"])
        if meta["grade"]:
            assert cell["cell_type"] == "code" and meta["locked"] and not meta["solution"]
            lines = source.splitlines()
            assert lines[-1] == HIDDEN_LINE.format(meta["grade_id"])
            assert "HIDDEN TESTS" not in source and "autograder" not in source and "reference" not in source
            assert any(line.startswith("assert ") for line in lines), "public asserts come first"
        elif meta["solution"]:
            assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
    if a.training_cell:
        train = next(c for c in nb["cells"] if c["id"] == a.training_cell)
        assert train["metadata"]["nbgrader"]["solution"] and not train["metadata"]["nbgrader"]["grade"]


@pytest.mark.parametrize("name", NAMES)
def test_every_function_of_the_solution_is_graded_by_a_declared_cell(name):
    a = assignment(name)
    functions = set(solution_functions(a))
    assert functions <= set(a.covered), f"not covered by any cell: {sorted(functions - set(a.covered))}"
    # everything a cell covers exists: in solution.py, or made by a cell of the notebook
    nb = build.notebook(a)
    made = set(a.solution_namespace()) | {c.get("id") for c in nb.cells} | _assigned_names(nb)
    assert set(a.covered) <= made, set(a.covered) - made


def _assigned_names(nb) -> set[str]:
    """Names the notebook's code cells assign (`model`, `generator`): checks may cover them."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # a cell of IPython magics: it assigns nothing checks cover
            continue
        found |= {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name)}
    return found


@pytest.mark.parametrize("name", NAMES)
def test_the_catalogue_covers_every_cell(name):
    a = assignment(name)
    catalogue = load_catalogue(a)
    assert len(catalogue.mutants) >= 8
    losing = {cell for m in catalogue.mutants for cell in catalogue.loses(m)}
    assert losing == set(a.grade_ids), f"no mutant loses points on {set(a.grade_ids) - losing}"
    for mutant in catalogue.mutants:
        assert set(catalogue.loses(mutant)).isdisjoint(mutant.keeps), mutant.name


# --------------------------------------------------------------------------- full marks

@pytest.mark.parametrize("name", _params())
def test_the_notebook_solution_gets_full_marks_and_passes_its_public_asserts(name, grader):
    g = grader(name)
    reference = g.reference()
    failed = [(o.name, o.message) for o in reference.outcomes if not o.passed]
    assert not failed, failed
    assert reference.scores == {cell: 1.0 for cell in g.assignment.grade_ids}
    assert tuple(dict.fromkeys(o.grade_id for o in reference.outcomes)) == g.assignment.grade_ids, \
        "checks in notebook order"
    assert all(sum(o.grade_id == cell for o in reference.outcomes) >= 2
               for cell in g.assignment.grade_ids), "every cell has several checks"
    if g.assignment.training_cell:
        assert [b["cell"] for b in reference.budgets] == [g.assignment.training_cell]
        assert reference.budgets[0]["passed"]
        assert reference.budgets[0]["reference_seconds"] == g.reference_seconds
        assert reference.flags == []  # trained in its own cell: nothing for the instructor to look at
    namespace, _ = g._reference_run
    with _student_data(g.root, g.assignment):  # as in the student's kernel: course_data works
        for cell in build.notebook(g.assignment).cells:  # what a student runs to self-check
            if cell.metadata.get("nbgrader", {}).get("grade"):
                exec(compile(cell.source, f"<cell {cell.get('id')}>", "exec"), namespace)


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_module_gets_full_marks(name, grader):
    g = grader(name)
    solution = g.solution()
    assert solution.scores == {cell: 1.0 for cell in solution_cells(g.assignment)}, \
        [o.message for o in solution.outcomes if not o.passed]


# --------------------------------------------------------------------------- known mistakes

@pytest.mark.parametrize("name, mutant", mutant_params(n for n in NAMES if n not in HEAVY))
def test_mutant_loses_points_where_its_entry_says(name, mutant, grader):
    check_mutant(grader(name), mutant)


def test_every_heavy_assignment_exists():  # test_assignments_heavy.py proves their mutants
    assert set(HEAVY) <= set(NAMES)


def _deletions():
    return [pytest.param(name, function, id=f"{name}-{function}")
            for name in NAMES for function in assignment(name).covered
            if function in assignment(name).solution_namespace()
            and assignment(name).cell_of(function) in solution_cells(assignment(name))]


@pytest.mark.parametrize("name, deleted", _deletions())
def test_a_deleted_function_costs_its_cell_and_its_callers_only(name, deleted, grader):
    from autograder.checks.runner import run_checks, score_groups
    from autograder.validate import reached_cells

    g = grader(name)
    a = g.assignment
    namespace = a.solution_namespace()
    namespace.pop(deleted)
    reached = reached_cells(a, deleted)
    cell = a.cell_of(deleted)
    outcomes = [o for o in run_checks(a, g.student(namespace), grade_id=None if len(reached) > 1 else cell)
                if o.grade_id in solution_cells(a)]
    scores = score_groups(outcomes)
    alone = set(a.cells[a.grade_ids.index(cell)].covers) == {deleted}
    assert scores[cell] == 0.0 if alone else scores[cell] < 1.0
    for o in outcomes:
        if not o.passed and o.grade_id == cell:
            assert "not defined" in o.message, o.message  # its own, or a helper's NameError
    for other, score in scores.items():
        if other in reached - {cell}:
            assert score < 1.0
            assert all("not defined" in o.message for o in outcomes if o.grade_id == other and not o.passed)
        elif other != cell:
            assert score == 1.0, f"deleting {deleted} should not cost points on {other}"


@pytest.mark.parametrize("name", [n for n in NAMES if solution_cells(assignment(n))])
def test_a_regrade_gives_identical_outcomes(name, grader):
    # a mutant that passes some checks and fails others, each failure shrunk by Hypothesis; its
    # first grading is its mutant test's, when that ran in this process
    g = grader(name)
    mixed = lambda outcomes: any(o.passed for o in outcomes) and any(not o.passed for o in outcomes)  # noqa: E731
    graded = ((m, graded_outcomes(g, m)) for m in g.catalogue.mutants if g.fast(m))
    mutant, first = next((m, outcomes) for m, outcomes in graded if mixed(outcomes))
    again = g.grade(mutant).outcomes
    strip = lambda outcomes: [(o.grade_id, o.name, o.weight, o.passed, o.message) for o in outcomes]  # noqa: E731
    assert strip(first) == strip(again)


def test_the_call_graph_is_read_from_the_solution():
    graph = call_graph(assignment("conv-pooling"))
    assert graph["conv2d"] == ("output_size", "zero_pad")
    assert graph["output_size"] == ()
    graph = call_graph(assignment("ann-basics"))
    assert set(graph["gradient_step"]) >= {"sigmoid", "sigmoid_derivative", "mse"}


def test_judge_reports_what_departs_from_the_entry():
    from autograder.mutants import Catalogue, Mutant, OWN
    from autograder.validate import Graded

    a = assignment("conv-pooling")
    catalogue = Catalogue(a, [])
    mutant = Mutant("m", {"output_size": "x"}, {OWN: ("ceil",)}, keeps=("test_zero_pad",), exact=True)
    graded = Graded("m", {"test_output_size": 0.5, "test_zero_pad": 0.0, "test_conv2d": 1.0},
                    {"test_output_size": ["rounded down"], "test_zero_pad": ["boom"]})
    problems = judge(catalogue, mutant, graded, reached={"test_output_size", "test_conv2d"})
    assert problems == ["test_output_size: the feedback does not say ['ceil']",
                        "loses points on test_zero_pad, which must keep full marks (boom)"]
    graded.scores["test_output_size"] = 1.0
    assert "keeps full marks on test_output_size" in judge(catalogue, mutant, graded)
