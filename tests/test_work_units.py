"""`make test`'s work units (tests/conftest.py): an assignment's proofs stay together, apart
from the other assignments'; every other test file is one unit."""
import importlib.util
import json
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
        "tests/checks/test_assignments.py::timeseries-lstm"
    assert unit("tests/checks/test_assignments.py::test_m[timeseries-lstm-untrained_model]") == \
        "tests/checks/test_assignments.py::timeseries-lstm"
    assert unit("tests/checks/test_assignments_heavy.py::test_m[timeseries-mlp-no_scaling]") == \
        "tests/checks/test_assignments_heavy.py::timeseries-mlp"
    assert unit("tests/checks/test_assignments.py::test_the_call_graph_is_read_from_the_solution") == \
        "tests/checks/test_assignments.py"
    assert unit("tests/engine/test_bridge.py::test_round_trip[1]") == "tests/engine/test_bridge.py"
    assert len({unit(f"tests/checks/test_assignments.py::t[{n}]") for n in NAMES}) == len(NAMES)


def test_the_longest_unit_starts_first_and_a_new_one_in_the_middle():
    seconds = {"tests/a.py": 1.0, "tests/b.py": 300.0, "tests/c.py": 5.0}
    order = conftest.longest_first(["tests/a.py", "tests/new.py", "tests/c.py", "tests/b.py"], seconds)
    assert order == ["tests/b.py", "tests/new.py", "tests/c.py", "tests/a.py"]


def test_the_stored_durations_name_units_this_suite_has():
    stored = json.loads(conftest.WORK_UNITS.read_text())
    assert stored and all(s >= 0 for s in stored.values())
    test_files = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_*.py")}
    missing = [u for u in stored if u.partition("::")[0] not in test_files]
    assert not missing, f"work_units.json names units that are gone (remove them, or `make test-durations`): {missing}"
