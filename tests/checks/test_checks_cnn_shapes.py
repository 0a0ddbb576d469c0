"""The cnn-shapes hidden checks, proven on the solutions and on known-wrong students.

The tests are those of tests/checks/_harness.py (full marks for the reference and the
notebook's solution, every mutant of mutants_cnn_shapes.py caught with a message
naming its mistake, deleted functions, identical regrades), run for cnn-shapes.
summarize calls the four other functions, so their mutants also run test_summarize;
the exercise table is a value that nothing calls.
"""
from __future__ import annotations

from pathlib import Path

from _harness import AssignmentChecks, load

catalogue = load("mutants_cnn_shapes", Path(__file__).resolve().parent / "mutants_cnn_shapes.py")


class TestCnnShapesChecks(AssignmentChecks):
    assignment = "cnn-shapes"
    points = {"test_conv_output_shape": 2, "test_pool_output_shape": 2, "test_conv_params": 2,
              "test_dense_params": 1, "test_summarize": 4, "test_exercise_table": 4}
    catalogue = catalogue
    deleted = ("conv_output_shape", "summarize", "exercise_table")  # reused by summarize / a leaf / the value
    # "same" treated as "valid": fails the fixed and the property checks of two cells, passes the rest
    regrade = ("conv_output_shape_same_as_valid", 4)
