"""Prove an assignment's hidden checks: the solution gets full marks, every mutant loses.

Two ways to grade each submission, judged alike:

- `RealGrader` (what `dlgrade validate` runs by default): the reference notebook and
  one notebook per mutant go into a temporary course's submitted/ folder and are
  graded by `dlgrade grade`'s own path: nbgrader, sandboxed kernels, the checks
  through the bridge, results.json.
- `InProcessGrader` (`--in-process`, and the project's tests): the notebook's cells
  run in this process and the checks reach them through a LocalStudent. A mutant
  that replaces only the solution's functions, and speaks only of the cells that
  grade them, is graded on the solution's namespace (no notebook run, only the cells
  its mistake can reach); any other runs the notebook, data and training included.

`judge` compares a graded mutant with what its catalogue entry states.
"""
from __future__ import annotations

import builtins
import contextlib
import io
import os
import symtable
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import nbformat

from autograder import build, datasets, timing, trained_state
from autograder.assignments import Assignment, support_master
from autograder.kernel.bridge import training_steps
from autograder.mutants import Catalogue, Mutant, Timed, load_catalogue, replacement_source

REFERENCE = "reference"


# --------------------------------------------------------------------------- the solution's shape

def solution_functions(assignment: Assignment) -> dict[str, types.FunctionType]:
    """The functions solution.py defines (not those it imports)."""
    namespace = assignment.solution_namespace()
    return {name: value for name, value in namespace.items()
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace}


def global_names(assignment: Assignment) -> dict[str, set[str]]:
    """Each top-level function of solution.py -> the global names its code reads (nested
    functions and comprehensions included; attributes and locals not)."""
    table = symtable.symtable(assignment.solution_source, str(assignment.solution_path), "exec")
    return {scope.get_name(): trained_state.global_reads(scope) for scope in table.get_children()
            if scope.get_type() == "function"}


def call_graph(assignment: Assignment) -> dict[str, tuple[str, ...]]:
    """Each function of the solution -> the solution's functions it calls (read from its code)."""
    functions = set(solution_functions(assignment))
    reads = global_names(assignment)
    return {name: tuple(sorted(reads.get(name, set()) & functions - {name})) for name in functions}


def reached_cells(assignment: Assignment, name: str) -> set[str]:
    """The cells a mistake in `name` can cost: its own and those of its callers (transitively)."""
    calls = call_graph(assignment)
    found, frontier = set(), {name}
    while frontier:
        frontier = {f for f, called in calls.items() if set(called) & frontier} - found
        found |= frontier
    cells = {assignment.cell_of(n) for n in found | {name}}
    return {c for c in cells if c is not None}


def mutant_reach(assignment: Assignment, mutant: Mutant) -> set[str]:
    """The cells a mutant's mistakes can cost: those of everything it replaces, and their callers'."""
    found: set[str] = set()
    for name in mutant.replaces:
        found |= reached_cells(assignment, name)
    return found


def solution_cells(assignment: Assignment) -> tuple[str, ...]:
    """The cells whose checks need only solution.py: what they cover is defined there and
    reads nothing the notebook's other cells make (no data loaded, nothing trained)."""
    defined = set(assignment.solution_namespace()) | set(dir(builtins))
    reads, calls = global_names(assignment), call_graph(assignment)

    def self_contained(name: str, seen: set[str]) -> bool:
        if name in seen:
            return True
        seen.add(name)
        return reads.get(name, set()) <= defined and all(
            self_contained(callee, seen) for callee in calls.get(name, ()))

    return tuple(c.grade_id for c in assignment.cells
                 if c.covers and set(c.covers) <= defined
                 and all(self_contained(name, set()) for name in c.covers))


def on_the_solution_alone(catalogue: Catalogue, mutant: Mutant) -> bool:
    """Whether a mutant can be graded on the solution's namespace, without running the
    notebook: it replaces only what solution.py defines, and speaks only of cells that
    need nothing else."""
    assignment = catalogue.assignment
    defined = assignment.solution_namespace()
    claims = set(catalogue.loses(mutant)) | set(mutant.keeps)
    return all(name in defined for name in mutant.replaces) and claims <= set(solution_cells(assignment))


