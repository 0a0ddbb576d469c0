"""Run an assignment's checks (its folder's checks.py) against one student; collect the outcomes.

The checks module is imported by path from the course directory
(autograder.assignments.import_path, under a name of its own), then handed to pytest:
the grader never imports it from the installed package, and two courses never share
a module.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import io
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pytest

from autograder.assignments import Assignment, import_path
from autograder.text import clean

CHECKS_DIR = Path(__file__).resolve().parent
# An empty ini file: whatever pytest configuration the course directory holds does not
# change how the checks run.
PYTEST_INI = CHECKS_DIR / "pytest.ini"


@dataclass(frozen=True)
class TestOutcome:
    grade_id: str
    name: str
    weight: float
    passed: bool
    message: str | None
    seconds: float
    hint: str | None = None            # the "Likely mistake:" the check recognised
    counterexample: str | None = None  # Hypothesis's smallest failing input
    detail: dict | None = None         # expected/actual tables (compare.Mismatch)

    def to_dict(self) -> dict:
        return asdict(self)


def check_module_path(assignment: Assignment) -> Path:
    path = assignment.checks_path
    if not path.is_file():
        raise ValueError(f"no checks for assignment {assignment.name!r} (expected {path})")
    return path


def checks_module(assignment: Assignment):
    """The assignment's checks, imported by path."""
    return import_path(check_module_path(assignment), f"{assignment.name}.checks")


class _ChecksModule(pytest.Module):
    """The checks file as pytest sees it, its module imported by us (by path)."""

    def _getobj(self):
        return import_path(self.path, self.label)


def _failure(excinfo) -> dict:
    """message (the whole text), hint, counterexample and detail of a failed check."""
    exc = excinfo.value
    text = (str(exc) if isinstance(exc, AssertionError) or exc.__class__.__name__.startswith("Student")
            else f"{type(exc).__name__}: {exc}")
    # Hypothesis's notes name the smallest failing input; drop the fixture.
    notes = [note.replace("student=student, ", "").replace("    student=student,\n", "")
             for note in getattr(exc, "__notes__", [])]
    example = "\n".join(n for n in notes if n.startswith("Failing test case") or n.startswith("Falsifying"))
    # The hint is what a check named (hints.with_hint), never a line of the message: that
    # text may carry the student's own words, "Likely mistake: ..." included.
    hint = getattr(exc, "dlgrade_hint", None)
    detail = getattr(exc, "detail", None)
    return {
        "message": clean("\n".join(line for line in [text, *notes] if line).strip()),
        "hint": clean(hint) if isinstance(hint, str) else None,
        "counterexample": clean(example) if example else None,
        "detail": detail if isinstance(detail, dict) else None,
    }


def _forgiving(test):
    """A property check's body that never fails (rehearse): every example counts as passed,
    so Hypothesis draws the examples it draws for a student whose every answer is right."""
    from hypothesis.errors import HypothesisException

    @functools.wraps(test)  # the same source and signature: derandomized, the same seed
    def body(*args, **kwargs):
        try:
            return test(*args, **kwargs)
        except HypothesisException:  # assume(), and Hypothesis's own control flow
            raise
        except Exception:  # noqa: BLE001 - the stand-in's answers are all None
            return None

    return body


