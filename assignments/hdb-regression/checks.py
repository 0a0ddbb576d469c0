"""Hidden checks for the `hdb-regression` assignment.

One group of tests per graded cell of the notebook:

    test_remaining_lease  parse_remaining_lease(text)
    test_storey           storey_midpoint(text)
    test_one_hot          one_hot(values, categories)
    test_scale            scale(x_train, x_test)
    test_features         prepare_features(df, categories)

    test_model            build_model(): the regression network
    test_mae              the trained `model`'s MAE on the grader's test sales
    test_training_time    the `train` cell within its calibrated budget, better than the mean

The network's checks are at the end of this module (their thresholds, and how they
were derived, are in assignment.toml).

Each group has fixed tests on the course's two sample rows (61 years 04 months
-> 736, "10 TO 12" -> 11) and the other forms the data writes ("63 years",
"72 years 01 month", "9 months"), and Hypothesis property tests on leases,
storey ranges, category lists in any order with unknown values (old spellings
such as "IMPROVED"), small feature matrices with constant columns and test values
beyond the training range, and sales with the data's columns. A DataFrame cannot
cross the bridge, so prepare_features gets the sales as a dict of columns. Expected
values come only from reference/hdb.py. When a result is wrong, the check
recomputes the common mistakes (months ignored, the low end of the range, the
categories of the data instead of the fixed list, scaling fitted on the test set
or on all the data, the wrong axis...) and names the one the result matches.
"""
from __future__ import annotations

import itertools
import numbers

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from autograder.bridge import StudentError
from autograder.checks import grade, property_settings
from autograder.checks.compare import assert_array_matches
from autograder.checks import hints
from autograder.checks.hints import call, explain, probe_varied, same_result_allowing_nan, with_hint
from autograder.text import shown
from reference import hdb

# Examples per property test: enough to meet every common mistake, few enough that a
# submission's checks take a second or two.
PROPERTY = property_settings(max_examples=25)

FIRST, SECOND = hdb.COURSE_ROWS
UNKNOWN_TOWN = "LIM CHU KANG"  # a town of the pre-2017 data: not in the list


# --------------------------------------------------------------------------- explaining failures

def _kind(value) -> str:
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a value of type {type(value).__name__}"


def check_number(actual, expected, what: str, mistakes, as_text: str) -> None:
    """The result must be a number (int or float) equal to `expected`; name the mistake if not.

    as_text: what to tell a student who returned a string.
    """
    if isinstance(actual, np.ndarray) and actual.ndim == 0 and actual.dtype.kind in "iuf":
        actual = actual.item()
    if isinstance(actual, bool) or not isinstance(actual, numbers.Real):
        hint = as_text if isinstance(actual, str) else None
        raise with_hint(AssertionError(f"{what}: expected the number {shown(expected)}, got {_kind(actual)}"), hint)
    if not np.isclose(actual, expected, rtol=1e-9, atol=1e-9):
        raise with_hint(AssertionError(f"{what}: expected {shown(expected)}, got {shown(actual)}"),
                        explain(actual, mistakes, same=same_result_allowing_nan))


BOOLEANS = ("the result holds booleans (True/False), as pd.get_dummies gives them: turn them into "
            "numbers with .astype(float)")


def check_array(actual, expected, what: str, mistakes=None, probe=None, helpers=None) -> None:
    hints.check_array(actual, expected, what, mistakes, probe, helpers, booleans=BOOLEANS)


def _not_an_array(error: str) -> str | None:
    if "cannot be graded" in error and ("DataFrame" in error or "Series" in error):
        return ("return a numpy array, not a pandas object: .to_numpy(dtype=float) turns a DataFrame "
                "into one")
    return None


# --------------------------------------------------------------------------- remaining lease

LEASE_AS_TEXT = ("the result is a string: turn the numbers into ints with int() and return "
                 "years * 12 + months, a number")


