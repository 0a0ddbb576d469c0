"""Replay: a property check first runs on the examples its rehearsal drew (as Hypothesis's
explicit examples, nothing generated); a pass there is the full run's pass, and anything else
runs the check in full, so the outcomes are the same either way."""
from pathlib import Path

from autograder import assignments
from autograder.bridge import LocalStudent
from autograder.checks.runner import rehearse, run_checks

CHECKS = '''
import functools

from hypothesis import assume, given, strategies as st
from autograder.checks import grade, property_settings


@grade("test_f")
@property_settings(max_examples=15)
@given(x=st.integers(0, 50))
def test_f_doubles(student, x):
    assert student.function("f")(x) == 2 * x, f"f({x}) should be {2 * x}"


@grade("test_f")
@property_settings(max_examples=10)
@given(x=st.integers(0, 20))
def test_g_may_pass(student, x):
    y = student.function("g")(x)
    assume(y != "skip")
    assert y == x


def logged(check):
    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        return check(*args, **kwargs)
    return wrapper


@grade("test_f")
@logged
@property_settings(max_examples=5)
@given(x=st.integers(0, 30))
def test_f_wrapped(student, x):
    assert student.function("f")(x) == 2 * x, f"f({x}) should be {2 * x}"


@grade("test_f")
@property_settings(max_examples=5)
@given(data=st.data())
def test_h_draws_in_its_body(student, data):
    x = data.draw(st.integers(0, 9))
    assert student.function("f")(x) == 2 * x
'''
DECLARATION = 'title = "Toy"\n[[cells]]\ngrade_id = "test_f"\npoints = 3\ncovers = ["f"]\n'


def _toy(tmp_path: Path):
    folder = tmp_path / "assignments" / "toy"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(DECLARATION)
    (folder / "checks.py").write_text(CHECKS)
    return assignments.load(tmp_path, "toy")


def _counted(f, seen: list):
    def counted(x):
        seen.append(x)
        return f(x)
    return counted


def _outcomes(outcomes):
    return [(o.name, o.passed, o.message, o.counterexample) for o in outcomes]


def _run(toy, f, g, replay):
    seen = {"f": [], "g": []}
    student = LocalStudent({"f": _counted(f, seen["f"]), "g": _counted(g, seen["g"])})
    return run_checks(toy, student, grade_id="test_f", replay=replay), seen


def test_the_rehearsal_records_what_can_be_replayed(tmp_path):
    examples = rehearse(_toy(tmp_path), "test_f").examples
    names = {nodeid.split("::")[-1]: drawn for nodeid, drawn in examples.items()}
    # st.data(): drawn in the body; a decorator around Hypothesis's wrapper is recorded, and
    # replayed as the full run it then is (below)
    assert set(names) == {"test_f_doubles", "test_g_may_pass", "test_f_wrapped"}
    assert len(names["test_f_doubles"]) == 15
    assert all(set(kwargs) == {"x"} and outcome == "ran" for kwargs, outcome in names["test_f_doubles"])


def test_a_right_answer_passes_on_the_rehearsed_examples_alone(tmp_path):
    toy = _toy(tmp_path)
    rehearsal = rehearse(toy, "test_f")
    live, live_seen = _run(toy, lambda x: 2 * x, lambda x: x, None)
    replayed, replay_seen = _run(toy, lambda x: 2 * x, lambda x: x, rehearsal.examples)
    assert _outcomes(replayed) == _outcomes(live) and all(o.passed for o in replayed)
    # derandomized, the full run draws exactly what the rehearsal drew
    assert replay_seen == live_seen
    # and the replay is what ran: given one example, only that one is tried
    nodeid = next(n for n in rehearsal.examples if n.endswith("test_f_doubles"))
    only = {**rehearsal.examples, nodeid: [({"x": 7}, "ran")]}
    _, seen = _run(toy, lambda x: 2 * x, lambda x: x, only)
    assert seen["f"][:1] == [7] and len(seen["f"]) == 1 + 5 + 5  # the other two checks' 5 each


def test_a_wrong_answer_gets_the_full_runs_outcome(tmp_path):
    toy = _toy(tmp_path)
    rehearsal = rehearse(toy, "test_f")
    wrong = lambda x: 2 * x + (x > 10)  # noqa: E731
    live, _ = _run(toy, wrong, lambda x: x, None)
    replayed, seen = _run(toy, wrong, lambda x: x, rehearsal.examples)
    assert _outcomes(replayed) == _outcomes(live)
    failed = next(o for o in replayed if o.name == "test_f_doubles")
    assert not failed.passed and "f(11) should be 22" in failed.message  # shrunk, as in full


def test_an_example_rejected_only_for_this_student_runs_the_check_in_full(tmp_path):
    toy = _toy(tmp_path)
    rehearsal = rehearse(toy, "test_f")
    nodeid = next(n for n in rehearsal.examples if n.endswith("test_g_may_pass"))
    rehearsed = len(rehearsal.examples[nodeid])
    skips = lambda x: "skip" if x == 0 else x  # noqa: E731 - assume() rejects what the stand-in's None did not
    live, _ = _run(toy, lambda x: 2 * x, skips, None)
    replayed, seen = _run(toy, lambda x: 2 * x, skips, rehearsal.examples)
    assert _outcomes(replayed) == _outcomes(live)
    assert len(seen["g"]) > rehearsed  # the replay, then the full run that draws one more
