"""HDB resale prices (activity 1): trusted preprocessing, a generated stand-in, loading.

The data is data.gov.sg's "Resale flat prices based on registration date from
Jan-2017 onwards", one row per sale with the columns of `COLUMNS`, e.g.

    2017-01, ANG MO KIO, 2 ROOM, 406, ANG MO KIO AVE 10, 10 TO 12, 44.0, Improved, 1979,
    61 years 04 months, 232000.0

Preprocessing, as the assignment teaches it (pure functions):

- `remaining_lease_months("61 years 04 months")` -> 736; also "63 years",
  "72 years 01 month" (the file writes one month in the singular) and "9 months";
- `storey_midpoint("10 TO 12")` -> 11.0, the middle of the storey range;
- `one_hot(values, categories)`: one column per category in the order given (a
  fixed list, so train and test get the same columns); an unknown value gives a
  row of zeros;
- min-max scaling to [0, 1] per column, fitted on the training set only
  (`fit_min_max`, `min_max_scale`), as scikit-learn's MinMaxScaler does, a
  constant column included (divided by 1). COURSE.md does not record which
  scaler the course used; min-max is the usual one for this data in Keras
  workshops, and the assignment states it;
- `features(df, categories, scaling)`: the design matrix, one row per sale:
  floor_area_sqm, storey (midpoint), remaining lease (months), then the one-hot
  columns of town, flat_type and flat_model (`feature_names` names them).

`generate(n, seed)` makes rows with exactly the real schema and string formats
from the pricing model in its docstring; `load()` reads the real CSV from
$DLGRADE_DATA, else returns generated rows with a FallbackDataWarning.
"""
from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from reference.data import FallbackDataWarning

COLUMNS = ("month", "town", "flat_type", "block", "street_name", "storey_range", "floor_area_sqm",
           "flat_model", "lease_commence_date", "remaining_lease", "resale_price")
# How the CSV is read: everything text except the three numbers (a block like "406" stays "406").
DTYPES = {**{c: str for c in COLUMNS}, "floor_area_sqm": float, "lease_commence_date": int,
          "resale_price": float}

# The file as data.gov.sg names it; its newer download page names it the second way.
CSV_NAME = "resale-flat-prices-based-on-registration-date-from-jan-2017-onwards.csv"
CSV_NAMES = (CSV_NAME, "ResaleflatpricesbasedonregistrationdatefromJan2017onwards.csv")

# The 26 towns, 7 flat types and 21 flat models of the 2017-onwards file. Fixed orders:
# the one-hot columns of train, test and every student's notebook agree.
TOWNS = ("ANG MO KIO", "BEDOK", "BISHAN", "BUKIT BATOK", "BUKIT MERAH", "BUKIT PANJANG", "BUKIT TIMAH",
         "CENTRAL AREA", "CHOA CHU KANG", "CLEMENTI", "GEYLANG", "HOUGANG", "JURONG EAST", "JURONG WEST",
         "KALLANG/WHAMPOA", "MARINE PARADE", "PASIR RIS", "PUNGGOL", "QUEENSTOWN", "SEMBAWANG", "SENGKANG",
         "SERANGOON", "TAMPINES", "TOA PAYOH", "WOODLANDS", "YISHUN")
FLAT_TYPES = ("1 ROOM", "2 ROOM", "3 ROOM", "4 ROOM", "5 ROOM", "EXECUTIVE", "MULTI-GENERATION")
FLAT_MODELS = ("Improved", "New Generation", "Model A", "Standard", "Simplified", "Model A2", "DBSS",
               "Premium Apartment", "Premium Apartment Loft", "Apartment", "Maisonette",
               "Improved-Maisonette", "Model A-Maisonette", "Premium Maisonette", "Adjoined flat",
               "Terrace", "Type S1", "Type S2", "2-room", "3Gen", "Multi Generation")
CATEGORICAL = ("town", "flat_type", "flat_model")
CATEGORIES = {"town": TOWNS, "flat_type": FLAT_TYPES, "flat_model": FLAT_MODELS}
NUMERIC = ("floor_area_sqm", "storey", "remaining_lease_months")
TARGET = "resale_price"

# The two rows the course shows (COURSE.md), in `COLUMNS` order.
COURSE_ROWS = (
    ("2017-01", "ANG MO KIO", "2 ROOM", "406", "ANG MO KIO AVE 10", "10 TO 12", 44.0, "Improved", 1979,
     "61 years 04 months", 232000.0),
    ("2017-01", "ANG MO KIO", "3 ROOM", "108", "ANG MO KIO AVE 4", "01 TO 03", 67.0, "New Generation", 1978,
     "60 years 07 months", 250000.0),
)

