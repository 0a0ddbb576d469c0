"""A mutant's replacement as the cell a student hands in: an edit of the solution's cell
(Edited) replaces every match and refuses a pattern that matches nothing, and the refused-layer
mutants of every model catalogue train one epoch in every cell that fits the model."""
from pathlib import Path

import pytest

from autograder import assignments
from autograder.model_mutants import ONE_EPOCH
from autograder.mutants import Edited, load_catalogue, replacement_source
from autograder.validate import mutated_notebook

ROOT = Path(__file__).resolve().parents[2]
CELL = "model = build_model()\nhistory = model.fit(x, y, epochs=200, batch_size=4)\n"


def test_an_edit_replaces_every_match_of_its_pattern():
    assert replacement_source("train", ONE_EPOCH, original=CELL) == \
        "model = build_model()\nhistory = model.fit(x, y, epochs=1, batch_size=4)\n"
    twice = CELL + "model.fit(x, y, epochs=5)\n"
    assert replacement_source("train", ONE_EPOCH, original=twice).count("epochs=1") == 2
    assert replacement_source("train", Edited(r"batch_size=\d+", "batch_size=32"),
                              original=CELL).endswith("batch_size=32)\n")


def test_an_edit_whose_pattern_matches_nothing_is_refused():
    with pytest.raises(ValueError, match="matches nothing"):
        replacement_source("train", ONE_EPOCH, original="model = build_model()\n")
    with pytest.raises(ValueError, match="matches nothing"):  # a name, not a number of epochs
        replacement_source("train", ONE_EPOCH, original="model.fit(x, y, epochs=EPOCHS)\n")


REFUSED = ("lambda_layer", "custom_layer")
MODEL_ASSIGNMENTS = [name for name in assignments.names(ROOT)
                     if any(m.name in REFUSED for m in load_catalogue(assignments.load(ROOT, name)).mutants)]


def test_the_model_assignments_are_found():
    assert {"mnist-ann", "cifar-cnn", "hdb-regression", "transfer-finetune"} <= set(MODEL_ASSIGNMENTS)


@pytest.mark.parametrize("name", MODEL_ASSIGNMENTS)
def test_a_refused_layer_trains_one_epoch_wherever_the_solution_fits_the_model(name):
    assignment = assignments.load(ROOT, name)
    reference = mutated_notebook(assignment, None)
    fitting = {c.get("id") for c in reference.cells if c.cell_type == "code" and ".fit(" in c.source
               and "epochs=" in c.source and "build_model" not in c.get("id", "")}
    assert fitting
    for mutant in load_catalogue(assignment).mutants:
        if mutant.name not in REFUSED:
            continue
        cells = {c.get("id"): c.source for c in mutated_notebook(assignment, mutant, 1.0).cells}
        for cell in fitting:
            assert "epochs=1," in cells[cell] or "epochs=1)" in cells[cell], (mutant.name, cells[cell])
