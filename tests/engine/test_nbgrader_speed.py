"""nbgrader's costs cut where it makes them (autograder.nbgrader_speed), what it does kept:
gradebooks of one database share an engine, metadata schemas are checked once."""
import jsonschema
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbformat.v4 import new_code_cell

from autograder import nbgrader_speed


def test_gradebooks_of_one_database_share_an_engine_and_still_work(tmp_path):
    import nbgrader.api

    nbgrader_speed.install()
    nbgrader_speed.install()  # once per process, however often it is asked
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert nbgrader.api.create_engine(other) is not nbgrader.api.create_engine(url)
    with Gradebook(url) as first:
        first.add_student("ada")
        with Gradebook(url) as second:
            assert second.engine is first.engine
            second.add_student("bob")
        # the other one closed (its connections let go): this one still reads and writes
        first.add_assignment("a1")
        assert sorted(s.id for s in first.students) == ["ada", "bob"]


def _cell(**nbgrader):
    cell = new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": True,
                                 "locked": False, "grade_id": "a", **nbgrader}
    return cell


@pytest.mark.parametrize("bad", [{"points": "ten"}, {"grade_id": 7}, {"solution": "yes"}])
def test_metadata_is_validated_as_jsonschema_validates_it(bad):
    nbgrader_speed.install()
    validator = MetadataValidator()
    validator.validate_cell(_cell())  # a good cell passes
    with pytest.raises(ValidationError) as ours:
        validator.validate_cell(_cell(**bad))
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(_cell(**bad).metadata["nbgrader"], validator.schema)
    assert str(ours.value) == str(theirs.value)