def _lease_mistakes(text):
    years, months = hdb.lease_parts(text)
    mistakes = []
    if text.rstrip().endswith(" month"):
        mistakes.append(('one month is written in the singular ("72 years 01 month"): it counts too, '
                         "72 * 12 + 1 = 865 months", lambda: years * 12))
    mistakes += [
        ('the months were ignored: "61 years 04 months" is 61 * 12 + 4 = 736 months', lambda: years * 12),
        ("this is the number of whole years: return the lease in MONTHS, years * 12 + months", lambda: years),
        ("this is the lease in years (years + months / 12): return it in months, years * 12 + months",
         lambda: years + months / 12),
        ('the years were not turned into months: "61 years 04 months" is 61 * 12 + 4 = 736, not 61 + 4',
         lambda: years + months),
    ]
    if years == 0:
        mistakes.append(('the number in "9 months" was read as years: with no years part, the lease is '
                         "just the months", lambda: months * 12))
    mistakes.append(('the years were ignored: "61 years 04 months" is 61 * 12 + 4 = 736 months',
                     lambda: months))
    return mistakes


def _lease_error(text):
    """The mistake behind an error on `text`, from the form of the text."""
    years, _ = hdb.lease_parts(text)

    def hint(error: str) -> str | None:
        if "NotImplementedError" in error:
            return None
        if not years:
            return ('a lease with no years part ("9 months") must work too: it is 9 months (split the '
                    "text into words instead of reading fixed positions)")
        if "month" not in text:
            return ('a lease with no months part ("63 years") must work too: it is 63 * 12 months (split '
                    "the text into words instead of reading fixed positions)")
        if text.rstrip().endswith(" month"):
            return ('one month is written in the singular ("72 years 01 month"): it is 72 * 12 + 1 months')
        return None
    return hint


def _check_lease(student, text, label=""):
    fn = student.function("parse_remaining_lease")
    what = f"parse_remaining_lease({text!r}){label}"
    check_number(call(what, fn, text, on_error=_lease_error(text)), hdb.remaining_lease_months(text), what,
                 lambda: _lease_mistakes(text), LEASE_AS_TEXT)


@grade("test_remaining_lease", 1)
def test_lease_course_rows(student):
    _check_lease(student, FIRST[9], " [the course's first sample row]")
    _check_lease(student, SECOND[9], " [the course's second sample row]")


@grade("test_remaining_lease", 1)
def test_lease_without_months_or_years(student):
    _check_lease(student, "63 years", " [example: no months part]")
    _check_lease(student, "72 years 01 month", " [example: one month, singular]")
    _check_lease(student, "9 months", " [example: no years part]")


@st.composite
def lease_texts(draw):
    """The file's forms (reference.hdb.format_remaining_lease), and "9 months" unpadded."""
    months = draw(st.one_of(st.integers(1, 11), st.integers(40 * 12, 98 * 12 + 11)))  # leases sold: 40+ years
    text = hdb.format_remaining_lease(months)
    if months < 12 and draw(st.booleans()):
        text = f"{months} months"
    return text


@grade("test_remaining_lease", 2)
@PROPERTY
@given(text=lease_texts())
def test_lease_any_text(student, text):
    _check_lease(student, text)


# --------------------------------------------------------------------------- storey

STOREY_AS_TEXT = ("the result is a string: turn low and high into numbers with int() and return "
                  "(low + high) / 2, a number")


def _storey_mistakes(text):
    low, high = hdb.storey_range_bounds(text)
    return [
        ('this is the LOW end of the range: the storey is its middle, (low + high) / 2 ("10 TO 12" -> 11.0)',
         lambda: low),
        ('this is the HIGH end of the range: the storey is its middle, (low + high) / 2 ("10 TO 12" -> 11.0)',
         lambda: high),
        ("low + high / 2 divides only high by 2: write (low + high) / 2", lambda: low + high / 2),
        ("this is half the width of the range: the middle is (low + high) / 2, a sum", lambda: (high - low) / 2),
        ("this is the width of the range, high - low: the middle is (low + high) / 2", lambda: high - low),
    ]


def _storey_error(error: str) -> str | None:
    if "invalid literal for int()" in error:
        return ('split the text at " TO ": "10 TO 12".split(" TO ") gives ["10", "12"], two numbers as text')
    return None


def _check_storey(student, text, label=""):
    fn = student.function("storey_midpoint")
    what = f"storey_midpoint({text!r}){label}"
    check_number(call(what, fn, text, on_error=_storey_error), hdb.storey_midpoint(text), what,
                 lambda: _storey_mistakes(text), STOREY_AS_TEXT)


