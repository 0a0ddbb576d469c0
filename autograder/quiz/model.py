"""The quiz item model: seeds, parameter draws, items, options and their JSON form.

An `Item` is the authoritative record of one generated question: the family and
variant it came from, the seeds, the parameters, the prompt (plain text; every
renderer escapes it), figures shown with the prompt (matrices, code), the answer
key (computed by `reference/`), the tolerance, and the options. Options are
stored key first; distractors name the mistake that produces them.

Kinds:
    numeric      answer is an int (tolerance 0) or a float (absolute tolerance
                 10**-decimals, chosen so that no mistake value falls inside it)
    multichoice  answer is the text of the one correct option
    matrix       answer is a list of rows; LMS exports ask for one named cell
                 (`Item.cell`), see `cell_item`

Seeding: every item draws its parameters from `Draw(item_seed(...))`, a
`random.Random` used only through `random()` (the one stream Python guarantees
across versions); numpy generators are never used for parameter draws.
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
import random
from dataclasses import dataclass
from typing import Any, Sequence

# 2: steps-per-epoch offers no more steps than there are samples (it offered n x batch size).
# 3: transfer-learning's four strategies are four distinct actions (small+similar's key and
#    small+different's option said the same); steps-per-epoch draws batches of at most half
#    the samples (a batch of 500 for 400 photos offered "0 steps").
GENERATOR_VERSION = "3"
KINDS = ("numeric", "multichoice", "matrix")
MAX_DECIMALS = 4          # Canvas keeps 4 decimals: answers below 1e-4 become 0
FORMAT_NAME = "dlgrade-quiz"


def item_seed(family: str, variant: int, quiz_seed: int) -> int:
    """The per-item seed: the first 64 bits of sha256("family:variant:version:quiz seed")."""
    text = f"{family}:{variant}:{GENERATOR_VERSION}:{quiz_seed}"
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], 16)


class Draw:
    """Parameter draws built on `random.Random(seed).random()` alone.

    `randint`, `choice` and `shuffle` of the random module may change between
    Python versions; `random()` may not, so everything here is derived from it.
    """

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def random(self) -> float:
        return self._random.random()

    def integer(self, low: int, high: int) -> int:
        """An int in [low, high], both included."""
        if high < low:
            raise ValueError(f"empty range [{low}, {high}]")
        return low + min(int(self.random() * (high - low + 1)), high - low)

    def choice(self, seq: Sequence):
        if not seq:
            raise ValueError("choice from an empty sequence")
        return seq[self.integer(0, len(seq) - 1)]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def shuffled(self, seq: Sequence) -> list:
        """A Fisher-Yates shuffled copy."""
        out = list(seq)
        for i in range(len(out) - 1, 0, -1):
            j = self.integer(0, i)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, seq: Sequence, k: int) -> list:
        return self.shuffled(seq)[:k]


# --- numbers -----------------------------------------------------------------------

def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def canonical(value):
    """Plain Python ints / floats / strings / nested lists (numpy scalars and arrays unwrapped)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite value {value!r} in a quiz item")
        return 0.0 if value == 0 else float(value)
    return value


def rounded(value: float, decimals: int):
    """value rounded for display and export: ints stay ints; floats to `decimals` places."""
    if isinstance(value, int):
        return value
    r = round(float(value), decimals)
    return 0.0 if r == 0 else r


def format_number(value, decimals: int = 0) -> str:
    """Display form: ints as digits; floats to `decimals` places, trailing zeros dropped."""
    if isinstance(value, int):
        return str(value)
    text = f"{rounded(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def is_matrix(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(r, list) for r in value)


def format_value(value, decimals: int = 0) -> str:
    """Display form of any answer value: number, string, or matrix (as nested brackets)."""
    if is_matrix(value):
        return "[" + ", ".join(
            "[" + ", ".join(format_number(v, decimals) for v in row) + "]" for row in value) + "]"
    if is_number(value):
        return format_number(value, decimals)
    return str(value)


