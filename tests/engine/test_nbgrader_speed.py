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


def test_notebooks_are_validated_once_after_nbgraders_preprocessors_unless_the_course_says(tmp_path):
    import nbformat
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import Preprocessor

    from autograder import course

    class Keeps(Preprocessor):
        def preprocess(self, nb, resources):
            return nb, resources

    class Breaks(Preprocessor):
        def preprocess(self, nb, resources):
            nb.cells[0]["execution_count"] = "one"  # not what the schema allows
            return nb, resources

    (tmp_path / course.CONFIG_FILE).write_text("")
    exporter = NotebookExporter(config=course.load_config(tmp_path))
    validated = []
    exporter._validate_preprocessor = lambda nbc, preprocessor: validated.append(preprocessor)
    for _ in range(3):
        exporter.register_preprocessor(Keeps(), enabled=True)
    exporter.from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
    assert len(validated) == 1
    # still validated: an invalid notebook is refused
    exporter = NotebookExporter(config=course.load_config(tmp_path))
    exporter.register_preprocessor(Breaks(), enabled=True)
    with pytest.raises(nbformat.ValidationError):
        exporter.from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
    # an instructor who wants each preprocessor checked keeps it
    (tmp_path / course.CONFIG_FILE).write_text("c.Exporter.optimistic_validation = False\n")
    assert course.load_config(tmp_path).Exporter.optimistic_validation is False