@grade("test_storey", 1)
def test_storey_course_rows(student):
    _check_storey(student, FIRST[5], " [the course's first sample row]")
    _check_storey(student, SECOND[5], " [the course's second sample row]")
    _check_storey(student, "49 TO 51", " [example: the highest range in the data]")


@st.composite
def storey_texts(draw):
    """ "01 TO 03" ... "49 TO 51" as since 2017, and "06 TO 10" five-storey ranges as before."""
    width = draw(st.sampled_from((3, 5)))
    band = draw(st.integers(0, 16 if width == 3 else 9))
    return hdb.format_storey_range(band * width + 1, width)


@grade("test_storey", 1)
@PROPERTY
@given(text=storey_texts())
def test_storey_any_range(student, text):
    _check_storey(student, text)


# --------------------------------------------------------------------------- one-hot

FIXED_LISTS = {"town": hdb.TOWNS, "flat_type": hdb.FLAT_TYPES, "flat_model": hdb.FLAT_MODELS}
# A value each list lacks, as the pre-2017 data writes it.
UNKNOWN = {hdb.TOWNS: UNKNOWN_TOWN, hdb.FLAT_TYPES: "MULTI GENERATION", hdb.FLAT_MODELS: "IMPROVED"}


def _show(categories) -> str:
    """A category list as the student would write it; the fixed lists by name, not 26 towns."""
    for name, fixed in FIXED_LISTS.items():
        if list(categories) == list(fixed):
            return f"<the {len(fixed)} {name.replace('_', ' ')}s in the fixed order>"
    return repr(list(categories))


def _one_hot_mistakes(values, categories):
    right = hdb.one_hot(values, categories)
    return [
        ("the columns came from the values (pd.get_dummies or np.unique: sorted, and only the categories "
         "that occur): use the categories given, in their order, so that train and test get the same "
         "columns", lambda: hdb.one_hot(values, sorted(set(values)))),
        ("the columns follow the order in which the values first appear: use the order of `categories`",
         lambda: hdb.one_hot(values, list(dict.fromkeys(values)))),
        ("the categories were sorted: keep the columns in the order given (a fixed list)",
         lambda: hdb.one_hot(values, sorted(categories))),
        ("the first category's column was dropped (drop_first=True): keep one column per category",
         lambda: right[:, 1:]),
        ("rows and columns are swapped: one ROW per value, one COLUMN per category", lambda: right.T),
    ]


# Varied values in an order that is neither the categories' nor sorted: the ordering
# mistakes all differ here, while a shrunk counterexample often has one value.
PROBE_CATEGORIES = ["TAMPINES", "BEDOK", "YISHUN", "ANG MO KIO"]
PROBE_VALUES = ["YISHUN", "BEDOK", "YISHUN", "TAMPINES"]


def _one_hot_error(values, categories):
    unknown = [v for v in values if v not in categories]

    def hint(error: str) -> str | None:
        if "NotImplementedError" in error:
            return None
        if unknown and ("KeyError" in error or "is not in list" in error or "IndexError" in error):
            return (f"a value that is not a category ({unknown[0]!r}) must give a row of zeros, "
                    "not an error")
        return _not_an_array(error)
    return hint


def _check_one_hot(student, values, categories, label=""):
    fn = student.function("one_hot")
    values, categories = list(values), list(categories)

    def probe():
        return (fn(PROBE_VALUES, PROBE_CATEGORIES), hdb.one_hot(PROBE_VALUES, PROBE_CATEGORIES),
                _one_hot_mistakes(PROBE_VALUES, PROBE_CATEGORIES))

    what = f"one_hot(values={values!r}, categories={_show(categories)}){label}"
    check_array(call(what, fn, values, categories, on_error=_one_hot_error(values, categories)),
                hdb.one_hot(values, categories), what, lambda: _one_hot_mistakes(values, categories), probe)


