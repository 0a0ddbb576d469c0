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
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pytest

from autograder.assignments import Assignment, import_path
from autograder.checks import compare
from autograder.text import clean

CHECKS_DIR = Path(__file__).resolve().parent
# An empty ini file: whatever pytest configuration the course directory holds does not
# change how the checks run.
PYTEST_INI = CHECKS_DIR / "pytest.ini"
# pytest's plugins the checks have no use for: a third of each session's start-up, six
# sessions a submission. (unraisableexception: its teardown runs gc.collect() five times,
# over a second with Keras loaded.)
UNUSED_PLUGINS = ("cacheprovider", "randomly", "xdist", "unraisableexception", "doctest",
                  "junitxml", "pastebin", "stepwise", "debugging", "setuponly", "setupplan",
                  "faulthandler", "freeze_support", "threadexception", "python_path", "anyio",
                  # log capture around every check; pytest's py.path shims; other packages'
                  "logging", "legacypath", "platformdirs", "xdist.looponfail",
                  # outcomes are collected by our own hook; a kept session's reporter would
                  # hold every report it heard
                  "terminal")


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


# A property check whose example failed once and not when Hypothesis ran it again.
CHANGING_ANSWERS = ("the same input gave different results when the grader called your code "
                    "with it again (randomness, or state kept between calls?); the failure: ")


def _failure(excinfo) -> dict:
    """message (the whole text), hint, counterexample and detail of a failed check."""
    from hypothesis.errors import FlakyFailure

    exc = excinfo.value
    notes = list(getattr(exc, "__notes__", []))
    preface = ""
    if isinstance(exc, FlakyFailure) and exc.exceptions:  # said in the student's terms
        exc, preface = exc.exceptions[0], CHANGING_ANSWERS
        notes = list(getattr(exc, "__notes__", [])) + notes
    text = (str(exc) if isinstance(exc, AssertionError) or exc.__class__.__name__.startswith("Student")
            else f"{type(exc).__name__}: {exc}")
    text = preface + text
    # Hypothesis's notes name the smallest failing input; drop the fixture.
    notes = [note.replace("student=student, ", "").replace("    student=student,\n", "")
             for note in notes]
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


def _forgiving(test, recorder=None):
    """A property check's body that never fails (rehearse): every example counts as passed,
    so Hypothesis draws the examples it draws for a student whose every answer is right.
    `recorder` hears of each example before its body can change it, then of its outcome:
    "ran", "rejected" (assume()) or "stopped" (Hypothesis's own control flow)."""
    from hypothesis.errors import HypothesisException, UnsatisfiedAssumption

    @functools.wraps(test)  # the same source and signature: derandomized, the same seed
    def body(*args, **kwargs):
        outcome = "ran"
        heard = recorder.drawn(args, kwargs) if recorder else None
        try:
            return test(*args, **kwargs)
        except UnsatisfiedAssumption:
            outcome = "rejected"
            raise
        except HypothesisException:
            outcome = "stopped"
            raise
        except Exception:  # noqa: BLE001 - the stand-in's answers are all None
            return None
        finally:
            if recorder:
                recorder.outcome(heard, outcome)

    return body


class _Recorder:
    """A property check's examples as its rehearsal draws them: [(arguments, outcome)], or
    None once one cannot be replayed (a positional argument, st.data(): draws made in the
    body depend on the body; a value that cannot be copied)."""

    def __init__(self, fixtures: set[str]):
        self._fixtures = fixtures
        self.examples: list | None = []

    def drawn(self, args, kwargs):
        from hypothesis.strategies import DataObject

        drawn = {k: v for k, v in kwargs.items() if k not in self._fixtures}
        if args or any(isinstance(v, DataObject) for v in drawn.values()):
            return None
        return _copied(drawn)

    def outcome(self, drawn, outcome: str) -> None:
        if self.examples is None or drawn is None or outcome == "stopped":
            self.examples = None
        else:
            self.examples.append((drawn, outcome))


def _copied(values: dict) -> dict | None:
    try:
        return copy.deepcopy(values)
    except Exception:  # noqa: BLE001 - what cannot be copied cannot be replayed
        return None


_NONE = object()


