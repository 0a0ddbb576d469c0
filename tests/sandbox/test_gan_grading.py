"""The GAN assignments graded through `dlgrade grade`'s path, in sandboxed kernels. gan-1d:
the checks build the student's models with the student's own functions and keep them in the
kernel (Kept handles), send the grader's own generators in (a constant point, a linear map),
set a kept model's trainable flag and read which weights a step changed; the reference gets
full marks, and Keras 2's freeze-once code (kept models, a trainable flag set from the
grader) and real points handed in as fakes (a grader's generator sent in) lose the cells that
name them, and nothing else. dcgan-digits: the grader draws the trained generator's images and judges them
with its own digit classifier; the reference gets full marks, an untrained generator none of
those points."""
from pathlib import Path

import pytest

from autograder import assignments, grading, sandbox, timing
from autograder.validate import validate

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

ISOLATION = sandbox.probe()


def assert_calibrated_with_the_graded_steps(work, assignment: str) -> None:
    """validate's calibration is the graded reference's run: the training steps its budget
    check counted (the combined model's, for a GAN) are saved there."""
    calibration = timing.load(work, assignment)
    (budget,) = grading.saved_results(work, assignment, "reference")["budgets"]
    assert calibration.training_steps and calibration.training_steps == budget["training_steps"]


@pytest.mark.skipif(ISOLATION.level == "none", reason="no sandbox here: " + "; ".join(ISOLATION.missing))
def test_gan_1d_steps_are_graded_through_kept_models_in_the_kernel(tmp_path):
    report = validate(assignments.load(REPO, "gan-1d"), in_process=False, work=tmp_path,
                      only=("keras2_freeze_once", "fake_samples_are_real_points"))
    assert report.reference_full, report.reference.messages
    verdicts = {v.mutant.name: v for v in report.verdicts}
    assert all(v.killed and not v.problems for v in verdicts.values()), \
        {name: v.problems for name, v in verdicts.items()}
    frozen = verdicts["keras2_freeze_once"].graded
    assert frozen.scores["test_train_discriminator"] < 1
    assert frozen.scores["test_gan"] == frozen.scores["test_train_generator"] == 1.0
    assert any("Keras 3 reads trainable" in m for m in frozen.messages["test_train_discriminator"])
    assert_calibrated_with_the_graded_steps(tmp_path, "gan-1d")


@pytest.mark.skipif(ISOLATION.level == "none", reason="no sandbox here: " + "; ".join(ISOLATION.missing))
def test_dcgan_digits_images_are_drawn_and_judged_by_the_grader(tmp_path):
    report = validate(assignments.load(REPO, "dcgan-digits"), in_process=False, work=tmp_path,
                      only=("no_training",))
    assert report.reference_full, report.reference.messages
    (untrained,) = report.verdicts
    assert untrained.killed and not untrained.problems, untrained.problems
    assert untrained.graded.scores["test_samples"] == 0.0
    assert untrained.graded.scores["test_train_generator"] == 1.0
    assert_calibrated_with_the_graded_steps(tmp_path, "dcgan-digits")
