"""Calibration against the reference solution, and the budget check built on it."""
import json
import threading
import time
from pathlib import Path

import pytest

from autograder import cli, timing
from autograder.bridge import LocalStudent
from autograder.checks.budget import assert_within_budget

REPO = Path(__file__).resolve().parents[2]
CONFIG = "c = get_config()\nc.CourseDirectory.course_id = 'timed'\n"


NOTEBOOK = """\
```python code setup
import time
pause = float(open('data.txt').read())
```

```python solution train
### BEGIN SOLUTION
time.sleep(pause)
model = 'trained'
### END SOLUTION
```

```python tests test_train
assert False, 'a test cell is never run by calibration'
```
"""


def _assignment(root, name: str, training: bool) -> None:
    folder = root / "assignments" / name
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(
        'title = "Timed"\n' + ('training_cell = "train"\n' if training else "")
        + '[[cells]]\ngrade_id = "test_train"\npoints = 1\n')
    (folder / "notebook.md").write_text(NOTEBOOK)


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "nbgrader_config.py").write_text(CONFIG)
    _assignment(tmp_path, "timed", training=True)
    _assignment(tmp_path, "untimed", training=False)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build"]) == 0
    (tmp_path / "source" / "timed" / "data.txt").write_text("0.25")  # copied along to the kernel
    return tmp_path


@pytest.mark.slow
def test_calibrate_times_the_training_cell_and_stores_it_per_device(course, capsys):
    assert cli.main(["calibrate", "timed", "--cell", "train", "--runs", "2"]) == 0
    out, err = capsys.readouterr()
    assert "1 warm-up + 2 runs" in err and "warm-up:" in err and "run 2/2:" in err
    path = course / "calibration" / "timed" / f"{timing.device_id()}.json"
    assert f"saved {path}" in out
    saved = json.loads(path.read_text())
    assert saved["cell"] == "train" and len(saved["runs"]) == 2
    assert 0.24 <= saved["seconds"] <= 2.0  # the cell sleeps 0.25 s (data file copied along)
    assert saved["device"]["kind"] in ("cpu", "gpu") and saved["device"]["numpy"]
    # the kernel's CPU, measured from outside it: the whole notebook's, and the sleeping cell's
    assert 0 <= saved["cpu_seconds"] < 0.25 and saved["notebook_cpu_seconds"] > 0
    assert saved["notebook_seconds"] >= saved["seconds"]
    loaded = timing.load(course, "timed")
    assert loaded.seconds == saved["seconds"] and loaded.gpu_timed == (saved["device"]["kind"] == "gpu")
    assert saved["warmup"] is not None
    # without the untimed first run: one kernel less, and the file says there was none
    assert cli.main(["calibrate", "timed", "--runs", "1", "--no-warm-up"]) == 0
    err = capsys.readouterr().err
    assert "no warm-up, 1 run on" in err and "warm-up:" not in err and "run 1/1:" in err
    quick = json.loads(path.read_text())
    assert quick["warmup"] is None and len(quick["runs"]) == 1 and 0.24 <= quick["seconds"] <= 2.0
    assert timing.load(course, "timed").warmup is None


@pytest.mark.slow
def test_grade_with_calibrate_takes_a_whole_calibration_first(course, capsys):
    cli.main(["grade", "timed", "--calibrate", "--json"])  # no submission: only the calibration
    err = capsys.readouterr().err
    assert "calibrating timed first" in err and "1 warm-up + 3 runs" in err and "run 3/3:" in err
    taken = timing.load(course, "timed")
    assert taken.warmup is not None and len(taken.runs) == 3 and 0.24 <= taken.seconds <= 2.0