def _replay_passes(item, examples: list[tuple[dict, str]]) -> bool:
    """Run a property check on the examples its rehearsal drew, as Hypothesis's explicit
    examples (each through Hypothesis's own execution: its seeded PRNG, its build context)
    and nothing else. Derandomized, Hypothesis draws exactly those while the answers pass,
    so a pass here is the pass its full run gives, for a fraction of its cost. False for
    anything else (a failure; an example rejected that was not, or the reverse): the full
    run then says what, with its search and shrinking, as without replay."""
    from hypothesis import Phase, example, settings
    from hypothesis.errors import UnsatisfiedAssumption

    wrapped = item.obj
    handle = wrapped.hypothesis
    inner = handle.inner_test
    saved_settings = getattr(wrapped, "_hypothesis_internal_use_settings", None)
    if saved_settings is None:  # not Hypothesis's own wrapper (another decorator around it)
        return False

    def holder():
        """Where @example() collects them."""

    try:
        for drawn, _ in reversed(examples):  # Hypothesis runs the last one listed first
            holder = example(**copy.deepcopy(drawn))(holder)
    except Exception:  # noqa: BLE001 - what cannot be an example runs in full
        return False
    seen: list[str] = []

    @functools.wraps(inner)
    def body(*args, **kwargs):
        try:
            result = inner(*args, **kwargs)
        except UnsatisfiedAssumption:
            seen.append("rejected")
            raise
        seen.append("ran")
        return result

    saved_examples = wrapped.__dict__.get("hypothesis_explicit_examples", _NONE)
    wrapped.hypothesis_explicit_examples = holder.hypothesis_explicit_examples
    wrapped._hypothesis_internal_use_settings = settings(saved_settings, phases=(Phase.explicit,))
    handle.inner_test = body
    try:
        with _examples_unprinted(wrapped):
            wrapped(**{name: item.funcargs[name] for name in item._fixtureinfo.argnames})
    except (Exception, pytest.fail.Exception):  # noqa: BLE001 - the full run says what
        return False
    finally:
        handle.inner_test = inner
        wrapped._hypothesis_internal_use_settings = saved_settings
        if saved_examples is _NONE:
            del wrapped.hypothesis_explicit_examples
        else:
            wrapped.hypothesis_explicit_examples = saved_examples
    return seen == [outcome for _, outcome in examples]


@contextlib.contextmanager
def _examples_unprinted(wrapped):
    """Hypothesis writes out each explicit example before running it, to print should it fail;
    a replay's text is never shown (a failure runs the check in full, which writes its own),
    and that text (numpy's repr of every example's arrays, Hypothesis's pretty-printer over the
    rest) was a tenth of the grader's CPU. Hypothesis's own switch for a test whose arguments
    it does not print (its state machines'); where it has none, examples are written out as
    before."""
    attribute = "_hypothesis_internal_print_given_args"
    saved = wrapped.__dict__.get(attribute, _NONE)
    setattr(wrapped, attribute, False)
    try:
        yield
    finally:
        if saved is _NONE:
            delattr(wrapped, attribute)
        else:
            setattr(wrapped, attribute, saved)


class _CollectOutcomes:
    def __init__(self, student, path: Path, label: str, grade_id: str | None = None,
                 rehearsal: bool = False, replay: dict | None = None):
        self._path = path
        self._label = label
        self.reset(student, grade_id, rehearsal, replay)

    def reset(self, student, grade_id, rehearsal: bool, replay: dict | None) -> None:
        """Ready for a run (a live session's plugin serves one run after another)."""
        self._student = student
        self._grade_id = grade_id
        self._rehearsal = rehearsal
        self._replay = replay or {}
        self.outcomes: list[TestOutcome] = []
        # rehearsal: each property check's examples, [(drawn arguments, outcome)], or None
        # where they cannot be replayed
        self.examples: dict[str, list | None] = {}

    def selected(self, items: list) -> list:
        """The items of the grade_id(s) asked for, in collection order."""
        if self._grade_id is None:
            return list(items)
        wanted = {self._grade_id} if isinstance(self._grade_id, str) else set(self._grade_id)
        return [i for i in items if i.get_closest_marker("dlgrade").kwargs["grade_id"] in wanted]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        swap = self._rehearsal and handle is not None
        if swap:
            inner = handle.inner_test  # Hypothesis's documented seam for wrapping a test body
            recorder = _Recorder(set(item.funcargs))
            handle.inner_test = _forgiving(inner, recorder)
        try:
            yield
        finally:
            if swap:
                handle.inner_test = inner
                self.examples[item.nodeid] = recorder.examples

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        examples = self._replay.get(pyfuncitem.nodeid)
        if not examples or getattr(pyfuncitem.obj, "hypothesis", None) is None:
            return None
        saved = _checkpoint(self._student)
        if _replay_passes(pyfuncitem, examples):
            return True
        _restore(self._student, saved)
        return None  # pytest runs it in full

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
            keep = self.selected(items)
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = keep

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "dlgrade(grade_id, weight): the test cell a check scores")
        # A failure's outcome is read off its exception (_failure); the report's long traceback
        # (--tb, whose option left with the terminal plugin) parsed every frame's source file
        # for nothing: a third of the checks' CPU on a submission with mistakes.
        config.option.tbstyle = "no"

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


