"""`dlgrade validate` on the course's own conv-pooling, through the real grading path."""
import json
from pathlib import Path

import pytest

from autograder import cli, course

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_validate_grades_the_reference_and_mutants_through_kernels(tmp_path, monkeypatch, capsys):
    course.copy_assignments(REPO, tmp_path, ["conv-pooling"])
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate", "conv-pooling", "--json", "--mutant", "output_size_ceil",
                     "--mutant", "max_pool_ignores_stride"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["ok"] and report["reference"]["full_marks"]
    assert "the reference and 2 mutant(s), through the grading path" in err
    ceil, pool = report["mutants"]
    assert ceil["name"] == "output_size_ceil" and ceil["killed"] and ceil["proven"]
    # output_size is used by conv2d and the pooling functions: they lose points too
    assert {c for c, s in ceil["scores"].items() if s < 1} >= {"test_output_size", "test_conv2d"}
    assert ceil["scores"]["test_zero_pad"] == 1.0
    assert pool["scores"] == {**{c: 1.0 for c in pool["scores"]}, "test_max_pool": pool["scores"]["test_max_pool"]}
    assert pool["scores"]["test_max_pool"] < 1 and "stride" in pool["message"]
    assert cli.main(["validate", "conv-pooling", "--mutant", "no_such_mistake"]) == 2
    assert "no mutant no_such_mistake" in capsys.readouterr().err


def test_a_mutant_written_from_the_reference_time_waits_for_the_reference_s_calibration(tmp_path, monkeypatch):
    """On a device with no calibration, validate grades the reference (its run calibrating)
    with every mutant that needs nothing of it; one that sleeps past the budget is written
    from that calibration and graded after."""
    from autograder import assignments, grading, timing
    from autograder.mutants import Timed
    from autograder.validate import REFERENCE, Graded, RealGrader

    grader = RealGrader(assignments.load(REPO, "mnist-ann"), tmp_path)
    grader.prepare()
    assert timing.load(tmp_path, "mnist-ann") is None
    sleeper = next(m for m in grader.catalogue.mutants if m.name == "training_sleeps_past_its_budget")
    untrained = next(m for m in grader.catalogue.mutants if m.name == "untrained_model")
    batches = []

    def grade(root, assignment, students, calibrate_from=None, **options):
        batches.append((list(students), calibrate_from))
        if REFERENCE in students:  # what the reference's graded run leaves: its calibration
            timing.save(root, timing.calibration_of(assignment, "train", [timing.CellTimes(train=4.0)], None))

    monkeypatch.setattr(grading, "grade", grade)
    monkeypatch.setattr(RealGrader, "_read", lambda self, student: Graded(student, {}, {}))
    grader.grade_all([sleeper, untrained])
    assert batches == [([REFERENCE, "untrained_model"], REFERENCE), (["training_sleeps_past_its_budget"], REFERENCE)]
    assert grader.reference_seconds == 4.0
    (timed,) = [r for r in sleeper.replaces.values() if isinstance(r, Timed)]
    written = json.loads((tmp_path / "submitted" / sleeper.name / "mnist-ann" / "mnist-ann.ipynb").read_text())
    assert timed.make(4.0) in ["".join(cell["source"]) for cell in written["cells"]]
    # calibrated already: one batch
    batches.clear()
    grader.grade_all([sleeper, untrained])
    assert batches == [([REFERENCE, "training_sleeps_past_its_budget", "untrained_model"], REFERENCE)]