# --------------------------------------------------------------------------- a graded submission

@dataclass
class Graded:
    """One graded submission: per cell its fraction of points and its failure messages."""

    label: str
    scores: dict[str, float]
    messages: dict[str, list[str]] = field(default_factory=dict)
    reason: str | None = None        # why it could not be graded at all
    points: dict[str, float] = field(default_factory=dict)
    outcomes: list = field(default_factory=list)
    budgets: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    seconds: float = 0.0
    measured: dict = field(default_factory=dict)  # what the checks measured (accuracy, errors)
    resumed: bool = False  # in process: its run took up the reference's state after training

    def lost(self, points: dict[str, float]) -> float:
        return round(sum(points[c] * (1 - s) for c, s in self.scores.items() if c in points), 4)

    def first_message(self, cells: Iterable[str] | None = None) -> str:
        from autograder.text import headline

        for cell in cells or self.scores:
            for message in self.messages.get(cell, []):
                if message:
                    return headline(message)
        return self.reason or ""


@dataclass
class Verdict:
    mutant: Mutant
    graded: Graded
    problems: list[str]
    lost: float

    @property
    def killed(self) -> bool:
        return any(score < 1.0 for score in self.graded.scores.values())

    @property
    def proven(self) -> bool:
        return not self.problems


def judge(catalogue: Catalogue, mutant: Mutant, graded: Graded, reached: set[str] | None = None) -> list[str]:
    """Where the grading of `mutant` departs from what its catalogue entry states."""
    problems = []
    if graded.reason:
        problems.append(f"could not be graded: {graded.reason}")
    loses = catalogue.loses(mutant)
    for cell, words in loses.items():
        if cell not in graded.scores:
            problems.append(f"{cell} was not graded")
            continue
        if graded.scores[cell] >= 1.0:
            problems.append(f"keeps full marks on {cell}")
            continue
        text = "\n".join(graded.messages.get(cell, []))
        missing = [w for w in words if w not in text]
        if missing:
            problems.append(f"{cell}: the feedback does not say {missing}")
    keeps = set(mutant.keeps)
    if mutant.exact and reached is not None:
        keeps |= reached - set(loses)
    for cell in sorted(keeps):
        if graded.scores.get(cell, 1.0) < 1.0:
            said = graded.first_message([cell])
            problems.append(f"loses points on {cell}, which must keep full marks ({said})")
    return problems


def _graded_from_outcomes(label: str, outcomes, cells: Iterable[str]) -> Graded:
    from autograder.checks.runner import score_groups

    cells = list(cells)
    scores = score_groups([o for o in outcomes if o.grade_id in cells])
    messages: dict[str, list[str]] = {}
    for o in outcomes:
        if not o.passed:
            messages.setdefault(o.grade_id, []).append(o.message or "")
    return Graded(label, scores, messages, outcomes=list(outcomes))


# --------------------------------------------------------------------------- notebooks

def kernel_cells(nb) -> list:
    """The cells that run in the student's kernel: test cells never do (as in the executor)."""
    from nbgrader import utils

    return [c for c in nb.cells
            if c.cell_type == "code" and not (utils.is_grade(c) and not utils.is_solution(c))]


def mutated_notebook(assignment: Assignment, mutant: Mutant | list[Mutant] | None,
                     reference_seconds: float | None = None, nb=None) -> nbformat.NotebookNode:
    """The instructor notebook with the mutant's cells (or several mutants') in place of the
    solution's: what a student making those mistakes hands in."""
    nb = nbformat.from_dict(nb if nb is not None else build.notebook(assignment))
    mutants = [] if mutant is None else [mutant] if isinstance(mutant, Mutant) else list(mutant)
    by_id = {cell.get("id"): cell for cell in nb.cells}
    provided = frozenset(assignment.solution_namespace())
    for each in mutants:
        for name, replacement in each.replaces.items():
            cell = by_id.get(name)
            if cell is None or cell.cell_type != "code":
                raise ValueError(f"mutant {each.name} replaces {name}, which is no code cell of "
                                 f"the notebook (cells: {', '.join(c.get('id') for c in nb.cells)})")
            cell.source = replacement_source(name, replacement, reference_seconds, provided - {name},
                                             original=cell.source)
    return nb