# --- items ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One answer: the key (correct=True, no mistakes) or a distractor naming its mistake(s).

    For numeric items the distractors are the wrong answers that get specific
    feedback (Moodle numerical answers with fraction 0); `value` is exact, `text`
    the displayed form.
    """
    text: str
    value: Any
    correct: bool
    feedback: str
    mistakes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"text": self.text, "value": self.value, "correct": self.correct,
                "feedback": self.feedback, "mistakes": list(self.mistakes)}

    @classmethod
    def from_json(cls, data: dict) -> "Option":
        return cls(text=data["text"], value=data["value"], correct=bool(data["correct"]),
                   feedback=data["feedback"], mistakes=tuple(data.get("mistakes", ())))


@dataclass(frozen=True)
class Figure:
    """Something shown with the prompt: a matrix (HTML table) or a code listing."""
    label: str
    matrix: Any = None
    code: str | None = None

    def to_json(self) -> dict:
        data: dict = {"label": self.label}
        if self.matrix is not None:
            data["matrix"] = self.matrix
        if self.code is not None:
            data["code"] = self.code
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Figure":
        return cls(label=data["label"], matrix=data.get("matrix"), code=data.get("code"))


@dataclass(frozen=True)
class Item:
    family: str
    variant: int
    quiz_seed: int
    seed: int
    kind: str
    prompt: str
    params: dict
    answer: Any
    tolerance: float = 0
    decimals: int = 0
    options: tuple[Option, ...] = ()
    explanation: str = ""
    figures: tuple[Figure, ...] = ()
    cell: tuple[int, int] | None = None
    dropped: tuple[str, ...] = ()
    generator_version: str = GENERATOR_VERSION

    @property
    def name(self) -> str:
        return f"{self.family}-v{self.variant}-s{self.quiz_seed}"

    @property
    def key(self) -> Option:
        return next(o for o in self.options if o.correct)

    @property
    def distractors(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if not o.correct)

    def display_options(self) -> list[Option]:
        """Options in presentation order (a seeded shuffle; exports that shuffle themselves use key-first)."""
        return Draw(self.seed ^ 0x5EED).shuffled(self.options)

    def answer_text(self) -> str:
        return format_value(self.answer, self.decimals)

    def to_json(self) -> dict:
        return {
            "family": self.family,
            "variant": self.variant,
            "quiz_seed": self.quiz_seed,
            "seed": self.seed,
            "generator_version": self.generator_version,
            "kind": self.kind,
            "prompt": self.prompt,
            "params": self.params,
            "answer": self.answer,
            "tolerance": self.tolerance,
            "decimals": self.decimals,
            "options": [o.to_json() for o in self.options],
            "explanation": self.explanation,
            "figures": [f.to_json() for f in self.figures],
            "cell": list(self.cell) if self.cell is not None else None,
            "dropped": list(self.dropped),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Item":
        return cls(
            family=data["family"], variant=int(data["variant"]), quiz_seed=int(data["quiz_seed"]),
            seed=int(data["seed"]), kind=data["kind"], prompt=data["prompt"],
            params=data["params"], answer=data["answer"], tolerance=data["tolerance"],
            decimals=int(data["decimals"]),
            options=tuple(Option.from_json(o) for o in data["options"]),
            explanation=data.get("explanation", ""),
            figures=tuple(Figure.from_json(f) for f in data.get("figures", ())),
            cell=tuple(data["cell"]) if data.get("cell") is not None else None,
            dropped=tuple(data.get("dropped", ())),
            generator_version=data.get("generator_version", GENERATOR_VERSION),
        )

    def lms_item(self) -> "Item":
        """The form LMS exporters use: a matrix item becomes a numeric item on its named cell."""
        return cell_item(self) if self.kind == "matrix" else self


def cell_label(cell: tuple[int, int]) -> str:
    return f"row {cell[0] + 1}, column {cell[1] + 1}"


def cell_item(item: Item) -> Item:
    """A matrix item as one numeric question on `item.cell` (rows/columns counted from 1).

    The distractors are the mistakes' values at that cell, kept only where they
    are separated from the key by more than the tolerance rules allow (see
    `separated`); mistakes giving the same cell value are merged.
    """
    if item.kind != "matrix" or item.cell is None:
        raise ValueError(f"{item.name}: only a matrix item with a cell has a cell item")
    r, c = item.cell
    key = item.answer[r][c]
    options = [Option(format_number(key, item.decimals), key, True, item.key.feedback)]
    for opt in item.distractors:
        value = matrix_cell(opt.value, item.cell)
        if value is None or not separated(value, key, item.tolerance, item.decimals):
            continue
        merged = False
        for i, other in enumerate(options[1:], start=1):
            if not separated(value, other.value, item.tolerance, item.decimals):
                options[i] = dataclasses.replace(
                    other, feedback=f"{other.feedback} Or: {opt.feedback}",
                    mistakes=other.mistakes + opt.mistakes)
                merged = True
                break
        if not merged:
            options.append(Option(format_number(value, item.decimals), value, False,
                                  opt.feedback, opt.mistakes))
    params = dict(item.params, cell=[r, c], matrix_answer=item.answer)
    prompt = (f"{item.prompt} Enter the value in {cell_label(item.cell)} of the output "
              "(rows and columns counted from 1, top left).")
    return dataclasses.replace(item, kind="numeric", prompt=prompt, params=params, answer=key,
                               options=tuple(options), cell=None)


def matrix_cell(matrix, cell):
    """matrix[r][c], or None when the matrix has no such cell."""
    r, c = cell
    if not is_matrix(matrix) or r >= len(matrix) or c >= len(matrix[r]):
        return None
    return matrix[r][c]


def separated(value, key, tolerance: float, decimals: int) -> bool:
    """Whether a mistake value is safely apart from the key under an absolute tolerance.

    The mistake value itself lies outside the key's tolerance, and the intervals
    of the rounded (exported) values are disjoint, so that Moodle, which grades
    against the first answer interval containing the response, cannot credit it.
    """
    if tolerance == 0:
        return rounded(value, decimals) != rounded(key, decimals) and value != key
    return (abs(value - key) > tolerance
            and abs(rounded(value, decimals) - rounded(key, decimals)) > 2 * tolerance)


# --- validation ----------------------------------------------------------------------

def validate_item(item: Item) -> list[str]:
    """Every problem with an item (empty when it is sound).

    Checks: kind; exactly one correct option, stored first; distinct displayed
    options; per-distractor feedback naming a mistake; numeric keys finite, ints
    exact (tolerance 0), float tolerances that hold the key but no mistake value
    (and keep Moodle's answer intervals disjoint), Canvas's 4-decimal limit;
    matrices rectangular with every distractor differing from the key, and the
    cell item (the LMS form) sound too; JSON round trip.
    """
    problems: list[str] = []
    p = problems.append
    if item.kind not in KINDS:
        return [f"unknown kind {item.kind!r}"]
    correct = [o for o in item.options if o.correct]
    if len(correct) != 1:
        p(f"{len(correct)} correct options (need exactly 1)")
        return problems
    if not item.options[0].correct:
        p("the key is not the first option")
    texts = [o.text for o in item.options]
    if len(set(texts)) != len(texts):
        p(f"options not distinct after rounding: {texts}")
    if not item.prompt.strip():
        p("empty prompt")
    for o in item.distractors:
        if not o.mistakes:
            p(f"distractor {o.text!r} names no mistake")
        if not o.feedback.strip():
            p(f"distractor {o.text!r} has no feedback")
    if not item.key.feedback.strip():
        p("the key has no feedback")

    if item.kind == "numeric":
        problems += _validate_numeric(item)
    elif item.kind == "multichoice":
        if len(item.options) < 2:
            p("a multiple-choice item needs at least 2 options")
        if item.key.text != format_value(item.answer, item.decimals):
            p(f"key option {item.key.text!r} does not show the answer {item.answer!r}")
        if item.tolerance != 0:
            p("a multiple-choice item has no tolerance")
    else:
        problems += _validate_matrix(item)
    try:
        if Item.from_json(item.to_json()) != item:
            p("JSON round trip changes the item")
    except Exception as exc:  # noqa: BLE001 - reported as a problem
        p(f"JSON round trip fails: {exc}")
    return problems


def _validate_numeric(item: Item) -> list[str]:
    problems: list[str] = []
    p = problems.append
    key = item.answer
    if not is_number(key) or not math.isfinite(key):
        return [f"numeric answer {key!r} is not a finite number"]
    if item.key.value != key:
        p("the key option's value is not the answer")
    tol = item.tolerance
    if isinstance(key, int):
        if tol != 0:
            p(f"integer answer {key} with tolerance {tol} (integers are exact)")
    else:
        if not (0 < tol):
            p(f"float answer {key} needs a positive tolerance, got {tol}")
        if item.decimals > MAX_DECIMALS:
            p(f"{item.decimals} decimals (Canvas keeps {MAX_DECIMALS})")
        if tol and tol < 10.0 ** -MAX_DECIMALS:
            p(f"tolerance {tol} below 1e-{MAX_DECIMALS} (Canvas turns it into 0)")
        if abs(rounded(key, item.decimals) - key) > tol:
            p(f"the exported key {rounded(key, item.decimals)} is not within {tol} of {key}")
        if key != 0 and abs(rounded(key, item.decimals)) < 10.0 ** -MAX_DECIMALS:
            p(f"answer {key} is below 1e-{MAX_DECIMALS} (Canvas turns it into 0)")
    for o in item.distractors:
        m = o.value
        if not is_number(m) or not math.isfinite(m):
            p(f"distractor {o.text!r} is not a finite number")
            continue
        if abs(m - key) <= tol:
            p(f"mistake value {m} ({', '.join(o.mistakes)}) lies inside the tolerance {tol} of {key}")
        elif not separated(m, key, tol, item.decimals):
            p(f"mistake value {m} ({', '.join(o.mistakes)}) overlaps the key's answer interval")
    ds = item.distractors
    for i, a in enumerate(ds):
        for b in ds[i + 1:]:
            if is_number(a.value) and is_number(b.value) and not separated(
                    a.value, b.value, tol, item.decimals):
                p(f"mistake values {a.value} and {b.value} overlap (merge them)")
    return problems


def _validate_matrix(item: Item) -> list[str]:
    problems: list[str] = []
    p = problems.append
    ans = item.answer
    if not is_matrix(ans) or len({len(r) for r in ans}) != 1:
        return [f"matrix answer {ans!r} is not a non-empty rectangular list of rows"]
    flat = [v for row in ans for v in row]
    if not all(is_number(v) and math.isfinite(v) for v in flat):
        return ["matrix answer holds non-finite or non-numeric values"]
    if all(isinstance(v, int) for v in flat) and item.tolerance != 0:
        p("integer matrix with a nonzero tolerance")
    for o in item.distractors:
        if format_value(o.value, item.decimals) == format_value(ans, item.decimals):
            p(f"mistake matrix ({', '.join(o.mistakes)}) equals the key after rounding")
    if item.cell is None:
        p("a matrix item needs a cell for LMS exports")
    else:
        r, c = item.cell
        if not (0 <= r < len(ans) and 0 <= c < len(ans[0])):
            p(f"cell {item.cell} is outside the {len(ans)}x{len(ans[0])} answer")
        else:
            problems += [f"cell item: {q}" for q in validate_item(cell_item(item))]
    return problems


def check_item(item: Item) -> Item:
    """Raise ValueError listing the problems of an unsound item; return it otherwise."""
    problems = validate_item(item)
    if problems:
        raise ValueError(f"{item.name}: " + "; ".join(problems))
    return item
