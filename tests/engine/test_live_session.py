"""One pytest session per checks file, kept: configured and collected once, a test cell's checks
run on request. Every run must be what a pytest.main of its own gives: the current student,
fixtures set up afresh and torn down, output captured, a failing check failing, nothing left
redirected between runs."""
import os
from pathlib import Path

import pytest

from autograder import assignments
from autograder.bridge import LocalStudent
from autograder.checks import runner

REPO = Path(__file__).resolve().parents[2]

CHECKS = '''
import os
import sys

import pytest
from hypothesis import given, strategies as st
from autograder.checks import grade, property_settings

EVENTS = []


@pytest.fixture(scope="module")
def doubled(student):
    EVENTS.append("module set up")
    yield student.function("f")
    EVENTS.append("module torn down")


@grade("test_f")
def test_f_doubles(student, doubled):
    print("a check's print")
    os.write(1, b"a check's own fd output")
    assert doubled(2) == 4, f"f(2) should be 4, not {doubled(2)}"


@grade("test_f")
@property_settings(max_examples=10)
@given(x=st.integers(0, 50))
def test_f_doubles_any(student, x):
    assert student.function("f")(x) == 2 * x, f"f({x}) should be {2 * x}"


@grade("test_g")
def test_g_names_its_student(student):
    assert student.function("g")() == "me"
'''
DECLARATION = ('title = "Toy"\n[[cells]]\ngrade_id = "test_f"\npoints = 2\ncovers = ["f"]\n'
               '[[cells]]\ngrade_id = "test_g"\npoints = 1\ncovers = ["g"]\n')


def _toy(tmp_path: Path, checks: str = CHECKS):
    folder = tmp_path / "assignments" / "toy"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(DECLARATION)
    (folder / "checks.py").write_text(checks)
    return assignments.load(tmp_path, "toy")


def _student(f, name="me"):
    return LocalStudent({"f": f, "g": lambda: name})


def _read(outcomes):
    return [(o.grade_id, o.name, o.passed, o.message, o.hint, o.counterexample, o.detail)
            for o in outcomes]


def _live(toy):
    path = runner.check_module_path(toy).resolve()
    return [s for (p, _), s in runner._LIVE.items() if p == str(path)]


def test_runs_in_a_row_give_what_a_session_each_gives(tmp_path, monkeypatch):
    toy = _toy(tmp_path)
    students = [_student(lambda x: 2 * x), _student(lambda x: x + 2, "other"),
                _student(lambda x: 2 * x), _student(lambda x: 2 * x + (x > 30))]
    live = [_read(runner.run_checks(toy, s, grade_id=g)) for s in students for g in ("test_f", "test_g")]
    assert len(_live(toy)) == 1  # one session served them all
    monkeypatch.setattr(runner, "_live_session", lambda *args: None)
    fresh = [_read(runner.run_checks(toy, s, grade_id=g)) for s in students for g in ("test_f", "test_g")]
    assert live == fresh
    passed = [[o[2] for o in cell] for cell in live]  # (student, cell) -> each check's pass
    assert passed[0:2] == [[True, True], [True]]
    # the second student's own f and g answered: x + 2 is right at 2 only; "other" is not "me"
    assert passed[2][0] and not passed[2][1] and passed[3] == [False]
    assert passed[4:6] == [[True, True], [True]]
    assert not passed[6][1] and "f(31) should be 62" in live[6][1][3]


def test_fixtures_are_set_up_and_torn_down_in_each_run(tmp_path):
    toy = _toy(tmp_path)
    first = runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_f")
    events = runner.checks_module(toy).EVENTS
    assert events == ["module set up", "module torn down"]
    # a module fixture built from the first student is never handed to the second
    second = runner.run_checks(toy, _student(lambda x: 0), grade_id="test_f")
    assert events == ["module set up", "module torn down"] * 2
    assert first[0].passed and not second[0].passed and "not 0" in second[0].message


def test_output_is_captured_and_nothing_stays_redirected(tmp_path, capfd):
    toy = _toy(tmp_path)
    for _ in range(2):
        runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_f")
    out, err = capfd.readouterr()
    assert "a check's" not in out + err
    os.write(1, b"the grader's own line\n")
    print("the grader's own print")
    out, _ = capfd.readouterr()
    assert "the grader's own line" in out and "the grader's own print" in out