@grade("test_one_hot", 1)
def test_one_hot_course_rows(student):
    _check_one_hot(student, [FIRST[1], SECOND[1]], hdb.TOWNS, " [the course's rows]")
    _check_one_hot(student, [FIRST[2], SECOND[2]], hdb.FLAT_TYPES, " [the course's rows]")
    _check_one_hot(student, ["EXECUTIVE", "3 ROOM", "2 ROOM", "3 ROOM"], hdb.FLAT_TYPES,
                   " [example: values in another order]")
    _check_one_hot(student, ["New Generation", "Improved"], ["Improved", "New Generation", "Model A"],
                   " [example: values in reverse order]")


@grade("test_one_hot", 1)
def test_one_hot_unknown_value(student):
    _check_one_hot(student, [FIRST[1], UNKNOWN_TOWN, "BEDOK"], ["BEDOK", FIRST[1]],
                   f" [example: {UNKNOWN_TOWN} is not a category]")
    _check_one_hot(student, ["IMPROVED", "Improved", "Model A"], ["Improved", "Model A"],
                   " [example: IMPROVED, the old spelling, is not a category]")


@st.composite
def one_hot_cases(draw):
    pool = draw(st.sampled_from((hdb.TOWNS, hdb.FLAT_TYPES, hdb.FLAT_MODELS)))
    categories = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5, unique=True))
    values = draw(st.lists(st.sampled_from([*categories, UNKNOWN[pool]]), min_size=1, max_size=6))
    return values, categories


@grade("test_one_hot", 2)
@PROPERTY
@given(case=one_hot_cases())
def test_one_hot_any_categories(student, case):
    _check_one_hot(student, *case)


# --------------------------------------------------------------------------- scale

def _raw(x, lo, hi):
    return (x - lo) / (hi - lo)  # no guard: the divide-by-zero mistake


def _guard(span):
    return np.where(span > 0, span, 1.0)


def _scale_mistakes(x_train, x_test):
    fit, mm = hdb.fit_min_max, hdb.min_max_scale
    right = hdb.scale_train_test(x_train, x_test)
    both = fit(np.vstack([x_train, x_test]))
    lo, hi = x_train.min(), x_train.max()

    def per_row(x):
        low = x.min(axis=1, keepdims=True)
        return (x - low) / _guard(x.max(axis=1, keepdims=True) - low)

    def per_row_broadcast(x):  # x_train.min(axis=1) without keepdims: broadcast along the rows
        low = x_train.min(axis=1)
        return (x - low) / _guard(x_train.max(axis=1) - low)

    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return [
        ("the test set was scaled with its own min and max: scale it with the TRAINING set's (the test "
         "set stands for sales the model has not seen)", lambda: (right[0], mm(x_test, *fit(x_test)))),
        ("min and max came from the training and the test set together: fit them on the training set "
         "only (the test set stands for sales the model has not seen)",
         lambda: (mm(x_train, *both), mm(x_test, *both))),
        ("one min and one max for the whole array: take them per COLUMN (axis=0), each feature has its "
         "own range", lambda: ((x_train - lo) / _guard(hi - lo), (x_test - lo) / _guard(hi - lo))),
        ("min and max were taken per ROW (axis=1): take them per COLUMN (axis=0), over the training rows",
         lambda: (per_row(x_train), per_row(x_test))),
        ("min and max were taken per ROW (axis=1): take them per COLUMN (axis=0), over the training rows",
         lambda: (per_row_broadcast(x_train), per_row_broadcast(x_test))),
        ("a column whose max equals its min was divided by 0: divide it by 1 instead (as MinMaxScaler "
         "does)", lambda: tuple(_raw(x, *fit(x_train)) for x in (x_train, x_test))),
        ("the test values outside the training range were clipped to [0, 1]: leave them as they come out",
         lambda: (right[0], np.clip(right[1], 0, 1))),
        ("this is standardisation, (x - mean) / std: the task is min-max scaling, (x - min) / (max - min)",
         lambda: ((x_train - mean) / _guard(std), (x_test - mean) / _guard(std))),
        ("divided by the max instead of by (max - min): (x - min) / (max - min)",
         lambda: tuple((x - x_train.min(axis=0)) / x_train.max(axis=0) for x in (x_train, x_test))),
        ("a column whose max equals its min was divided by its max (or another value than 1): divide "
         "it by 1 (as MinMaxScaler does), so that its test values keep their distance from the "
         "training value", lambda: tuple(_constant_by_max(x, x_train) for x in (x_train, x_test))),
    ]


