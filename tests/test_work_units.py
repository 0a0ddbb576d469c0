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


def test_a_file_grading_with_an_assignments_grader_joins_its_unit():
    """Its reference is trained once per process: the file runs where the assignment's mutants
    run. Every test file calling grader("<name>") is declared, and no other."""
    import re

    unit = lambda nodeid: conftest.work_unit(nodeid, NAMES)  # noqa: E731
    found = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        named = set(re.findall(r"""\bgrader\(\s*["']([a-z0-9-]+)["']""", path.read_text()))
        relative = path.relative_to(ROOT).as_posix()
        if named and not path.name.startswith("test_assignments"):
            assert len(named) == 1, f"{relative} grades with several assignments' graders: {named}"
            found[relative] = named.pop()
    assert found == conftest.SHARES_A_GRADER
    for path, name in found.items():
        assert unit(f"{path}::test_x[a]") == unit(f"tests/checks/test_assignments.py::test_a[{name}]")


def test_heavy_units_go_first():
    heavy = {"tests/sandbox/test_gan_grading.py"}
    assert conftest.next_unit({"tests/quiz/test_golden.py": 100,
                                  "tests/sandbox/test_gan_grading.py": 2}, heavy) == \
        "tests/sandbox/test_gan_grading.py"
    assert conftest.next_unit({"tests/a.py": 3, "tests/b.py": 40}, heavy) == "tests/b.py"
    assert conftest.next_unit({"tests/a.py": 3, "tests/b.py": 3}, heavy) == "tests/a.py"


def test_the_heavy_units_are_the_training_assignments_and_the_slow_files():
    heavy = conftest.heavy_units(ROOT, NAMES)
    unit = lambda nodeid: conftest.work_unit(nodeid, NAMES)  # noqa: E731
    assert unit("tests/checks/test_assignments.py::t[fashion-cnn]") in heavy
    assert unit("tests/checks/test_assignments.py::t[conv-pooling]") not in heavy  # numpy only
    assert "tests/sandbox/test_gan_grading.py" in heavy  # pytestmark = pytest.mark.slow
    assert "tests/reference/test_conv.py" not in heavy
    assert "tests/test_work_units.py" not in heavy