def test_the_reference_s_graded_run_calibrates_only_a_device_with_none(course):
    from autograder.execute import TrustedExecute

    run = TrustedExecute(course_root=str(course), calibrate_from_run=True)
    run._assignment, run._training, run._wall_total = "timed", "train", 2.5
    run._cells = [{"grade_id": "setup", "status": "ok", "seconds": 0.5, "cpu_seconds": 0.4},
                  {"grade_id": "train", "status": "ok", "seconds": 1.5, "cpu_seconds": 1.2}]
    assert run._calibrated_here("test_model", run._cell_times()) is None  # not the budget's cell
    assert timing.load(course, "timed") is None
    taken = run._calibrated_here("test_training_time", run._cell_times())
    saved = timing.load(course, "timed")
    assert (saved.cell, saved.seconds, saved.runs, saved.warmup) == ("train", 1.5, [1.5], None)
    assert (saved.cpu_seconds, saved.notebook_seconds, saved.reference) == (1.2, 2.5, {})
    assert saved.training_steps is None  # until the budget check has counted them
    budgets = [{"cell": "train", "training_steps": 40, "reference_training_steps": None}]
    run._count_training_steps(taken, budgets)
    assert timing.load(course, "timed").training_steps == 40
    assert budgets[0]["reference_training_steps"] == 40
    # a calibration there already is the one: a second reference run does not replace it
    run._cells[1]["seconds"] = 9.0
    assert run._calibrated_here("test_training_time", run._cell_times()) is None
    assert timing.load(course, "timed").seconds == 1.5
    # nor does a run without the setting, or one whose training failed
    timing.calibration_path(course, "timed").unlink()
    plain = TrustedExecute(course_root=str(course))
    plain._assignment, plain._training, plain._cells, plain._wall_total = "timed", "train", run._cells, 2.5
    assert plain._calibrated_here("test_training_time", plain._cell_times()) is None
    run._cells[1]["status"] = "error"
    assert run._calibrated_here("test_training_time", run._cell_times()) is None
    assert timing.load(course, "timed") is None


def test_grading_takes_the_calibrating_reference_first_and_alone(course, monkeypatch, capsys):
    from autograder import grading

    batches = []

    graded, running = [], []

    class Worker:  # one slot's: what it grades, in order, and whether any other slot was busy
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def run(self, function, root, assignment, student, *args):
            running.append(student)
            time.sleep(0.2)
            graded.append((student, args[-1], len(running)))  # (student, calibrating, at once)
            running.remove(student)
            return grading.StudentResult(student, 1.0, 1.0, "graded", None)

    monkeypatch.setattr(grading.dispatch, "Worker", Worker)
    results = grading.grade(course, "timed", ["ann", "ref", "bob", "cy"], isolation="none",
                            jobs=2, calibrate_from="ref", regrade=True)
    assert [r.student for r in results] == ["ann", "ref", "bob", "cy"]
    assert graded[0] == ("ref", True, 1)  # first, alone (no other slot busy), calibrating
    assert sorted(g[:2] for g in graded[1:]) == [("ann", False), ("bob", False), ("cy", False)]
    assert max(g[2] for g in graded[1:]) == 2  # then both slots
    assert "the reference solution's graded run (ref) is taken as it" in capsys.readouterr().err
    # the calibrating slot failing (here its progress report raises) leaves no slot waiting
    timing.calibration_path(course, "timed").unlink(missing_ok=True)

    def broken(result):
        if result.student == "ref":
            raise RuntimeError("the progress bar broke")

    outcome = []

    def batch():
        try:
            grading.grade(course, "timed", ["ann", "ref", "bob"], isolation="none", jobs=2,
                          calibrate_from="ref", regrade=True, progress=broken)
        except RuntimeError as exc:
            outcome.append(str(exc))

    waiting = threading.Thread(target=batch, daemon=True)
    waiting.start()
    waiting.join(timeout=30)
    assert not waiting.is_alive() and outcome == ["the progress bar broke"]
    # calibrated already: in the order given, nobody calibrating
    timing.save(course, timing.calibration_of("timed", "train", [timing.CellTimes(train=1.0)], None))
    graded.clear()
    grading.grade(course, "timed", ["ann", "ref"], isolation="none", jobs=1, calibrate_from="ref",
                  regrade=True)
    assert graded == [("ann", False, 1), ("ref", False, 1)]