def _constant_by_max(x, x_train):
    low = x_train.min(axis=0)
    span = x_train.max(axis=0) - low
    return (x - low) / np.where(span > 0, span, _guard(np.abs(x_train.max(axis=0))))


def _compare_pair(actual, expected, what: str) -> None:
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        raise AssertionError(f"{what}: expected the tuple (x_train_scaled, x_test_scaled), got {_kind(actual)}")
    for part, got, want in zip(("x_train_scaled", "x_test_scaled"), actual, expected):
        assert_array_matches(got, want, f"{what}: {part}")


def _same_pair(actual, candidate) -> bool:
    try:
        return all(same_result_allowing_nan(a, c) for a, c in zip(actual, candidate, strict=True))
    except (TypeError, ValueError):
        return False


def _scale_error(error: str) -> str | None:
    if "could not be broadcast" in error:
        return ("the min and max must have one value per COLUMN: x_train.min(axis=0) and "
                "x_train.max(axis=0), used for both sets")
    return None


def _varied(array, salt: int) -> np.ndarray:
    """The same shape with varied values; the test set's reach beyond the training range."""
    high = 5 if salt == 0 else 9
    return np.random.default_rng(6100 + salt).integers(-high, high + 1, size=array.shape).astype(np.float64)


def _check_scale(student, x_train, x_test, label=""):
    fn = student.function("scale")
    x_train, x_test = np.asarray(x_train, dtype=np.float64), np.asarray(x_test, dtype=np.float64)
    what = f"scale(x_train={x_train.tolist()}, x_test={x_test.tolist()}){label}"

    def probe():
        return probe_varied(fn, hdb.scale_train_test, _scale_mistakes, _varied, x_train, x_test)

    actual = call(what, fn, x_train, x_test, on_error=_scale_error)
    try:
        _compare_pair(actual, hdb.scale_train_test(x_train, x_test), what)
    except AssertionError as failure:
        if any(isinstance(a, np.ndarray) and a.dtype.kind == "b" for a in actual):
            raise with_hint(failure, BOOLEANS) from None
        raise with_hint(failure, explain(actual, lambda: _scale_mistakes(x_train, x_test), probe,
                                         _same_pair)) from None


COURSE_NUMERIC = [[44.0, 11.0, 736.0], [67.0, 2.0, 727.0]]  # floor area, storey, lease of the course's rows


@grade("test_scale", 1)
def test_scale_course_rows(student):
    _check_scale(student, COURSE_NUMERIC, [[50.0, 5.0, 730.0], [90.0, 20.0, 1000.0]],
                 " [the course's rows as training set; a test sale beyond their range]")
    _check_scale(student, [[1.0, 44.0], [3.0, 67.0], [2.0, 50.0]], [[0.0, 60.0], [4.0, 50.0]],
                 " [example: three training rows]")


@grade("test_scale", 1)
def test_scale_constant_column(student):
    _check_scale(student, [[44.0, 0.0], [67.0, 0.0], [50.0, 0.0]], [[60.0, 1.0]],
                 " [example: a one-hot column that is all 0 in the training set]")
    _check_scale(student, [[1.0, 5.0], [3.0, 5.0]], [[2.0, 7.0]],
                 " [example: a column that is 5 in every training row]")


SCALE_VALUES = np.array([0, 1, 2, 3, 5, 10, 44, 67, 736, -2], dtype=np.float64)


def _table(shape, table) -> st.SearchStrategy[np.ndarray]:
    """An array drawn as one byte string mapped through a table (byte 0 -> the first value)."""
    size = int(np.prod(shape))
    return st.binary(min_size=size, max_size=size).map(
        lambda raw: table[np.frombuffer(raw, dtype=np.uint8) % len(table)].reshape(shape))