@contextlib.contextmanager
def _student_data(root: Path, assignment: Assignment):
    """course_data.py importable and the prepared data visible, as in a kernel."""
    from autograder.kernel import course_data

    folders = datasets.prepare(root, assignment.datasets)
    previous = os.environ.get(course_data.DATA_DIRS_VARIABLE)
    os.environ[course_data.DATA_DIRS_VARIABLE] = os.pathsep.join(folders)
    paths = sorted({str(support_master(name).parent) for name in assignment.support})
    sys.path[:0] = paths
    try:
        yield
    finally:
        for path in paths:
            sys.path.remove(path)
        if previous is None:
            os.environ.pop(course_data.DATA_DIRS_VARIABLE, None)
        else:
            os.environ[course_data.DATA_DIRS_VARIABLE] = previous


def run_in_process(nb, root: Path, assignment: Assignment, at_cell=None, keep=None,
                   resume: tuple | None = None) -> tuple[dict, timing.CellTimes]:
    """Run the notebook's kernel cells here, as the executor runs them in a kernel: every cell,
    a failing one recorded and passed over. (namespace, the wall and CPU seconds of each cell
    that ran cleanly: this process's CPU, every thread, as a kernel's cgroup counts it).
    `keep(i, namespace, times)` is called after kernel cell i; `resume` = (i, namespace, times,
    cells above to run again) starts below kernel cell i from a kept state instead."""
    namespace: dict = {"__name__": "notebook"}
    times = timing.CellTimes()
    times.cpu_total = 0.0
    after, again = -1, set()
    if resume is not None:
        after, namespace, times, again = resume
    output = io.StringIO()  # what the cells print is the notebook's, not this process's
    in_place = {c.grade_id for c in assignment.cells if c.in_place} if at_cell else set()
    kernel = {id(cell): i for i, cell in enumerate(kernel_cells(nb))}
    with _student_data(root, assignment), contextlib.redirect_stdout(output), \
            contextlib.redirect_stderr(output):
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            index = kernel.get(id(cell))
            if index is None:
                if grade_id in in_place:  # graded here, on the state the cells above left
                    at_cell(grade_id, namespace, times.copy())
                continue
            if index <= after and index not in again:
                continue
            start, cpu = time.perf_counter(), time.process_time()
            try:
                exec(compile(cell.source, f"<cell {cell.get('id')}>", "exec"), namespace)
                failed = False
            except Exception:  # noqa: BLE001 - a failing cell fails in the kernel too
                failed = True
            wall, used = time.perf_counter() - start, time.process_time() - cpu
            times.wall_total += wall
            times.cpu_total += used
            if not failed:
                key = cell.metadata.get("nbgrader", {}).get("grade_id", cell.get("id"))
                times[key], times.cpu[key] = wall, used
            if keep is not None:
                keep(index, namespace, times)
    return namespace, times


def write_calibration(root: Path, assignment: Assignment, cell: str, times: timing.CellTimes,
                      steps: int | None = None) -> None:
    """One in-process run of the reference's notebook, stored as its training cell's calibration
    (`steps`: the training steps its trained model counted)."""
    timing.save(root, timing.calibration_of(assignment.name, cell, [times], 0.0, steps=steps))


# --------------------------------------------------------------------------- in process