LEASE_YEARS = 99
LEASE_PATTERN = re.compile(r"^\s*(?:(\d+)\s+years?)?\s*(?:(\d+)\s+months?)?\s*$", re.IGNORECASE)
STOREY_PATTERN = re.compile(r"^\s*(\d+)\s+TO\s+(\d+)\s*$", re.IGNORECASE)


def course_rows() -> pd.DataFrame:
    """The course's two sample rows, with the file's columns and dtypes."""
    return pd.DataFrame(COURSE_ROWS, columns=list(COLUMNS)).astype(DTYPES)


# --------------------------------------------------------------------------- parsing

def lease_parts(text: str) -> tuple[int, int]:
    """(years, months) of a remaining lease: "61 years 04 months" -> (61, 4).

    Accepts "N years M months", "N years" (no months part), "N years 01 month"
    and "M months" (no years part); anything else is a ValueError naming the text.
    """
    match = LEASE_PATTERN.match(text) if isinstance(text, str) else None
    if match is None or match.group(1) is None and match.group(2) is None:
        raise ValueError(f"not a remaining lease like '61 years 04 months': {text!r}")
    years, months = (int(g) if g is not None else 0 for g in match.groups())
    if months > 11:
        raise ValueError(f"a remaining lease has 0 to 11 months after the years: {text!r}")
    return years, months


def remaining_lease_months(text: str) -> int:
    """The remaining lease in months: "61 years 04 months" -> 61 * 12 + 4 = 736."""
    years, months = lease_parts(text)
    return years * 12 + months


def storey_range_bounds(text: str) -> tuple[int, int]:
    """(low, high) of a storey range: "10 TO 12" -> (10, 12); a ValueError names anything else."""
    match = STOREY_PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a storey range like '10 TO 12': {text!r}")
    low, high = int(match.group(1)), int(match.group(2))
    if low > high:
        raise ValueError(f"a storey range runs from low to high: {text!r}")
    return low, high


def storey_midpoint(text: str) -> float:
    """The middle storey of a range: "10 TO 12" -> 11.0, "01 TO 03" -> 2.0."""
    low, high = storey_range_bounds(text)
    return (low + high) / 2


def _each(parse, values) -> np.ndarray:
    """parse(value) for every value, as float64; a ValueError also names the row."""
    out = np.empty(len(values))
    for row, value in enumerate(values):
        try:
            out[row] = parse(value)
        except ValueError as exc:
            raise ValueError(f"row {row}: {exc}") from None
    return out


def lease_months_column(values) -> np.ndarray:
    """remaining_lease_months of every value (a column, a list), as float64."""
    return _each(remaining_lease_months, values)


def storey_column(values) -> np.ndarray:
    """storey_midpoint of every value (a column, a list), as float64."""
    return _each(storey_midpoint, values)


# --------------------------------------------------------------------------- features