def _checkpoint(student):
    """What the bridge and the checks' context hold before a replay, to go back to for the
    full run (KernelStudent: its replies made ahead; the context: what checks appended)."""
    own = getattr(student, "checkpoint", None)
    context = getattr(student, "context", None)
    return (own() if own else None,
            {k: copy.copy(v) for k, v in context.items()} if isinstance(context, dict) else None)


def _restore(student, saved) -> None:
    own, context = saved
    if own is not None:
        student.restore(own)
    if context is not None:
        student.context.clear()
        student.context.update(context)


def run_checks(assignment: Assignment, student, grade_id=None, rehearsal: bool = False,
               replay: dict | None = None) -> list[TestOutcome]:
    """Run the checks of `assignment` (all; or one grade_id's, or those of a collection of
    grade_ids) against `student`; with `rehearsal`, no property check fails (rehearse); with
    `replay` (a Rehearsal's examples), a property check first runs on those alone."""
    return _session(assignment, student, grade_id, rehearsal, replay).outcomes


def _session(assignment: Assignment, student, grade_id, rehearsal: bool,
             replay: dict | None) -> _CollectOutcomes:
    path = check_module_path(assignment).resolve()
    # imported here: an error in it is the instructor's, said plainly
    module = checks_module(assignment)
    label = f"{assignment.name}.checks"
    # A big input (a batch of 28x28 images) is shown summarised, never dumped whole.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            np.printoptions(threshold=200, edgeitems=3), \
            compare.rehearsing() if rehearsal else contextlib.nullcontext():
        live = _live_session(path, label, module.__name__)
        if live is not None and not live.busy:  # busy: a check that runs checks
            try:
                return live.run(student, grade_id, rehearsal, replay)
            except RuntimeError as exc:
                raise RuntimeError(f"the checks for {assignment.name} could not run ({exc})") from None
        plugin = _CollectOutcomes(student, path, label, grade_id, rehearsal, replay)
        code = pytest.main(_pytest_args(path), plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError(f"the checks for {assignment.name} could not run (pytest exit {int(code)})")
    return plugin


def _pytest_args(path: Path) -> list[str]:
    return [str(path), *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
            "--noconftest", "-c", str(PYTEST_INI),
            "--rootdir", str(path.parent), "-o", "addopts=", "--assert=plain",
            "-W", "ignore::DeprecationWarning"]


class _LiveSession:
    """One pytest session kept for a checks file: configured and collected once, then a test
    cell's checks run on request against one student, as pytest.main would run them (the
    same items in the same order, each through pytest's own run-test protocol, every fixture
    torn down after the last, output captured around each). A session for each test cell
    (configuration, plugins, collection) was a fifth of the grader's CPU on a numpy assignment."""

    def __init__(self, path: Path, label: str):
        from _pytest.config import _prepareconfig  # what pytest.main itself starts with

        self.plugin = _CollectOutcomes(None, path, label)
        self.busy = False
        self.config = _prepareconfig(_pytest_args(path), plugins=[self.plugin])
        self._capture = self.config.pluginmanager.getplugin("capturemanager")
        self.session = None
        try:
            try:
                self.config._do_configure()
                self.session = pytest.Session.from_config(self.config)
                self.config.hook.pytest_sessionstart(session=self.session)
                self.config.hook.pytest_collection(session=self.session)
            finally:
                self._release_capture()
            if self.session.testsfailed:  # a collection error: pytest.main says what, each time
                raise RuntimeError("the checks did not collect")
        except BaseException:
            self.close()
            raise

    def _release_capture(self) -> None:
        """Capture is started around each run, on the streams of that moment: between runs
        the process's own output is never redirected to a capture of an earlier moment."""
        if self._capture is not None:
            self._capture.stop_global_capturing()

    def run(self, student, grade_id, rehearsal: bool, replay: dict | None) -> _CollectOutcomes:
        """The outcomes of `grade_id`'s checks (all: None; or a collection of grade_ids) against
        `student`. Whatever breaks pytest itself ends the session: RuntimeError, as from
        pytest.main's exit code."""
        plugin = self.plugin
        plugin.reset(student, grade_id, rehearsal, replay)
        items = plugin.selected(self.session.items)
        self.busy = True
        cwd = os.getcwd()
        try:
            if self._capture is not None:
                self._capture.start_global_capturing()
                self._capture.suspend_global_capture()
            for position, item in enumerate(items):
                following = items[position + 1] if position + 1 < len(items) else None
                self.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
        except BaseException as exc:  # noqa: BLE001 - pytest.main too ends on anything
            _drop_live(self)
            raise RuntimeError(f"pytest stopped: {type(exc).__name__}: {exc}") from None
        finally:
            self.busy = False
            self._release_capture()
            os.chdir(cwd)
        results = copy.copy(plugin)  # its lists are its own: reset makes new ones
        plugin.reset(None, None, False, None)  # holds no student between runs
        return results

    def close(self) -> None:
        try:
            if self.session is not None:
                self.config.hook.pytest_sessionfinish(session=self.session, exitstatus=0)
        finally:
            self.config._ensure_unconfigure()


_LIVE: dict[tuple[str, str], _LiveSession | None] = {}
_LIVE_KEPT = 4  # checks files whose session a process keeps (one per assignment graded)


def _live_session(path: Path, label: str, module_name: str) -> _LiveSession | None:
    key = (str(path), module_name)  # the module's name carries its content's digest
    if key not in _LIVE:
        while len(_LIVE) >= _LIVE_KEPT:
            oldest = _LIVE.pop(next(iter(_LIVE)))
            if oldest is not None:
                _drop_live(oldest)
        try:
            _LIVE[key] = _LiveSession(path, label)
        except Exception:  # noqa: BLE001 - pytest.main, a session a call, says what
            _LIVE[key] = None
    return _LIVE[key]


def _drop_live(live: _LiveSession) -> None:
    for key, held in list(_LIVE.items()):
        if held is live:
            del _LIVE[key]
    with contextlib.suppress(Exception):
        live.close()


@dataclass(frozen=True)
class Rehearsal:
    """What the checks of a test cell do when every answer is right."""
    calls: list      # the function calls they make, in order: KernelStudent.prefetch's batch
    examples: dict   # each property check's examples (nodeid -> [(arguments, outcome)]): replay


_REHEARSED: dict[tuple, Rehearsal] = {}


def rehearse(assignment: Assignment, grade_id, context: dict | None = None) -> Rehearsal:
    """The checks of `grade_id` run with a stand-in student whose answers are None and whose
    property checks never fail: the function calls they make (up to the first request that
    is not a function call), and the examples derandomized Hypothesis draws. The real run
    draws the same as long as the student's answers pass; from the first that fails (and its
    shrinking) the calls go one by one. Once per checks file and grade_id in this process: it
    does not depend on the student."""
    from autograder.bridge import RehearsalStudent

    path = check_module_path(assignment).resolve()
    key = (str(path), path.stat().st_mtime_ns, grade_id)
    if key not in _REHEARSED:
        stand_in = RehearsalStudent(copy.deepcopy(context or {}))
        examples = _session(assignment, stand_in, grade_id, True, None).examples
        _REHEARSED[key] = Rehearsal(list(stand_in.calls),
                                    {k: v for k, v in examples.items() if v})
    return _REHEARSED[key]


def score_groups(outcomes: list[TestOutcome]) -> dict[str, float]:
    """grade_id -> weighted fraction of its checks passed (0.0 to 1.0)."""
    totals: dict[str, float] = {}
    passed: dict[str, float] = {}
    for o in outcomes:
        totals[o.grade_id] = totals.get(o.grade_id, 0.0) + o.weight
        passed[o.grade_id] = passed.get(o.grade_id, 0.0) + (o.weight if o.passed else 0.0)
    return {g: passed[g] / totals[g] for g in totals}