def test_calibrate_needs_a_cell_that_exists(course, capsys):
    assert cli.main(["calibrate", "untimed"]) == 2
    assert "declares no training_cell" in capsys.readouterr().err
    with pytest.raises(ValueError, match="no cell with grade_id 'fit'"):
        timing.time_cell(course / "source" / "timed" / "timed.ipynb", "fit", None, 10)
    assert cli.main(["calibrate", "nothing", "--cell", "train"]) == 2


def _calibration(seconds=2.0, kind="cpu", cpu=None):
    info = dict(timing.device(), kind=kind, gpus=["NVIDIA H100"] if kind == "gpu" else [])
    cpu = cpu if cpu is not None else 2 * seconds
    return timing.Calibration("timed", "train", seconds, [seconds], seconds, info, "now",
                              cpu_seconds=cpu, notebook_cpu_seconds=cpu + 5,
                              notebook_seconds=seconds + 4)


def test_whole_notebook_verdicts():
    calibration = _calibration(2.0, cpu=4.0)  # notebook: 9 s of CPU, 6 s of wall time

    def verdict(cell_cpu=3.0, total=10.0, wall=8.0, steps=200):
        return timing.usage_failure({"cell_cpu_seconds": {"train": cell_cpu},
                                     "kernel_cpu_seconds": total, "notebook_seconds": wall},
                                    calibration, 3, "timed", steps)

    assert verdict() is None
    # the training moved out of the timed cell: its CPU shows up in the rest of the notebook
    assert verdict(cell_cpu=0.02) == (
        "the training cell train used 0.02 s of CPU, under a tenth of the reference solution's "
        "4.00 s, while the rest of the notebook used 5.0 s more CPU than the reference's: the "
        "training happened outside the timed cell (in another cell, or in a background thread), "
        "which does not earn this point")
    # little CPU and no step: nothing trained; little CPU, steps, nothing elsewhere: a cheap,
    # honest training (a big batch, few epochs)
    assert verdict(cell_cpu=0.02, total=5.5, steps=0) == (
        "the training cell train used 0.02 s of CPU, under a tenth of the reference solution's "
        "4.00 s, and its model took no training step: no training happened in it")
    assert verdict(cell_cpu=0.02, total=5.5, steps=None).endswith("no training happened in it")
    assert verdict(cell_cpu=0.3, total=5.5, steps=12) is None
    # a short training (0.8 s of CPU): under half a second more elsewhere is the checks' and
    # the start-up's spread, not a training
    short = _calibration(1.0, cpu=0.8)  # notebook: 5.8 s of CPU
    context = {"cell_cpu_seconds": {"train": 0.05}, "kernel_cpu_seconds": 5.5}
    assert timing.idle_training(context, short, steps=30) is None  # 0.45 s elsewhere
    context["kernel_cpu_seconds"] = 5.7
    assert "outside the timed cell" in timing.idle_training(context, short, steps=30)
    assert verdict(total=27.5) == (
        "the notebook used 27.5 s of CPU in all (every thread of its kernel, whichever cell "
        "started it), over the budget of 3 x the reference solution's 9.0 s = 27.0 s")
    assert verdict(wall=18.5).startswith("the notebook's cells took 18.5 s in all, over the "
                                         "budget of 3 x the reference solution's 6.0 s")
    old = timing.Calibration("timed", "train", 2.0, [2.0], 2.0, timing.device(), "now")
    assert "predates the whole-notebook CPU timing" in timing.usage_failure({}, old, 3, "timed")
    assert "dlgrade calibrate timed` again" in timing.usage_failure({}, old, 3, "timed")