class _CollectOutcomes:
    def __init__(self, student, path: Path, label: str, grade_id: str | None = None,
                 rehearsal: bool = False):
        self._student = student
        self._path = path
        self._label = label
        self._grade_id = grade_id
        self._rehearsal = rehearsal
        self.outcomes: list[TestOutcome] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        swap = self._rehearsal and handle is not None
        if swap:
            inner = handle.inner_test  # Hypothesis's documented seam for wrapping a test body
            handle.inner_test = _forgiving(inner)
        try:
            yield
        finally:
            if swap:
                handle.inner_test = inner

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(self, module_path, parent):
        if Path(module_path) == self._path:
            module = _ChecksModule.from_parent(parent, path=Path(module_path))
            module.label = self._label
            return module
        return None

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            if item.get_closest_marker("dlgrade") is None:
                raise ValueError(f"check {item.nodeid} has no @grade(grade_id) marker")
            used = getattr(getattr(item, "obj", None), "_hypothesis_internal_use_settings", None)
            if used is not None and not (used.derandomize and used.database is None):
                # a regrade must give the same score: every property check is derandomized
                raise ValueError(f"check {item.nodeid} must use autograder.checks.property_settings")
        if self._grade_id is not None:
            wanted = {self._grade_id} if isinstance(self._grade_id, str) else set(self._grade_id)
            keep = [i for i in items if i.get_closest_marker("dlgrade").kwargs["grade_id"] in wanted]
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = keep

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "dlgrade(grade_id, weight): the test cell a check scores")

    @pytest.fixture(scope="session")
    def student(self):
        return self._student

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("dlgrade")
        failed_now = report.failed and call.excinfo is not None
        if call.when == "call" or failed_now:
            self.outcomes.append(TestOutcome(
                grade_id=marker.kwargs["grade_id"],
                name=item.name,
                weight=marker.kwargs["weight"],
                passed=report.passed,
                seconds=round(call.stop - call.start, 4),
                **(_failure(call.excinfo) if failed_now else {"message": None}),
            ))


def run_checks(assignment: Assignment, student, grade_id=None, rehearsal: bool = False) -> list[TestOutcome]:
    """Run the checks of `assignment` (all; or one grade_id's, or those of a collection of
    grade_ids) against `student`; with `rehearsal`, no property check fails (rehearse)."""
    path = check_module_path(assignment).resolve()
    checks_module(assignment)  # imported here: an error in it is the instructor's, said plainly
    plugin = _CollectOutcomes(student, path, f"{assignment.name}.checks", grade_id, rehearsal)
    args = [str(path), "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist",
            # its teardown runs gc.collect() five times: over a second with Keras loaded
            "-p", "no:unraisableexception", "--noconftest", "-c", str(PYTEST_INI),
            "--rootdir", str(path.parent), "-o", "addopts=", "--assert=plain",
            "-W", "ignore::DeprecationWarning"]
    # A big input (a batch of 28x28 images) is shown summarised, never dumped whole.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            np.printoptions(threshold=200, edgeitems=3):
        code = pytest.main(args, plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError(f"the checks for {assignment.name} could not run (pytest exit {int(code)})")
    return plugin.outcomes


_REHEARSED: dict[tuple, list] = {}


def rehearse(assignment: Assignment, grade_id: str, context: dict | None = None) -> list[tuple]:
    """The function calls the checks of `grade_id` make, in order, when every answer is right
    (up to the first request that is not a function call): what KernelStudent.prefetch makes
    ahead in a batch. Derandomized Hypothesis draws the same examples in the real run as long
    as the student's answers pass; from the first that fails (and its shrinking) the calls go
    one by one. Once per checks file and grade_id in this process: it does not depend on the
    student."""
    from autograder.bridge import RehearsalStudent

    path = check_module_path(assignment).resolve()
    key = (str(path), path.stat().st_mtime_ns, grade_id)
    if key not in _REHEARSED:
        stand_in = RehearsalStudent(copy.deepcopy(context or {}))
        run_checks(assignment, stand_in, grade_id=grade_id, rehearsal=True)
        _REHEARSED[key] = list(stand_in.calls)
    return _REHEARSED[key]


def score_groups(outcomes: list[TestOutcome]) -> dict[str, float]:
    """grade_id -> weighted fraction of its checks passed (0.0 to 1.0)."""
    totals: dict[str, float] = {}
    passed: dict[str, float] = {}
    for o in outcomes:
        totals[o.grade_id] = totals.get(o.grade_id, 0.0) + o.weight
        passed[o.grade_id] = passed.get(o.grade_id, 0.0) + (o.weight if o.passed else 0.0)
    return {g: passed[g] / totals[g] for g in totals}