class InProcessGrader:
    """Grade the reference and the mutants in this process, in `root` (a scratch course
    directory holding the prepared data and the reference's timing)."""

    def __init__(self, assignment: Assignment, root: Path):
        self.assignment = assignment
        self.root = Path(root)
        self.catalogue = load_catalogue(assignment)
        self._notebook = build.notebook(assignment)
        self._solution_cells = solution_cells(assignment)
        self._reference: Graded | None = None
        self.reference_seconds: float | None = None
        self._kept: trained_state.AfterTraining | None = None  # the reference just after its training

    def student(self, namespace: dict, label: str = "student", seconds: dict | None = None):
        """A LocalStudent of `namespace` with what the executor tells checks (the course root,
        its prepared data, the cells' times)."""
        from autograder.bridge import LocalStudent

        datasets.prepare(self.root, self.assignment.datasets)  # rewritten only when changed
        times = seconds if isinstance(seconds, timing.CellTimes) else timing.CellTimes(seconds or {})
        return LocalStudent(namespace, label=label, context={
            "assignment": self.assignment.name, "course_root": self.root, **times.context(),
            "budgets": [], "flags": []})

    def _grade(self, namespace: dict, label: str, seconds: dict | None = None,
               grade_id: str | None = None, cells: Iterable[str] | None = None) -> Graded:
        from autograder.checks.runner import run_checks

        student = self.student(namespace, label, seconds)
        cells = tuple(cells or self.assignment.grade_ids)
        if grade_id is None and set(cells) != set(self.assignment.grade_ids):
            grade_id = cells  # only these cells' checks run
        with _student_data(self.root, self.assignment):  # the student's calls see what a kernel does
            outcomes = run_checks(self.assignment, student, grade_id=grade_id)
        graded = _graded_from_outcomes(label, outcomes, cells)
        graded.budgets = student.context["budgets"]
        graded.flags = student.context.get("flags", [])
        from autograder.checks.trained_models import measured

        graded.measured = measured(student)
        return graded

    def reference(self) -> Graded:
        """The notebook's solution, run here (its training cell timed: the calibration the
        mutants are judged against)."""
        if self._reference is None:
            namespace, seconds, in_place = self._run(self._notebook, REFERENCE, keep=self._keep)
            cell = self.assignment.training_cell
            if cell:
                if cell not in seconds:
                    raise RuntimeError(f"the reference's training cell {cell} failed in process")
                self.reference_seconds = round(seconds[cell], 4)
                model = namespace.get("model")  # the trained model the checks fetch (or None)
                write_calibration(self.root, self.assignment, cell, seconds, training_steps(model))
            self._reference = self._merged(self._grade(namespace, REFERENCE, seconds,
                                                       cells=self._at_the_end), in_place)
            self._reference_run = (namespace, seconds)
        return self._reference

    def solution(self) -> Graded:
        """solution.py's namespace alone, graded on the cells that need nothing else."""
        return self._grade(self.assignment.solution_namespace(), "solution",
                           cells=self._solution_cells)

    def fast(self, mutant: Mutant) -> bool:
        return on_the_solution_alone(self.catalogue, mutant)

    def grade(self, mutant: Mutant) -> Graded:
        if self.fast(mutant):
            namespace = self.assignment.solution_namespace()
            for name, replacement in mutant.replaces.items():
                if isinstance(replacement, str):
                    exec(compile(replacement, f"<mutant {mutant.name}>", "exec"), namespace)
                else:
                    namespace[name] = replacement
            reached = mutant_reach(self.assignment, mutant) & set(self._solution_cells)
            only = next(iter(reached)) if len(reached) == 1 else None
            return self._grade(namespace, mutant.name, grade_id=only,
                               cells=reached if only else self._solution_cells)
        if self.assignment.training_cell:
            self.reference()  # the calibration
        nb = mutated_notebook(self.assignment, mutant, self.reference_seconds, self._notebook)
        return self.grade_notebook(nb, mutant.name)

    def grade_notebook(self, nb, label: str) -> Graded:
        """A whole notebook run here and graded: each in_place cell where it stands, the rest
        after the last cell (its training cell judged against the reference's calibration).
        One that would train exactly what the reference trained resumes from its state there."""
        resume = self._resumption(nb)
        namespace, seconds, in_place = self._run(nb, label, resume=resume)
        graded = self._merged(self._grade(namespace, label, seconds, cells=self._at_the_end), in_place)
        graded.resumed = resume is not None
        return graded

    def _keep(self, index: int, namespace: dict, times: timing.CellTimes) -> None:
        if index == self._training_index():
            self._kept = trained_state.AfterTraining.take(index, namespace, times)

    def _training_index(self) -> int | None:
        """The training cell's index among the kernel cells (None: no training cell, or an
        in_place cell, graded on the state where it stands, which a resumption would skip)."""
        cell = self.assignment.training_cell
        if cell is None or any(c.in_place for c in self.assignment.cells):
            return None
        return next((i for i, c in enumerate(kernel_cells(self._notebook)) if c.get("id") == cell), None)

    def trains_as_the_reference(self, nb) -> tuple[set[int], set[str]] | None:
        """trained_state.resumes_after_training for a notebook: None unless its run up to the
        end of its training is the reference's."""
        index = self._training_index()
        if index is None:
            return None
        return trained_state.resumes_after_training(
            [c.source for c in kernel_cells(self._notebook)], [c.source for c in kernel_cells(nb)], index)

    def _resumption(self, nb) -> tuple | None:
        """run_in_process's `resume` for a notebook that trains as the reference did, or None."""
        kept = self._kept
        plan = None if kept is None else self.trains_as_the_reference(nb)
        if plan is None or not kept.unchanged():  # a cell below the training changed what it holds
            return None
        again, dropped = plan
        namespace, times = kept.resume(sorted(dropped))
        return kept.after, namespace, times, again

    @property
    def _at_the_end(self) -> tuple[str, ...]:
        """The cells graded after the whole notebook ran (all but the in_place ones)."""
        return tuple(c.grade_id for c in self.assignment.cells if not c.in_place)

    def _run(self, nb, label: str, keep=None, resume=None) -> tuple[dict, timing.CellTimes, list[Graded]]:
        """run_in_process, with each in_place cell graded where it stands."""
        in_place: list[Graded] = []

        def at_cell(grade_id: str, namespace: dict, times: timing.CellTimes) -> None:
            in_place.append(self._grade(namespace, label, times, grade_id=(grade_id,),
                                        cells=(grade_id,)))

        namespace, seconds = run_in_process(nb, self.root, self.assignment, at_cell=at_cell,
                                            keep=keep, resume=resume)
        return namespace, seconds, in_place

    def _merged(self, graded: Graded, parts: list[Graded]) -> Graded:
        for part in parts:
            graded.scores.update(part.scores)
            for cell, messages in part.messages.items():
                graded.messages.setdefault(cell, []).extend(messages)
            graded.outcomes += part.outcomes
            graded.budgets += part.budgets
            graded.flags += part.flags
            graded.measured = {**part.measured, **graded.measured}
        order = self.assignment.grade_ids
        graded.scores = {c: graded.scores[c] for c in order if c in graded.scores}
        graded.outcomes.sort(key=lambda o: order.index(o.grade_id) if o.grade_id in order else len(order))
        return graded

    def verdict(self, mutant: Mutant) -> Verdict:
        graded = self.grade(mutant)
        reached = mutant_reach(self.assignment, mutant) if mutant.exact else None
        return Verdict(mutant, graded, judge(self.catalogue, mutant, graded, reached),
                       graded.lost(self.assignment.points))


