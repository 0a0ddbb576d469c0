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
