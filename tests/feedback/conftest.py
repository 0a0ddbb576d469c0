"""Fixtures: results.json files from a graded demo class and hostile submissions, plus hand-made ones.

conv-pooling-{ada,ben,cy,dee,eve}, cnn-shapes-{ben,eve}: `dlgrade demo` (solution, classic
mistakes, broken imports, untouched stub, not JSON). conv-pooling-{exits,hangs}: the hostile
end-to-end tests (kernel exits, a cell that hangs; written before checks carried hint,
counterexample and detail). conv-pooling-tampered and -nan are edited copies of ada's: a
test cell restored after tampering, and an avg_pool that returns NaN/inf.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def load():
    """A fresh (mutable) copy of a fixture by name, e.g. load("conv-pooling-ben")."""
    return lambda name: copy.deepcopy(load_fixture(name))


@pytest.fixture
def model_difference(load):
    """ben's results with one check failed as a model that differs from the exercise does."""
    results = load("conv-pooling-ben")
    check = results["cells"][3]["tests"][1]
    check.update(passed=False, hint=None, counterexample=None, detail=None, message=(
        "build_model() differs from the exercise:\n"
        "- layer 2: expected Dense(128, relu), found Dense(10, softmax)\n"
        "- parameters: expected 101,770, found 7,850"))
    return results


def _test(grade_id: str, name: str, passed: bool, message=None, hint=None, weight=1.0) -> dict:
    return {"grade_id": grade_id, "name": name, "weight": weight, "passed": passed,
            "message": message, "seconds": 0.01, "hint": hint, "counterexample": None, "detail": None}


@pytest.fixture
def make_results():
    """results.json for a small made-up class: questions {grade_id: (score, points)}, failed checks."""
    def make(student: str, questions: dict, failures=(), status="graded", reason=None,
             seconds=1.0, assignment="toy") -> dict:
        cells = []
        for i, (gid, (score, points)) in enumerate(questions.items()):
            tests = [_test(gid, name, False, message, hint) for g, name, message, hint in failures if g == gid]
            tests.append(_test(gid, f"{gid}_ok", True))
            cells.append({"index": 2 * i, "grade_id": gid.removeprefix("test_"), "status": "ok", "seconds": 0.1})
            cells.append({"index": 2 * i + 1, "grade_id": gid, "status": "graded", "seconds": 0.5,
                          "points": points, "score": score, "reason": None, "tests": tests})
        if status == "error":
            cells = []
        return {"version": 1, "assignment": assignment, "student": student, "isolation": "none",
                "status": status, "reason": reason, "kernel": None,
                "score": sum(s for s, _ in questions.values()) if status != "error" else 0.0,
                "max_score": sum(p for _, p in questions.values()), "seconds": seconds,
                "seconds_total": seconds + 0.5, "gradebook_score": None, "cells": cells}
    return make
