"""transfer-finetune graded through `dlgrade grade`'s path, in sandboxed kernels, with the
stand-in base: the reference gets full marks; the executor grades test_head where it stands
(after the head's training, before the fine-tuning changes the model), so a head never trained
and a base left trainable lose it there, and the whole base fine-tuned loses test_fine_tuning;
results.json and the report name the stand-in base the grade was measured against."""
from pathlib import Path

import pytest

from autograder import assignments, grading, sandbox, timing
from autograder.validate import validate

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "transfer-finetune"
pytestmark = pytest.mark.slow

ISOLATION = sandbox.probe()


@pytest.mark.skipif(ISOLATION.level == "none", reason="no sandbox here: " + "; ".join(ISOLATION.missing))
def test_transfer_finetune_grades_each_phase_where_it_stands(tmp_path):
    report = validate(assignments.load(REPO, ASSIGNMENT), in_process=False, work=tmp_path,
                      only=("head_not_trained_before_fine_tuning", "base_left_trainable",
                            "whole_base_fine_tuned"))
    assert report.reference_full, report.reference.messages
    verdicts = {v.mutant.name: v for v in report.verdicts}
    assert all(v.killed and not v.problems for v in verdicts.values()), \
        {name: v.problems for name, v in verdicts.items()}
    untrained = verdicts["head_not_trained_before_fine_tuning"].graded
    assert untrained.scores["test_head"] < 1 and untrained.scores["test_fine_tuning"] == 1.0
    assert verdicts["whole_base_fine_tuned"].graded.scores["test_head"] == 1.0
    results = grading.saved_results(tmp_path, ASSIGNMENT, "reference")
    assert results["data"]["vgg16"].startswith("EMBEDDED STAND-IN, not VGG16's ImageNet weights")
    assert results["data"]["flowers"].startswith("EMBEDDED STAND-IN")
    # validate's calibration is the graded reference's run: its fine-tuning cell's time and
    # the steps its budget check counted
    (budget,) = results["budgets"]
    calibration = timing.load(tmp_path, ASSIGNMENT)
    assert calibration.training_steps == budget["training_steps"] == budget["reference_training_steps"] > 0
    assert calibration.runs == [calibration.seconds] == [round(budget["seconds"], 4)]
