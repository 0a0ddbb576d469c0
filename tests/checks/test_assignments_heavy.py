"""The mutants of the assignments that are heaviest to train (assignment_graders.HEAVY),
proven as test_assignments.py proves every other assignment's; each assignment's run in
the same process as its other proofs there (tests/conftest.py's work units)."""
import pytest
from assignment_graders import HEAVY, check_mutant, mutant_params


@pytest.mark.parametrize("name, mutant", mutant_params(HEAVY))
def test_mutant_loses_points_where_its_entry_says(name, mutant, grader):
    check_mutant(grader(name), mutant)
