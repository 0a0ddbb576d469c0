"""A grade cell nbgrader puts back (add_missing_cells) has no id: CellIds gives it one, so
nbformat does not warn (MissingIDFieldWarning) when the graded notebook is validated."""
from __future__ import annotations

import warnings
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.warnings import MissingIDFieldWarning
from nbgrader.preprocessors import OverwriteCells

from autograder.tamper import CellIds


def _with_a_cell_put_back():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("text")]
    # the gradebook's record of the deleted cell, as nbgrader reads it back
    source = SimpleNamespace(name="test_x", cell_type="code", locked=True, checksum="0",
                             source="assert x == 1")
    put_back = OverwriteCells().missing_cell_transform(source, 1)  # as nbgrader makes it
    nb.cells.insert(1, put_back)
    return nb


def test_nbgrader_s_restored_cell_has_no_id_and_nbformat_warns():
    nb = _with_a_cell_put_back()
    assert "id" not in nb.cells[1]
    with pytest.warns(MissingIDFieldWarning):
        nbformat.validate(nb)


def test_cell_ids_gives_it_a_fresh_id_and_nbformat_is_quiet():
    nb = _with_a_cell_put_back()
    kept = [nb.cells[0].id, nb.cells[2].id]
    nb, _ = CellIds().preprocess(nb, {})
    ids = [cell.id for cell in nb.cells]
    assert len(set(ids)) == 3 and [ids[0], ids[2]] == kept
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingIDFieldWarning)
        nbformat.validate(nb)