# --------------------------------------------------------------------------- the real path

class RealGrader:
    """Grade the reference and every mutant through `dlgrade grade`'s path, in a scratch
    course built from the assignment's folder."""

    def __init__(self, assignment: Assignment, root: Path, isolation: str | None = None,
                 progress=None):
        self.assignment = assignment
        self.root = Path(root)
        self.catalogue = load_catalogue(assignment)
        self.isolation = isolation
        self.progress = progress
        self.results: dict[str, Graded] = {}
        self.reference_seconds: float | None = None

    def prepare(self) -> None:
        """A scratch course holding the assignment (built), and this machine's calibration
        when the course has one."""
        from autograder import assignments, course

        course.copy_assignments(self.assignment.root, self.root, [self.assignment.name])
        self.local = assignments.load(self.root, self.assignment.name)

    def submit(self, label: str, nb) -> None:
        path = self.root / "submitted" / label / self.local.name / f"{self.local.name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(path))

    def grade_all(self, mutants: list[Mutant]) -> None:
        """The reference and the mutants, in one batch: on a machine with no calibration, the
        reference's graded run is the calibration (grading.grade's calibrate_from: graded
        first, alone; one run, no warm-up, the machine as warm as the grading that follows).
        A mutant written from the reference's training time (one that sleeps past the budget)
        then waits for it, in a batch after."""
        from autograder import grading

        def grade(students: list[str]) -> None:
            grading.grade(self.root, self.local.name, students, isolation=self.isolation,
                          progress=self.progress, regrade=True, calibrate_from=REFERENCE)
            for student in students:
                self.results[student] = self._read(student)

        def submit(batch: list[Mutant]) -> list[str]:
            calibration = timing.load(self.root, self.local.name) if self.local.training_cell else None
            self.reference_seconds = calibration.seconds if calibration else None
            for mutant in batch:
                self.submit(mutant.name, mutated_notebook(self.local, mutant, self.reference_seconds))
            return [mutant.name for mutant in batch]

        self.submit(REFERENCE, mutated_notebook(self.local, None))
        uncalibrated = self.local.training_cell and timing.load(self.root, self.local.name) is None
        after = [m for m in mutants if uncalibrated and any(isinstance(r, Timed) for r in m.replaces.values())]
        grade([REFERENCE] + submit([m for m in mutants if m not in after]))
        if after:
            grade(submit(after))

    def _read(self, student: str) -> Graded:
        from autograder import grading

        results = grading.saved_results(self.root, self.local.name, student)
        scores, messages = {}, {}
        for cell in results.get("cells", []):
            if "points" not in cell:
                continue
            points = cell["points"] or 1.0
            scores[cell["grade_id"]] = cell["score"] / points
            messages[cell["grade_id"]] = [t.get("message") or "" for t in cell.get("tests", [])
                                          if not t.get("passed")] + ([cell["reason"]] if cell.get("reason") else [])
        reason = results.get("reason") if results.get("status") == "error" else None
        return Graded(student, scores, messages, reason=reason,
                      seconds=float(results.get("seconds_total") or 0.0))

    def verdict(self, mutant: Mutant) -> Verdict:
        graded = self.results[mutant.name]
        reached = mutant_reach(self.local, mutant) if mutant.exact else None
        return Verdict(mutant, graded, judge(self.catalogue, mutant, graded, reached),
                       graded.lost(self.local.points))


