"""`make test`'s work units (tests/conftest.py): an assignment's proofs stay together, apart
from the other assignments'; every other test file is one unit."""
import importlib.util
from pathlib import Path

from autograder import assignments

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("tests_conftest", ROOT / "tests" / "conftest.py")
conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conftest)
NAMES = assignments.names(ROOT)


def test_each_assignment_is_a_unit_of_its_own():
    unit = lambda nodeid: conftest.work_unit(nodeid, NAMES)  # noqa: E731
    assert unit("tests/checks/test_assignments.py::test_a[timeseries-lstm]") == \
        "tests/checks/test_assignments*::timeseries-lstm"
    assert unit("tests/checks/test_assignments.py::test_m[timeseries-lstm-untrained_model]") == \
        "tests/checks/test_assignments*::timeseries-lstm"
    # the heavy file's mutants with the same assignment's other proofs: one reference run
    assert unit("tests/checks/test_assignments_heavy.py::test_m[timeseries-lstm-no_scaling]") == \
        unit("tests/checks/test_assignments.py::test_a[timeseries-lstm]")
    assert unit("tests/checks/test_assignments_heavy.py::test_m[timeseries-mlp-no_scaling]") != \
        unit("tests/checks/test_assignments_heavy.py::test_m[timeseries-lstm-no_scaling]")
    assert unit("tests/checks/test_assignments.py::test_the_call_graph_is_read_from_the_solution") == \
        "tests/checks/test_assignments.py"
    assert unit("tests/engine/test_bridge.py::test_round_trip[1]") == "tests/engine/test_bridge.py"
    assert len({unit(f"tests/checks/test_assignments.py::t[{n}]") for n in NAMES}) == len(NAMES)