def one_hot(values, categories) -> np.ndarray:
    """(N, C) float array: row i has a 1 in the column of values[i] among `categories`.

    The columns follow `categories` as given, whatever order the values come in;
    a value that is not a category gives a row of zeros.
    """
    column = {category: j for j, category in enumerate(categories)}
    if len(column) != len(categories):
        raise ValueError(f"categories must be distinct, got {list(categories)}")
    codes = np.fromiter((column.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    out = np.zeros((len(codes), len(column)))
    known = codes >= 0
    out[np.flatnonzero(known), codes[known]] = 1.0
    return out


def feature_names(categories=CATEGORIES) -> list[str]:
    """The column names of `features`: the numeric ones, then "town=ANG MO KIO"..."""
    return [*NUMERIC, *(f"{column}={c}" for column in CATEGORICAL for c in categories[column])]


def design_matrix(df, categories=CATEGORIES) -> np.ndarray:
    """The unscaled features (N, 3 + sum of the category counts), float64, in `feature_names` order.

    df: a DataFrame, or a dict of columns ({"town": [...], ...}) as the grader's bridge carries it.
    """
    missing = [c for c in ("floor_area_sqm", "storey_range", "remaining_lease", *CATEGORICAL) if c not in df]
    if missing:
        raise ValueError(f"the data has no column {', '.join(missing)}")
    numeric = np.column_stack([np.asarray(df["floor_area_sqm"], dtype=np.float64),
                               storey_column(df["storey_range"]), lease_months_column(df["remaining_lease"])])
    return np.hstack([numeric, *(one_hot(df[c], categories[c]) for c in CATEGORICAL)])


class Scaling(NamedTuple):
    """Per-column minimum and maximum of the training features (min-max scaling)."""

    lo: np.ndarray
    hi: np.ndarray


def fit_min_max(x) -> Scaling:
    """The per-column (axis 0) min and max of the TRAINING matrix x (N, D)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"fit on a non-empty (N, D) matrix, got shape {x.shape}")
    return Scaling(x.min(axis=0), x.max(axis=0))


def min_max_scale(x, lo, hi) -> np.ndarray:
    """(x - lo) / (hi - lo) per column; a constant column (hi == lo) is divided by 1.

    With lo, hi from the training set, training values land in [0, 1] and others
    may fall outside it (not clipped), exactly as scikit-learn's MinMaxScaler.
    """
    x, lo, hi = (np.asarray(a, dtype=np.float64) for a in (x, lo, hi))
    span = hi - lo
    return (x - lo) / np.where(span > 0, span, 1.0)


def scale_train_test(x_train, x_test) -> tuple[np.ndarray, np.ndarray]:
    """Both matrices min-max scaled with the training set's min and max."""
    lo, hi = fit_min_max(x_train)
    return min_max_scale(x_train, lo, hi), min_max_scale(x_test, lo, hi)


def features(df: pd.DataFrame, categories=CATEGORIES, scaling: Scaling | None = None) -> np.ndarray:
    """The design matrix of `df` (see `design_matrix`), min-max scaled when `scaling` is given.

    Fit the scaling on the training rows only: scaling = fit_min_max(features(train)).
    """
    x = design_matrix(df, categories)
    return x if scaling is None else min_max_scale(x, *scaling)


def target(df: pd.DataFrame) -> np.ndarray:
    """The resale prices, float64 (N,)."""
    return df[TARGET].to_numpy(np.float64)


# --------------------------------------------------------------------------- the stand-in

TOWN_PREMIUM = dict(zip(TOWNS, (1.00, 0.95, 1.20, 0.88, 1.22, 0.86, 1.30, 1.35, 0.82, 1.08, 0.98, 0.92,
                                0.92, 0.84, 1.12, 1.18, 0.90, 0.88, 1.25, 0.80, 0.87, 1.02, 0.95, 1.10,
                                0.82, 0.84)))
MODEL_PREMIUM = {**{m: 1.0 for m in FLAT_MODELS}, "Standard": 0.97, "Simplified": 0.98, "Model A2": 0.98,
                 "DBSS": 1.10, "Premium Apartment": 1.05, "Premium Apartment Loft": 1.15, "Apartment": 1.05,
                 "Maisonette": 1.08, "Improved-Maisonette": 1.08, "Model A-Maisonette": 1.08,
                 "Premium Maisonette": 1.10, "Adjoined flat": 1.02, "Terrace": 1.40, "Type S1": 1.25,
                 "Type S2": 1.25, "2-room": 0.98, "3Gen": 1.05, "Multi Generation": 1.05}
# flat type: (share of sales, floor area range in sqm, the flat models it comes in)
FLAT_KINDS = {
    "1 ROOM": (0.005, (28, 33), ("Improved",)),
    "2 ROOM": (0.02, (35, 50), ("Improved", "Standard", "Model A", "2-room", "Premium Apartment", "DBSS")),
    "3 ROOM": (0.25, (60, 75), ("New Generation", "Improved", "Model A", "Simplified", "Standard",
                                "Premium Apartment", "DBSS", "Terrace")),
    "4 ROOM": (0.40, (83, 105), ("Model A", "New Generation", "Simplified", "Premium Apartment", "Model A2",
                                 "DBSS", "Improved", "Adjoined flat", "Type S1", "Premium Apartment Loft")),
    "5 ROOM": (0.24, (105, 125), ("Improved", "Premium Apartment", "Model A", "Standard", "DBSS",
                                  "Adjoined flat", "Improved-Maisonette", "Type S2", "3Gen",
                                  "Premium Apartment Loft")),
    "EXECUTIVE": (0.08, (130, 160), ("Apartment", "Maisonette", "Premium Apartment", "Premium Maisonette",
                                     "Model A-Maisonette")),
    "MULTI-GENERATION": (0.005, (160, 170), ("Multi Generation",)),
}
STREET_STEM = {"KALLANG/WHAMPOA": "WHAMPOA", "CENTRAL AREA": "CANTONMENT", "BUKIT TIMAH": "TOH YI",
               "MARINE PARADE": "MARINE"}
FIRST_MONTH, MONTHS = (2017, 1), 60     # sales from 2017-01 to 2021-12
BASE_PRICE, PRICE_PER_SQM, NOISE = 150_000.0, 2_200.0, 0.05


def format_remaining_lease(months: int) -> str:
    """As the file writes it: 736 -> "61 years 04 months", 756 -> "63 years",
    865 -> "72 years 01 month", 9 -> "09 months"."""
    years, months = divmod(int(months), 12)
    parts = ([f"{years} years"] if years else []) + ([f"{months:02d} month{'s' if months != 1 else ''}"]
                                                     if months or not years else [])
    return " ".join(parts)


def format_storey_range(low: int, width: int = 3) -> str:
    """As the file writes it: 10 -> "10 TO 12"."""
    return f"{low:02d} TO {low + width - 1:02d}"


def remaining_months(month: str, lease_commence_date: int, start_month: int) -> int:
    """The lease left at the sale: 99 years from month `start_month` (0 = January) of the
    commencement year, less the months elapsed up to the sale month "YYYY-MM".

    The file gives only the commencement year; the course's rows fit start months
    4 and 7: ("2017-01", 1979, 4) -> 736 and ("2017-01", 1978, 7) -> 727.
    """
    year, mon = (int(p) for p in month.split("-"))
    elapsed = (year - lease_commence_date) * 12 + (mon - 1) - start_month
    return LEASE_YEARS * 12 - elapsed


def price_model(floor_area_sqm, town, flat_model, storey, lease_months):
    """The noise-free price of the stand-in (numbers or arrays; see `generate`)."""
    town_premium = np.vectorize(TOWN_PREMIUM.__getitem__, otypes=[float])(town)
    model_premium = np.vectorize(MODEL_PREMIUM.__getitem__, otypes=[float])(flat_model)
    return ((BASE_PRICE + PRICE_PER_SQM * np.asarray(floor_area_sqm, dtype=float)) * town_premium * model_premium
            * (1 + 0.008 * (np.asarray(storey, dtype=float) - 2))
            * (0.6 + 0.4 * np.asarray(lease_months, dtype=float) / (LEASE_YEARS * 12)))


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """n generated sales with the file's columns, dtypes and string formats.

    Each sale: a month from 2017-01 to 2021-12; a town (uniform over `TOWNS`); a flat
    type by its share of real sales, a floor area uniform in its type's range (whole
    sqm) and one of its flat models; a storey range "01 TO 03" ... "49 TO 51", lower
    ones likelier; a lease commenced in a year from 1966 to five years before the sale
    (in a month of that year the file does not give); and the price

        price = (150,000 + 2,200 * floor_area_sqm)
                * TOWN_PREMIUM[town] * MODEL_PREMIUM[flat_model]
                * (1 + 0.008 * (storey - 2))
                * (0.6 + 0.4 * remaining_lease_months / 1188)
                * exp(e),  e ~ Normal(0, 0.05^2)

    rounded to the nearest 1,000, with storey the range's midpoint. The month plays no
    part (no market trend). The noise alone costs a perfect model about 4% of the price
    in MAE (E|e| = 0.05 * sqrt(2 / pi)). Rows are sorted by month and town, as in the file.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng(seed)
    index = rng.integers(0, MONTHS, n) + FIRST_MONTH[1] - 1
    years, mons = FIRST_MONTH[0] + index // 12, index % 12 + 1
    month = [f"{y}-{m:02d}" for y, m in zip(years, mons)]
    town = np.asarray(TOWNS)[rng.integers(0, len(TOWNS), n)]
    kinds = list(FLAT_KINDS)
    shares = np.array([FLAT_KINDS[k][0] for k in kinds])
    flat_type = np.asarray(kinds)[rng.choice(len(kinds), n, p=shares / shares.sum())]
    area, model = np.empty(n), np.empty(n, dtype=object)
    for kind, (_, (low, high), models) in FLAT_KINDS.items():
        rows = np.flatnonzero(flat_type == kind)
        area[rows] = rng.integers(low, high + 1, len(rows))
        model[rows] = np.asarray(models, dtype=object)[rng.integers(0, len(models), len(rows))]
    bands = np.arange(17)
    band = rng.choice(bands, n, p=np.exp(-bands / 3) / np.exp(-bands / 3).sum())
    storey_range = [format_storey_range(3 * b + 1) for b in band]
    commenced = 1966 + (rng.random(n) * (years - 5 - 1966 + 1)).astype(np.int64)
    start = rng.integers(0, 12, n)  # the commencement month, which the file does not give
    lease = LEASE_YEARS * 12 - ((years - commenced) * 12 + (mons - 1) - start)  # remaining_months, vectorised
    price = price_model(area, town, model, 3 * band + 2, lease) * np.exp(rng.normal(0, NOISE, n))
    block = [f"{b}{s}" for b, s in zip(rng.integers(1, 1000, n), rng.choice(["", "", "", "", "A", "B", "C"], n))]
    street = [f"{STREET_STEM.get(t, t)} {k} {s}" for t, k, s in
              zip(town, rng.choice(["AVE", "ST", "RD"], n), rng.integers(1, 90, n))]
    df = pd.DataFrame({
        "month": month, "town": town, "flat_type": flat_type, "block": block, "street_name": street,
        "storey_range": storey_range, "floor_area_sqm": area, "flat_model": model.astype(str),
        "lease_commence_date": commenced, "remaining_lease": [format_remaining_lease(m) for m in lease],
        "resale_price": np.round(price / 1000) * 1000,
    })
    df = df.sort_values(["month", "town"], kind="stable", ignore_index=True)
    return df.astype({c: str for c in COLUMNS if DTYPES[c] is str})


# --------------------------------------------------------------------------- loading

GENERATED_ROWS = 20_000
TEST_FRACTION = 0.2
SPLIT_SEED = 0


@dataclass
class HdbData:
    """The sales, split once into train and test (a fixed, seeded split)."""

    train: pd.DataFrame
    test: pd.DataFrame
    source: str              # where the rows came from, in words
    embedded: bool = False   # True for the generated stand-in

    def __repr__(self) -> str:
        return f"HdbData(train {len(self.train)} rows, test {len(self.test)} rows, from {self.source})"


def read_csv(path: Path) -> pd.DataFrame:
    """The file with the real schema (columns in `COLUMNS` order); a ValueError names what is missing."""
    df = pd.read_csv(path, dtype={c: t for c, t in DTYPES.items() if t is str})
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path} is not the HDB resale file: no column {', '.join(missing)}")
    return df[list(COLUMNS)].astype({c: t for c, t in DTYPES.items() if t is not str})


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Rows written as the file: its header, comma-separated, no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df[list(COLUMNS)].to_csv(path, index=False)


def split(df: pd.DataFrame, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED):
    """(train, test): a seeded random permutation, the last `test_fraction` of it for test."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(df))
    cut = len(df) - int(round(len(df) * test_fraction))
    return (df.iloc[np.sort(order[:cut])].reset_index(drop=True),
            df.iloc[np.sort(order[cut:])].reset_index(drop=True))


def redrawn(data: HdbData, seed: int) -> HdbData:
    """Generated sales with their test rows generated again from `seed`, the grader's own (the
    rows are independent draws of one model): none that the public generator reproduces.
    Real data is returned as it is."""
    if not data.embedded:
        return data
    return HdbData(data.train, generate(len(data.test), seed), data.source, embedded=True)


def find_csv() -> tuple[Path | None, list[str]]:
    """The first file named like `CSV_NAMES` in a $DLGRADE_DATA directory, and where it looked."""
    looked = []
    for folder in filter(None, os.environ.get("DLGRADE_DATA", "").split(os.pathsep)):
        for name in CSV_NAMES:
            if (Path(folder) / name).is_file():
                return Path(folder) / name, looked
        looked.append(f"not in DLGRADE_DATA {folder}")
    return None, looked or ["DLGRADE_DATA is not set"]


def load(test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED,
         generated_rows: int = GENERATED_ROWS) -> HdbData:
    """The real file from $DLGRADE_DATA (named `CSV_NAME`), else `generated_rows` generated
    sales with a FallbackDataWarning; split into train and test by `split`."""
    path, looked = find_csv()
    if path is not None:
        return HdbData(*split(read_csv(path), test_fraction, seed), source=f"DLGRADE_DATA ({path})")
    words = (f"EMBEDDED FALLBACK for hdb_resale: {generated_rows} generated sales (reference.hdb.generate), "
             f"not the real HDB resale prices. The real file was not found ({'; '.join(looked)}). "
             f"Put {CSV_NAME} from data.gov.sg in a $DLGRADE_DATA directory for real results.")
    warnings.warn(words, FallbackDataWarning, stacklevel=2)
    return HdbData(*split(generate(generated_rows, seed), test_fraction, seed), source=words, embedded=True)