def test_a_run_restores_the_streams_of_its_own_moment(tmp_path, capfd):
    """A session made while fd 1 went elsewhere (another batch's log) does not send the
    grader's later output back there."""
    toy = _toy(tmp_path)
    elsewhere = tmp_path / "elsewhere.txt"
    saved = os.dup(1)
    with open(elsewhere, "wb") as other:
        os.dup2(other.fileno(), 1)
        try:
            runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_f")
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_f")
    os.write(1, b"the grader's own line\n")
    assert "the grader's own line" in capfd.readouterr().out
    assert "grader" not in elsewhere.read_text()


def test_a_check_that_runs_checks_gets_a_session_of_its_own(tmp_path):
    toy = _toy(tmp_path)
    nested = CHECKS + '''

@grade("test_h")
def test_h_runs_the_others(student):
    from autograder.checks.runner import run_checks
    from autograder import assignments
    inner = run_checks(assignments.load(student.context["root"], "toy"), student, grade_id="test_g")
    assert [o.passed for o in inner] == [True]
'''
    (toy.checks_path).write_text(nested)
    toy = assignments.load(tmp_path, "toy")
    student = _student(lambda x: 2 * x)
    student.context["root"] = tmp_path
    outcomes = runner.run_checks(toy, student, grade_id="test_h")
    assert [(o.name, o.passed) for o in outcomes] == [("test_h_runs_the_others", True)]


def test_a_changed_checks_file_gets_a_new_session(tmp_path):
    toy = _toy(tmp_path)
    assert runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_g")[0].passed
    toy.checks_path.write_text(CHECKS.replace('== "me"', '== "you"'))
    assert not runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_g")[0].passed


def test_checks_that_do_not_collect_say_so_as_before(tmp_path, monkeypatch):
    toy = _toy(tmp_path, CHECKS.replace('@grade("test_g")\n', ""))  # a check with no marker
    with pytest.raises(RuntimeError, match="could not run") as kept:
        runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_f")
    monkeypatch.setattr(runner, "_live_session", lambda *args: None)
    with pytest.raises(RuntimeError, match="could not run") as fresh:
        runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_f")
    assert str(kept.value) == str(fresh.value)


def test_only_a_few_sessions_are_kept(tmp_path):
    for number in range(runner._LIVE_KEPT + 2):
        toy = _toy(tmp_path / str(number))
        runner.run_checks(toy, _student(lambda x: 2 * x), grade_id="test_g")
    assert len(runner._LIVE) <= runner._LIVE_KEPT


NUMPY_ASSIGNMENTS = [n for n in assignments.names(REPO) if not assignments.load(REPO, n).training_cell]


@pytest.mark.slow
@pytest.mark.parametrize("name", NUMPY_ASSIGNMENTS)
def test_a_kept_session_gives_every_catalogue_what_a_session_a_cell_gives(name, tmp_path, monkeypatch):
    """The reference and a third of each catalogue (not the third test_batched_calls takes),
    cell after cell as the executor asks: identical outcomes, message for message."""
    from autograder.mutants import load_catalogue
    from autograder.validate import mutant_reach, mutated_notebook, run_in_process

    assignment = assignments.load(REPO, name)
    catalogue = load_catalogue(assignment)
    kept_session = runner._live_session
    for mutant in [None, *catalogue.mutants[(len(name) + 1) % 3::3]]:
        namespace, _ = run_in_process(mutated_notebook(assignment, mutant), tmp_path, assignment)
        cells = assignment.grade_ids if mutant is None else [
            c for c in assignment.grade_ids if c in mutant_reach(assignment, mutant)]
        outcomes = {}
        for mode, sessions in (("kept", kept_session), ("one a cell", lambda *args: None)):
            monkeypatch.setattr(runner, "_live_session", sessions)
            outcomes[mode] = [_read(runner.run_checks(assignment, LocalStudent(dict(namespace)),
                                                          grade_id=cell)) for cell in cells]
        assert outcomes["kept"] == outcomes["one a cell"], mutant.name if mutant else "reference"
    assert any(p == str(runner.check_module_path(assignment).resolve()) for p, _ in runner._LIVE)

