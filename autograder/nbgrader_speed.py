"""Two of nbgrader's per-submission costs, cut where nbgrader makes them, what it does kept.

- Its gradebook makes a new SQLAlchemy engine for every `Gradebook` it opens (about seven
  a submission), so every query was compiled afresh each time: here the gradebooks of one
  database share one engine, its compiled statements kept (`Gradebook.close()` still
  closes its connections; an engine hands each thread connections of its own).
- Its cell-metadata validator checks its own JSON schema again before every cell: here a
  schema is checked once, then each cell is validated as `jsonschema.validate` does it.

`install()` is called wherever the grader opens nbgrader's API; once per process.
"""
from __future__ import annotations

import os
import threading

_LOCK = threading.Lock()
_installed = False


def install() -> None:
    global _installed
    with _LOCK:
        if _installed:
            return
        _share_engines()
        _check_schemas_once()
        _installed = True


def _share_engines() -> None:
    import nbgrader.api

    make = nbgrader.api.create_engine
    engines: dict = {}
    lock = threading.Lock()  # the batch's slot threads open gradebooks at once

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        with lock:
            if key not in engines:
                engines[key] = make(url, **options)
            return engines[key]

    def fresh_connections_in_a_forked_child():  # the parent's stay the parent's (SQLAlchemy's advice)
        for engine in engines.values():
            engine.dispose(close=False)

    os.register_at_fork(after_in_child=fresh_connections_in_a_forked_child)
    nbgrader.api.create_engine = shared_engine


class _SchemaCheckedOnce:
    """Stands in for the jsonschema module in nbgrader's validator: `validate` as jsonschema's,
    with each schema object checked once; everything else is jsonschema's own."""

    def __init__(self, jsonschema):
        self._jsonschema = jsonschema
        self._validators: list = []  # [(schema, validator)], the latest few

    def __getattr__(self, name):
        return getattr(self._jsonschema, name)

    def validate(self, instance, schema, cls=None, *args, **kwargs):
        if cls is not None or args or kwargs:
            return self._jsonschema.validate(instance, schema, cls, *args, **kwargs)
        validator = next((v for s, v in self._validators if s is schema), None)
        if validator is None:
            kind = self._jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            validator = kind(schema)
            self._validators = [(schema, validator), *self._validators[:7]]
        error = self._jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def _check_schemas_once() -> None:
    import jsonschema
    from nbgrader.nbgraderformat import common

    if getattr(common, "jsonschema", None) is jsonschema:
        common.jsonschema = _SchemaCheckedOnce(jsonschema)