def test_steps_counted_beyond_the_training_cell_cpu_were_taken_elsewhere():
    calibration = _calibration(2.0, cpu=4.0)  # 5 s of CPU outside its training
    calibration.training_steps = 200          # 20 ms of CPU a step
    # no CPU left over in the rest of the notebook (the reference's start-up ran slower)
    context = {"cell_cpu_seconds": {"train": 0.02}, "kernel_cpu_seconds": 5.3}
    assert timing.moved_training_cpu(context, calibration) is None
    assert timing.idle_training(context, calibration, steps=400) == (
        "the training cell train used 0.02 s of CPU, under a tenth of the reference solution's "
        "4.00 s, while its model counted 400 training steps, which took the reference 8.0 s of "
        "CPU: the training happened outside the timed cell (in another cell, or in a background "
        "thread), which does not earn this point")
    assert timing.trained_elsewhere(context, calibration, steps=20) == (
        "its model counted 20 training steps, which took the reference 0.4 s of CPU")
    # a few steps (a big batch) in 0.02 s is a cheap training, not one moved
    assert timing.idle_training(context, calibration, steps=5) is None
    assert timing.trained_elsewhere(context, calibration, steps=None) is None
    # a training cell that used its share of CPU is judged by its time, not here
    busy = {"cell_cpu_seconds": {"train": 0.5}, "kernel_cpu_seconds": 5.8}
    assert timing.trained_elsewhere(busy, calibration, steps=4000) is None
    # a calibration from before the step count: the CPU left over alone tells
    calibration.training_steps = None
    assert timing.idle_training(context, calibration, steps=400) is None
    times = timing.CellTimes(train=1.0)
    times.cpu["train"], times.cpu_total, times.wall_total = 2.0, 7.0, 3.0
    assert timing.calibration_of("timed", "train", [times], 0.0, steps=255).training_steps == 255


def test_budget_verdicts():
    assert timing.budget_failure(5.9, _calibration(2.0), 3) is None
    over = timing.budget_failure(6.5, _calibration(2.0), 3)
    assert over.startswith("the training cell train took 6.50 s, over the budget of 3 x the "
                           "reference solution's 2.00 s = 6.00 s (CPU-timed on cpu-")
    assert "(GPU-timed on gpu-" in timing.budget_failure(7, _calibration(2.0, "gpu"), 3)
    assert timing.budget_failure(None, _calibration(), 3) == (
        "the training cell train did not run to the end (it raised an error, or was never run), "
        "so it could not be timed")
    uncalibrated = timing.budget_failure(1.0, None, 3, "mnist-ann")
    assert uncalibrated.startswith("uncalibrated: there is no reference timing for mnist-ann")
    assert "dlgrade calibrate mnist-ann" in uncalibrated


def test_the_budget_check_reads_the_executor_timings(course):
    path = timing.calibration_path(course, "timed")
    path.parent.mkdir(parents=True)
    calibration = _calibration(1.0)
    path.write_text(json.dumps(calibration.__dict__))
    fast = LocalStudent({}, context={"course_root": course, "assignment": "timed",
                                     "cell_seconds": {"train": 2.5},
                                     "cell_cpu_seconds": {"train": 1.5}, "kernel_cpu_seconds": 6.0})
    assert_within_budget(fast, "train", factor=3)
    assert fast.context["budgets"] == [{
        "cell": "train", "seconds": 2.5, "factor": 3, "reference_seconds": 1.0,
        "cpu_seconds": 1.5, "reference_cpu_seconds": 2.0, "notebook_cpu_seconds": 6.0,
        "reference_notebook_cpu_seconds": 7.0, "training_steps": None,
        "reference_training_steps": None,
        "device": timing.device_id(calibration.device), "gpu_timed": False, "passed": True,
        "reason": None}]
    assert "flags" not in fast.context
    idle = LocalStudent({}, context={"course_root": course, "assignment": "timed",
                                     "cell_seconds": {"train": 0.1},
                                     "cell_cpu_seconds": {"train": 0.01}, "kernel_cpu_seconds": 9.0})
    with pytest.raises(AssertionError, match="the training happened outside the timed cell"):
        assert_within_budget(idle, "train", factor=3)
    flag, = idle.context["flags"]  # left for the instructor, with the evidence
    assert flag["kind"] == "not_trained_here"
    assert flag["evidence"] == "the training cell train used 0.01 s of CPU against the reference's 2.00 s"
    slow = LocalStudent({}, context={"course_root": course, "assignment": "timed",
                                     "cell_seconds": {"train": 3.5}})
    with pytest.raises(AssertionError, match="took 3.50 s, over the budget of 3 x"):
        assert_within_budget(slow, "train", factor=3)
    skipped = LocalStudent({}, context={"course_root": course, "assignment": "timed", "cell_seconds": {}})
    with pytest.raises(AssertionError, match="did not run"):
        assert_within_budget(skipped, "train")
    elsewhere = LocalStudent({}, context={"course_root": course / "other", "assignment": "timed",
                                          "cell_seconds": {"train": 0.1}})
    with pytest.raises(AssertionError, match="uncalibrated"):
        assert_within_budget(elsewhere, "train")  # never a silent pass