# --------------------------------------------------------------------------- the report

@dataclass
class Report:
    assignment: Assignment
    reference: Graded
    verdicts: list[Verdict]

    @property
    def reference_full(self) -> bool:
        return not self.reference.reason and all(s == 1.0 for s in self.reference.scores.values()) \
            and set(self.reference.scores) == set(self.assignment.grade_ids)

    @property
    def kill_rate(self) -> float:
        return sum(v.killed for v in self.verdicts) / len(self.verdicts) if self.verdicts else 1.0

    @property
    def ok(self) -> bool:
        return self.reference_full and all(v.killed and v.proven for v in self.verdicts)


def validate(assignment: Assignment, in_process: bool = False, only: Iterable[str] = (),
             isolation: str | None = None, progress=None, work: Path | None = None) -> Report:
    """Grade the reference and the catalogue's mutants (or those named in `only`)."""
    catalogue = load_catalogue(assignment)
    chosen = [m for m in catalogue.mutants if not only or m.name in set(only)]
    unknown = sorted(set(only) - {m.name for m in catalogue.mutants})
    if unknown:
        raise ValueError(f"no mutant {', '.join(unknown)} in {assignment.name}/mutants.py")
    with tempfile.TemporaryDirectory(prefix=f"dlgrade-validate-{assignment.name}-") as scratch:
        root = Path(work or scratch)
        if in_process:
            grader = InProcessGrader(assignment, root)
            reference = grader.reference()
            verdicts = []
            for mutant in chosen:
                verdicts.append(grader.verdict(mutant))
                if progress:
                    progress(verdicts[-1])
            return Report(assignment, reference, verdicts)
        grader = RealGrader(assignment, root, isolation, progress)
        grader.prepare()
        grader.grade_all(chosen)
        return Report(assignment, grader.results[REFERENCE], [grader.verdict(m) for m in chosen])