@st.composite
def scale_cases(draw):
    n, m, d = draw(st.integers(2, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return draw(_table((n, d), SCALE_VALUES)), draw(_table((m, d), SCALE_VALUES))


@grade("test_scale", 2)
@PROPERTY
@given(case=scale_cases())
def test_scale_any_matrix(student, case):
    _check_scale(student, *case)


# --------------------------------------------------------------------------- prepare_features

def _columns(df: pd.DataFrame) -> dict:
    """The sales as the bridge carries them: {column: [values]}."""
    return {c: df[c].tolist() for c in hdb.COLUMNS}


def _feature_mistakes(df: dict, categories):
    right = hdb.design_matrix(df, categories)
    numeric = right[:, :3]
    blocks = [hdb.one_hot(df[c], categories[c]) for c in hdb.CATEGORICAL]
    lo, hi = hdb.fit_min_max(right)
    mistakes = [
        ("the one-hot columns came from the data (pd.get_dummies): use the category lists given, so that "
         "every set of sales gets the same columns",
         lambda: np.hstack([numeric, *(hdb.one_hot(df[c], sorted(set(df[c]))) for c in hdb.CATEGORICAL)])),
        ("the features were scaled: prepare_features returns them unscaled (scale() fits on the training "
         "set)", lambda: hdb.min_max_scale(right, lo, hi)),
        ("the remaining lease is in years: use months (parse_remaining_lease)",
         lambda: np.column_stack([numeric[:, :2], numeric[:, 2] / 12, *blocks])),
        ("the one-hot columns come first: the three numeric columns (floor area, storey, lease) come "
         "before them", lambda: np.hstack([*blocks, numeric])),
    ]
    for whole in (np.trunc, np.round):
        mistakes.append(("the floor area was made whole square metres (int, round): keep floor_area_sqm as "
                         "the float it is (67.5 sqm is not 67)",
                         lambda whole=whole: np.hstack([whole(numeric[:, :1]), numeric[:, 1:], *blocks])))
    for order in list(itertools.permutations(range(3)))[1:]:
        mistakes.append(("the numeric columns are in the wrong order: floor_area_sqm, then the storey, then "
                         "the remaining lease", lambda order=order: np.hstack([numeric[:, order], *blocks])))
    for order in list(itertools.permutations(range(3)))[1:]:
        mistakes.append(("the one-hot blocks are in the wrong order: town, then flat_type, then flat_model",
                         lambda order=order: np.hstack([numeric, *(blocks[i] for i in order)])))
    return mistakes


HELPER_PROBES = (
    ("parse_remaining_lease", ("61 years 04 months", "63 years", "72 years 01 month"), hdb.remaining_lease_months),
    ("storey_midpoint", ("10 TO 12", "01 TO 03", "49 TO 51"), hdb.storey_midpoint),
)


def _broken_helper(student, error: str | None = None) -> str | None:
    """The first of the student's parse_remaining_lease, storey_midpoint, one_hot that gives a wrong
    value (prepare_features uses them, so its failure may be theirs); unfinished work is named as it is."""
    if error is not None and "NotImplementedError" in error:
        return None
    cases = [(name, (text,), trusted(text)) for name, texts, trusted in HELPER_PROBES for text in texts]
    for values, categories in ((PROBE_VALUES, PROBE_CATEGORIES), ([UNKNOWN_TOWN, "BEDOK"], ["ANG MO KIO", "BEDOK"])):
        cases.append(("one_hot", (values, categories), hdb.one_hot(values, categories)))
    for name, args, want in cases:
        try:
            got = student.function(name)(*args)
        except StudentError as exc:
            return f"prepare_features uses {name}(), which fails: {exc}"
        if isinstance(got, str) or not same_result_allowing_nan(got, want):
            return (f"prepare_features uses your {name}(), which gives wrong values (see its own checks): "
                    f"fix {name} first")
    return None


def _check_features(student, rows: dict, categories, label=""):
    """rows: the sales as a dict of columns (what the student's function receives)."""
    fn = student.function("prepare_features")
    categories = {c: list(categories[c]) for c in hdb.CATEGORICAL}
    shown = ("<the fixed lists of towns, flat types and flat models>" if categories == {
        c: list(v) for c, v in hdb.CATEGORIES.items()} else repr(categories))
    n = len(rows["town"])
    what = f"prepare_features(df=<{n} sale{'s' if n != 1 else ''}>, categories={shown}){label}"

    def on_error(error):
        return _not_an_array(error) or _broken_helper(student, error)

    actual = call(what, fn, rows, categories, on_error=on_error)
    check_array(actual, hdb.design_matrix(rows, categories), what, lambda: _feature_mistakes(rows, categories),
                helpers=lambda: _broken_helper(student))


@grade("test_features", 1)
def test_features_course_rows(student):
    _check_features(student, _columns(hdb.course_rows()), hdb.CATEGORIES, " [the course's two sample rows]")


@grade("test_features", 1)
def test_features_generated_sales(student):
    _check_features(student, _columns(hdb.generate(6, seed=3)), hdb.CATEGORIES, " [6 generated sales]")


UNKNOWN_OF = {column: UNKNOWN[fixed] for column, fixed in FIXED_LISTS.items()}


@st.composite
def feature_cases(draw):
    """1 to 3 sales as the dict of columns the bridge carries, and per column a category list
    in the order drawn (neither sorted nor the values' order); a value may be missing from it.
    Few choices, so that a failure shrinks quickly to the simplest sales."""
    n = draw(st.integers(1, 3))
    rows, categories = {}, {}
    for column in hdb.CATEGORICAL:
        categories[column] = draw(st.lists(st.sampled_from(FIXED_LISTS[column]), min_size=1, max_size=3,
                                           unique=True))
        rows[column] = draw(st.lists(st.sampled_from([*categories[column], UNKNOWN_OF[column]]),
                                     min_size=n, max_size=n))
    rows["storey_range"] = [draw(storey_texts()) for _ in range(n)]
    months = draw(st.lists(st.integers(40 * 12, 98 * 12 + 11), min_size=n, max_size=n))
    rows["remaining_lease"] = [hdb.format_remaining_lease(m) for m in months]
    # in tenths, as the data has them: an area made whole is a mistake
    rows["floor_area_sqm"] = [a / 10 for a in draw(st.lists(st.integers(280, 1700), min_size=n, max_size=n))]
    # the columns prepare_features does not use
    rows.update(month=["2017-01"] * n, block=["406"] * n, street_name=[f"{t} AVE 1" for t in rows["town"]],
                lease_commence_date=[2017 - 99 + m // 12 for m in months], resale_price=[300000.0] * n)
    return {c: rows[c] for c in hdb.COLUMNS}, categories


@grade("test_features", 2)
@PROPERTY
@given(case=feature_cases())
def test_features_any_sales(student, case):
    _check_features(student, *case)


# =========================================================================== the network
#
#   test_model          what build_model() returns: the 57 features in, a hidden relu layer,
#                       one linear output, a regression loss
#   test_mae            the trained `model`'s MAE (thousands of dollars) on the grader's test
#                       sales, prepared by reference/hdb.py and scaled with the min and max of
#                       the training part the student's notebook scaled with
#   test_training_time  the `train` cell within 3 x the calibrated reference; better than
#                       predicting the average price
# The MAE thresholds, per data source, and how they were derived: assignment.toml.

import functools  # noqa: E402

from autograder import datasets  # noqa: E402
from autograder.assignments import here  # noqa: E402
from autograder.checks.accuracy import STEPS, assert_step, fitting_batch, thresholds_from  # noqa: E402
from autograder.kernel import course_data  # noqa: E402
from autograder.checks.structure import (Layer, ModelSpec, loss_name,  # noqa: E402
                                         assert_structure, describe_layers)
from autograder.checks.trained_models import memo, built_model, trained_model  # noqa: E402
from autograder.checks.budget import assert_within_budget, passes  # noqa: E402

ASSIGNMENT = here(__file__)
TRAINING_CELL = ASSIGNMENT.training_cell
THRESHOLDS = thresholds_from(ASSIGNMENT.thresholds)
REGRESSION_LOSSES = ("mean_squared_error", "mse", "mean_absolute_error", "mae")


@functools.lru_cache(maxsize=1)
def _held_out():
    """(features, prices in thousands, words, embedded, the average-price MAE) of the test sales."""
    data = datasets.evaluation("hdb_resale")
    trained_on = data.train.iloc[:course_data.held_back(len(data.train))]
    scaling = hdb.fit_min_max(hdb.design_matrix(trained_on))
    x = hdb.features(data.test, scaling=scaling)
    y = hdb.target(data.test) / 1000
    baseline = float(np.mean(np.abs(y - hdb.target(trained_on).mean() / 1000)))
    words = (f"the grader's {len(y):,} held-out test sales"
             + (" (the embedded stand-in data: the real file is not installed on this grader)"
                if data.embedded else ""))
    return x, y, words, data.embedded, baseline


def _errors(student) -> tuple[float, float]:
    """(MAE, RMSE) of the trained model on the test sales, in thousands of dollars."""
    def measure():
        model = trained_model(student).model
        x, y, _, _, _ = _held_out()
        try:
            predictions = np.asarray(model.predict(x, batch_size=fitting_batch(model, 1024), verbose=0))
        except Exception as exc:  # noqa: BLE001 - the student's model could not run on the data
            raise AssertionError(f"the model could not predict from the {x.shape[1]} features: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
        if predictions.shape != (len(y), 1):
            raise AssertionError(f"the model's output has shape {predictions.shape}: a price "
                                 f"model gives one number per sale, shape ({len(y)}, 1)")
        errors = predictions[:, 0].astype(np.float64) - y
        return float(np.mean(np.abs(errors))), float(np.sqrt(np.mean(errors ** 2)))
    return memo(student, "errors", measure)


def _mae_hint(student, mae: float, baseline: float) -> str | None:
    model = trained_model(student).model
    x, y, _, _, _ = _held_out()
    typical = float(np.median(np.abs(model.predict(x[:200], verbose=0)[:, 0])))
    if typical > 100 * float(np.median(y)):
        return "the predictions are in dollars: the model must predict thousands of dollars (y_train)"
    if mae >= 0.9 * baseline:
        return ("no better than predicting the average price for every sale: is the model "
                "trained, and is its output linear?")
    return None


@grade("test_model", 1)
def test_model_input_and_output(student):
    assert_structure(built_model(student), ModelSpec(
        input_shape=(len(hdb.feature_names()),), output=Layer("Dense", 1, "linear")), "build_model()")


@grade("test_model", 1)
def test_model_has_a_hidden_relu_layer(student):
    layers = describe_layers(built_model(student).model)
    hidden = [layer for layer in layers[:-1] if layer.kind == "Dense"]
    assert hidden, (f"build_model() has no hidden Dense layer (found {', '.join(map(str, layers))}):"
                    " without one the network is a linear regression")
    assert any(layer.activation == "relu" for layer in hidden), (
        f"build_model()'s hidden layers have no relu ({', '.join(map(str, hidden))})")


@grade("test_model", 1)
def test_model_is_compiled_with_a_regression_loss(student):
    loss = built_model(student).loss
    assert loss is not None, ("build_model() returns a model that is not compiled: call "
                              "model.compile(...) before returning it")
    assert loss_name(loss) in REGRESSION_LOSSES, (
        f"build_model() compiles with the loss {loss}, not a regression loss: use \"mse\" "
        "(or \"mae\") for a price")


def _mae_step(student, step: int) -> None:
    mae, rmse = _errors(student)
    _, _, words, embedded, baseline = _held_out()
    try:
        assert_step(mae, THRESHOLDS["embedded" if embedded else "real"], step,
                    what="MAE (thousands of dollars)", number=".2f", measured_on=words)
    except AssertionError as failure:
        failure.args = (f"{failure}; RMSE {rmse:.2f}",)
        raise with_hint(failure, _mae_hint(student, mae, baseline)) from None


for _step in range(1, STEPS + 1):
    def _check(student, step=_step):
        _mae_step(student, step)
    _check.__name__ = f"test_mae_step_{_step}_of_{STEPS}"
    globals()[_check.__name__] = grade("test_mae")(_check)
del _check


@grade("test_training_time")
def test_training_within_budget(student):
    assert_within_budget(student, TRAINING_CELL, looks_trained=lambda: passes(
        test_training_left_a_trained_model, student))


@grade("test_training_time")
def test_training_left_a_trained_model(student):
    mae, _ = _errors(student)
    baseline = _held_out()[4]
    if mae >= 0.5 * baseline:
        raise with_hint(AssertionError(
            f"`model` looks untrained: its MAE {mae:.2f} is not half that of predicting the "
            f"average price for every sale ({baseline:.2f})"),
            "the training cell did not fit the model on x_train, y_train (or fitted it on a few "
            "sales only)")