def test_device_ids_name_the_hardware_not_the_versions():
    info = timing.device()
    assert timing.device_id(info) == timing.device_id(dict(info, numpy="0.0", tensorflow=None))
    assert timing.device_id(info) != timing.device_id(dict(info, cores=(info["cores"] or 1) + 1))
    assert timing.device_id(info).startswith(info["kind"] + "-")


def test_grading_an_uncalibrated_assignment_warns_or_calibrates_first(tmp_path, capsys, monkeypatch):
    from autograder import course
    from autograder.commands.calibrate import ensure_calibrated

    course.copy_assignments(REPO, tmp_path, ["conv-pooling", "mnist-ann"], config=False)
    assert ensure_calibrated(tmp_path, "conv-pooling", calibrate=False) is None  # nothing timed
    assert capsys.readouterr().err == ""
    assert ensure_calibrated(tmp_path, "mnist-ann", calibrate=False) is None
    err = capsys.readouterr().err
    assert "mnist-ann has no calibration for this device" in err and "--calibrate" in err
    taken = []
    monkeypatch.setattr(timing, "calibrate", lambda root, assignment, cell, runs, warmup, progress:
                        taken.append((assignment, cell, runs, warmup)) or "calibrated")
    assert ensure_calibrated(tmp_path, "mnist-ann", runs=1, warmup=False) == "calibrated"
    assert taken == [("mnist-ann", "train", 1, False)]
    assert "calibrating mnist-ann first (no reference timing on " in (err := capsys.readouterr().err)
    assert "no warm-up, 1 run" in err
    stored = _calibration(2.0)
    path = timing.calibration_path(tmp_path, "mnist-ann")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({**stored.__dict__, "assignment": "mnist-ann"}))
    assert ensure_calibrated(tmp_path, "mnist-ann").seconds == 2.0 and len(taken) == 1


def test_calibration_says_whether_the_reference_clears_its_thresholds():
    assert timing.describe_reference({"scores": {"test_model": 1.0, "test_accuracy": 1.0},
                                      "failures": []}) == (
        "the reference solution passes every hidden check on this grader's data")
    warning = timing.describe_reference({
        "scores": {"test_model": 1.0, "test_accuracy": 0.75},
        "failures": ["test_accuracy/test_accuracy_step_4_of_4: accuracy 0.9600 ... is below 0.9700"]})
    assert warning.startswith("WARNING: the reference solution does not pass every hidden check")
    assert "adjust the thresholds in assignment.toml" in warning and "\n  test_accuracy/test_accuracy_step_4_of_4: accuracy" in warning
    assert timing.describe_reference({}) == "no hidden checks to run on the reference solution"
    # older calibration files, without the reference's scores, still load
    assert timing.Calibration("a", "train", 1.0, [1.0], 1.0, {}, "now").reference is None
