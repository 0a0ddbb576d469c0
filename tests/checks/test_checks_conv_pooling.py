"""The conv-pooling hidden checks, proven on the solutions and on known-wrong students.

The tests are those of tests/checks/_harness.py (full marks for the reference and the
notebook's solution, every mutant of mutants_conv_pooling.py caught with a message
naming its mistake, deleted functions, identical regrades), run for conv-pooling.
"""
from __future__ import annotations

from pathlib import Path

from _harness import AssignmentChecks, load

catalogue = load("mutants_conv_pooling", Path(__file__).resolve().parent / "mutants_conv_pooling.py")


class TestConvPoolingChecks(AssignmentChecks):
    assignment = "conv-pooling"
    points = {"test_output_size": 2, "test_zero_pad": 1, "test_conv2d": 4, "test_conv2d_multi": 4,
              "test_max_pool": 2, "test_avg_pool": 2}
    catalogue = catalogue
    deleted = ("output_size", "zero_pad", "max_pool")  # reused by all / by one / a leaf
    # output_size rounded up: passes some checks, fails property tests in five cells
    regrade = ("output_size_ceil", 5)
