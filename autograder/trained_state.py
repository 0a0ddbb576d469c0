"""The reference's state just after its training cell, kept to grade mutants that would train
exactly what it trained (the in-process grader's shortcut; the sandboxed path never uses it).

A mutant qualifies when every cell it changes at or above the training cell only defines
functions (or imports) whose names no unchanged cell up to the training cell reads, in its
own code or in a function it defines: the run up to the end of training is then the
reference's. Its run resumes there: its own definitions replace the reference's and the
cells below run again. The objects the cells made are shared, not copied, so every array,
container and Keras model of the kept state is fingerprinted when it is kept and checked
before each resumption; a later cell that changed one in place (a refit, `x /= 255`) sends
the mutant back to a full run.
"""
from __future__ import annotations

import ast
import hashlib
import json
import random
import symtable
import sys
from dataclasses import dataclass, field

import numpy as np

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Import, ast.ImportFrom)


def global_reads(scope) -> set[str]:
    """The global names a symtable scope reads, its nested functions' and comprehensions' too."""
    module = scope.get_type() == "module"  # where every name is global: those it reads
    names = {s.get_name() for s in scope.get_symbols()
             if (s.is_referenced() if module else s.is_global())}
    for child in scope.get_children():
        names |= global_reads(child)
    return names


def cell_reads(source: str) -> set[str] | None:
    """The global names a cell's code reads, anywhere in it (None: it does not parse)."""
    try:
        return global_reads(symtable.symtable(source, "<cell>", "exec"))
    except SyntaxError:
        return None


def definitions(source: str) -> tuple[set[str], set[tuple]] | None:
    """(the functions a cell defines, the imports it makes as (name, module, what)), when that
    is all it does: no other statement, decorator or computed default that could run
    something. None otherwise."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    functions: set[str] = set()
    imports: set[tuple] = set()
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if not isinstance(node, _DEFINITIONS):
            return None
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(a.name == "*" for a in node.names):
                return None
            module = getattr(node, "module", None)
            imports |= {((a.asname or a.name).split(".")[0], module, a.name, getattr(node, "level", 0))
                        for a in node.names}
            continue
        defaults = node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
        if node.decorator_list or not all(isinstance(d, ast.Constant) for d in defaults):
            return None
        functions.add(node.name)
    return functions, imports


def resumes_after_training(reference: list[str], mutated: list[str],
                           training: int) -> tuple[set[int], set[str]] | None:
    """When a notebook whose kernel cells are `mutated` trains exactly what the reference's
    (`reference`, the same cells' sources) trained at kernel cell `training`: (the changed
    cells above it, to run again; the names the reference's versions of them bound and no
    unchanged cell imports, to drop before). None otherwise."""
    if len(reference) != len(mutated):
        return None
    changed = [i for i, (a, b) in enumerate(zip(reference, mutated)) if a != b]
    above = {i for i in changed if i <= training}
    if training in above:
        return None
    bound: set[str] = set()
    imported: set[tuple] = set()
    dropped: set[str] = set()
    for i in above:
        found = [definitions(reference[i]), definitions(mutated[i])]
        if None in found:
            return None
        bound |= found[0][0] | found[1][0]
        imported |= found[0][1] | found[1][1]
        dropped |= found[0][0] | {name for name, *_ in found[0][1]}
    read: set[str] = set()
    imported_above: set[tuple] = set()
    for i in range(training + 1):
        if i not in above:
            names = cell_reads(reference[i])
            if names is None:
                return None
            read |= names
            imported_above |= (definitions(reference[i]) or (set(), set()))[1]
    # an import the unchanged cells make too binds what it bound there (`import numpy as np`)
    bound |= {name for name, *_ in imported - imported_above}
    if bound & read:
        return None
    return above, dropped - {name for name, *_ in imported_above}


# --------------------------------------------------------------------------- the kept state

def _digest(value, seen: set[int], depth: int = 0) -> str | None:
    """A fingerprint of what a value holds (None: nothing this module can tell changed)."""
    if depth > 4 or id(value) in seen:
        return None
    if isinstance(value, (str, bytes, int, float, bool, complex, type(None))):
        return repr(value)
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return None
        return f"{value.dtype}{value.shape}" + hashlib.blake2b(
            np.ascontiguousarray(value).view(np.uint8).data, digest_size=16).hexdigest()
    seen = seen | {id(value)}
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        items = sorted(value.items(), key=repr) if isinstance(value, dict) else (
            sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value)
        parts = [_digest(item, seen, depth + 1) for item in items]
        return f"{type(value).__name__}[{','.join(p or '?' for p in parts)}]"
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series)):
        return _digest(pandas.util.hash_pandas_object(value, index=True).to_numpy(), seen)
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(value, keras.callbacks.History):  # what fit recorded
        return "history" + (_digest(value.history, seen, depth + 1) or "?")
    if keras is not None and isinstance(value, keras.Model):
        return _model_digest(value)
    return None


def _model_digest(value) -> str:
    weights = hashlib.blake2b(digest_size=16)
    for w in value.get_weights():
        weights.update(np.ascontiguousarray(w).view(np.uint8).data)
    try:
        compiled = json.dumps(value.get_compile_config(), sort_keys=True, default=str)
    except Exception:  # noqa: BLE001 - an optimizer Keras cannot describe: weights tell
        compiled = "?"
    steps = getattr(getattr(value, "optimizer", None), "iterations", None)
    steps = int(steps.numpy()) if steps is not None and hasattr(steps, "numpy") else None
    return f"model{weights.hexdigest()}{steps}{compiled}"


def fingerprint(namespace: dict) -> dict[str, str]:
    """What every array, container and model of a namespace holds, by name."""
    found = {}
    for name, value in namespace.items():
        if name.startswith("__"):  # __builtins__, __name__: not the cells' data
            continue
        digest = _digest(value, set())
        if digest is not None:
            found[name] = digest
    return found


@dataclass
class AfterTraining:
    """The reference's namespace and cell times after its training cell (kernel cell `after`),
    with the random generators' states there."""
    after: int
    namespace: dict
    times: object
    random_states: tuple = ()
    fingerprints: dict[str, str] = field(default_factory=dict)

    @classmethod
    def take(cls, after: int, namespace: dict, times) -> "AfterTraining":
        return cls(after, dict(namespace), times.copy(),
                   (random.getstate(), np.random.get_state()), fingerprint(namespace))

    def unchanged(self) -> bool:
        """Whether what the kept namespace holds is as it was when kept."""
        return fingerprint(self.namespace) == self.fingerprints

    def resume(self, replaced: list[str]) -> tuple[dict, object]:
        """A namespace to run the cells below the training cell in: the kept one without the
        names the mutant's cells above redefine (they run again), and its times."""
        namespace = dict(self.namespace)
        for name in replaced:
            namespace.pop(name, None)
        random.setstate(self.random_states[0])
        np.random.set_state(self.random_states[1])
        return namespace, self.times.copy()
