"""Honest training written differently keeps the training-time point: a cheaper training (a
bigger batch, fewer epochs) spends little CPU, but in its own cell and with training steps,
which is what tells it from training moved out of the timed cell or weights set (the budget
check's idle_training). Graded in process on mnist-ann, whose training is the shortest."""
import nbformat
import pytest

from autograder import build
from autograder.validate import run_in_process

pytestmark = pytest.mark.slow

FIT = "model = build_model()\nhistory = model.fit(preprocess(x_train), y_train, {}, verbose=0)\n"


@pytest.mark.parametrize("arguments", [
    "epochs=2, batch_size=256",
    "epochs=5, batch_size=128, validation_split=0.1",
    "epochs=3, batch_size=64, shuffle=False",
])
def test_a_cheaper_honest_training_keeps_the_budget_point(grader, arguments):
    g = grader("mnist-ann")
    g.reference()  # calibrated on this machine, in process
    nb = nbformat.from_dict(build.notebook(g.assignment))
    next(c for c in nb.cells if c.get("id") == "train").source = FIT.format(arguments)
    namespace, times = run_in_process(nb, g.root, g.assignment)
    graded = g._grade(namespace, arguments, times)
    budget, = graded.budgets
    assert budget["passed"], budget["reason"]
    assert graded.scores["test_training_time"] == 1.0, graded.messages
    assert graded.flags == []
