"""HDB resale prices: the trusted preprocessing, the generated stand-in, the CSV and the fallback."""
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import hdb
from reference.data import FallbackDataWarning

# The formats of the file's columns: the course's rows and every generated row must match them.
FORMATS = {"month": r"\d{4}-\d{2}", "block": r"\d{1,3}[A-Z]?", "storey_range": r"\d{2} TO \d{2}",
           "remaining_lease": r"(\d{1,2} years)?( ?\d{2} months?)?", "street_name": r"[A-Z/ ]+ [A-Z]+ \d+"}


def _check_formats(df: pd.DataFrame) -> None:
    assert tuple(df.columns) == hdb.COLUMNS
    for column, pattern in FORMATS.items():
        bad = [v for v in df[column] if not re.fullmatch(pattern, v)]
        assert not bad, (column, bad[:3])
    assert set(df["town"]) <= set(hdb.TOWNS) and set(df["flat_type"]) <= set(hdb.FLAT_TYPES)
    assert set(df["flat_model"]) <= set(hdb.FLAT_MODELS)
    assert (df["floor_area_sqm"] % 1 == 0).all() and (df["resale_price"] % 1000 == 0).all()


# --------------------------------------------------------------------------- parsing

@pytest.mark.parametrize("text, months", [("61 years 04 months", 736), ("60 years 07 months", 727),
                                          ("63 years", 756), ("72 years 01 month", 865), ("9 months", 9),
                                          ("09 months", 9), ("1 year 1 month", 13), (" 95 years 11 months ", 1151)])
def test_remaining_lease_in_every_form(text, months):
    assert hdb.remaining_lease_months(text) == months
    assert isinstance(hdb.remaining_lease_months(text), int)


@pytest.mark.parametrize("text", ["", "61", "sixty years", "61 years 04", "04 months 61 years", "61 years 12 months",
                                  "61years", None, 736])
def test_a_remaining_lease_that_is_not_one_is_named(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        hdb.remaining_lease_months(text)


@pytest.mark.parametrize("text, storey", [("10 TO 12", 11.0), ("01 TO 03", 2.0), ("49 TO 51", 50.0),
                                          ("06 TO 10", 8.0)])
def test_storey_midpoint(text, storey):
    assert hdb.storey_midpoint(text) == storey and isinstance(hdb.storey_midpoint(text), float)


@pytest.mark.parametrize("text", ["10-12", "12 TO 10", "", "10 TO", None])
def test_a_storey_range_that_is_not_one_is_named(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        hdb.storey_midpoint(text)


@given(months=st.integers(1, 99 * 12))
def test_the_lease_format_round_trips(months):
    assert hdb.remaining_lease_months(hdb.format_remaining_lease(months)) == months


@given(low=st.integers(1, 97), width=st.sampled_from([3, 5]))
def test_the_storey_format_round_trips(low, width):
    assert hdb.storey_range_bounds(hdb.format_storey_range(low, width)) == (low, low + width - 1)
    assert hdb.storey_midpoint(hdb.format_storey_range(low, width)) == low + (width - 1) / 2


def test_the_columns_parse_as_the_values_do():
    df = hdb.generate(300, seed=4)
    assert hdb.lease_months_column(df["remaining_lease"]).tolist() == list(map(hdb.remaining_lease_months,
                                                                              df["remaining_lease"]))
    assert hdb.storey_column(df["storey_range"]).tolist() == list(map(hdb.storey_midpoint, df["storey_range"]))
    with pytest.raises(ValueError, match="row 1: .*'70'"):  # the pre-2017 file wrote whole years
        hdb.lease_months_column(["61 years 04 months", "70"])


# --------------------------------------------------------------------------- one-hot, scaling, features

def test_one_hot_follows_the_categories_given():
    assert hdb.one_hot(["YISHUN", "ANG MO KIO"], ["ANG MO KIO", "BEDOK", "YISHUN"]).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert hdb.one_hot(["BEDOK", "LIM CHU KANG"], ["ANG MO KIO", "BEDOK"]).tolist() == [[0, 1], [0, 0]]
    assert hdb.one_hot([], ["A"]).shape == (0, 1)
    with pytest.raises(ValueError, match="distinct"):
        hdb.one_hot(["A"], ["A", "B", "A"])


@given(values=st.lists(st.sampled_from(hdb.TOWNS[:5] + ("LIM CHU KANG",)), max_size=8),
       categories=st.permutations(hdb.TOWNS[:5]))
def test_one_hot_marks_each_known_value_once(values, categories):
    encoded = hdb.one_hot(values, categories)
    assert encoded.shape == (len(values), 5) and encoded.dtype == np.float64
    for row, value in zip(encoded, values):
        assert row.sum() == (value in categories)
        if value in categories:
            assert row[list(categories).index(value)] == 1


@settings(max_examples=30)
@given(x_train=st.lists(st.lists(st.sampled_from([0.0, 1.0, 44.0, 67.0, 736.0, -2.5]), min_size=3, max_size=3),
                        min_size=1, max_size=6),
       x_test=st.lists(st.lists(st.sampled_from([0.0, 5.0, 1000.0, -10.0]), min_size=3, max_size=3), min_size=1,
                       max_size=3))
def test_min_max_scaling_is_scikit_learns(x_train, x_test):
    from sklearn.preprocessing import MinMaxScaler

    x_train, x_test = np.array(x_train), np.array(x_test).reshape(-1, 3)
    scaler = MinMaxScaler().fit(x_train)
    train, test = hdb.scale_train_test(x_train, x_test)
    np.testing.assert_allclose(train, scaler.transform(x_train), atol=1e-12)
    np.testing.assert_allclose(test, scaler.transform(x_test), atol=1e-12)
    assert ((train >= 0) & (train <= 1)).all()


def test_fit_needs_a_matrix():
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        hdb.fit_min_max([1.0, 2.0, 3.0])


def test_the_features_of_the_course_rows():
    df = hdb.course_rows()
    x = hdb.features(df)
    names = hdb.feature_names()
    assert x.shape == (2, 57) == (2, len(names))
    assert x[:, :3].tolist() == [[44, 11, 736], [67, 2, 727]]
    ones = [[names[j] for j in np.flatnonzero(row[3:]) + 3] for row in x]
    assert ones == [["town=ANG MO KIO", "flat_type=2 ROOM", "flat_model=Improved"],
                    ["town=ANG MO KIO", "flat_type=3 ROOM", "flat_model=New Generation"]]
    assert hdb.target(df).tolist() == [232000.0, 250000.0]
    # a dict of columns, as the grader's bridge carries it, gives the same
    np.testing.assert_array_equal(hdb.design_matrix({c: df[c].tolist() for c in df}), x)


def test_scaled_features_use_the_training_scaling():
    train, test = hdb.generate(200, seed=1), hdb.generate(50, seed=2)
    scaling = hdb.fit_min_max(hdb.features(train))
    x_train, x_test = hdb.features(train, scaling=scaling), hdb.features(test, scaling=scaling)
    expected = hdb.scale_train_test(hdb.features(train), hdb.features(test))
    np.testing.assert_array_equal(x_train, expected[0])
    np.testing.assert_array_equal(x_test, expected[1])
    assert x_train.min() == 0 and x_train.max() == 1


def test_features_name_what_is_missing_or_wrong():
    df = hdb.course_rows()
    with pytest.raises(ValueError, match="no column storey_range"):
        hdb.features(df.drop(columns="storey_range"))
    df.loc[1, "remaining_lease"] = "about sixty years"
    with pytest.raises(ValueError, match="'about sixty years'"):
        hdb.features(df)


# --------------------------------------------------------------------------- the stand-in

def test_the_course_rows_are_in_the_generators_formats():
    _check_formats(hdb.course_rows())
    assert hdb.format_remaining_lease(hdb.remaining_months("2017-01", 1979, 4)) == "61 years 04 months"
    assert hdb.format_remaining_lease(hdb.remaining_months("2017-01", 1978, 7)) == "60 years 07 months"
    assert (hdb.format_storey_range(10), hdb.format_storey_range(1)) == ("10 TO 12", "01 TO 03")
    # the pricing model puts the course's two sales within 5% of what they sold for
    rows = hdb.course_rows()
    model = hdb.price_model(rows["floor_area_sqm"], rows["town"], rows["flat_model"], [11, 2], [736, 727])
    np.testing.assert_allclose(model, rows["resale_price"], rtol=0.05)


def test_generated_rows_have_the_real_schema_and_formats():
    df = hdb.generate(2000, seed=0)
    _check_formats(df)
    assert df.dtypes.equals(hdb.course_rows().dtypes)
    assert df.equals(df.sort_values(["month", "town"], kind="stable", ignore_index=True))
    assert {re.sub(r"\d", "#", v) for v in df["remaining_lease"]} == {
        "## years ## months", "## years", "## years ## month"}  # the three forms of the file
    year = df["month"].str[:4].astype(int)
    assert (df["lease_commence_date"] <= year - 5).all()
    # the lease left is 99 years from a month of the commencement year to the sale
    elapsed = (year - df["lease_commence_date"]) * 12 + df["month"].str[5:].astype(int) - 1
    start = elapsed - (99 * 12 - hdb.lease_months_column(df["remaining_lease"]))
    assert start.between(0, 11).all()
    assert len(set(df["flat_model"])) == len(hdb.FLAT_MODELS) and len(set(df["town"])) == len(hdb.TOWNS)


def test_generation_is_seeded():
    pd.testing.assert_frame_equal(hdb.generate(50, seed=7), hdb.generate(50, seed=7))
    assert not hdb.generate(50, seed=7).equals(hdb.generate(50, seed=8))
    assert len(hdb.generate(0)) == 0


def test_a_regression_can_learn_the_generated_prices():
    train, test = hdb.split(hdb.generate(4000, seed=5))
    scaling = hdb.fit_min_max(hdb.features(train))
    x_train, x_test = (np.column_stack([hdb.features(d, scaling=scaling), np.ones(len(d))]) for d in (train, test))
    weights = np.linalg.lstsq(x_train, hdb.target(train), rcond=None)[0]
    error = hdb.target(test) - x_test @ weights
    assert np.abs(error).mean() < 0.25 * np.abs(hdb.target(test) - hdb.target(train).mean()).mean()


# --------------------------------------------------------------------------- the CSV and loading

def test_the_csv_is_written_as_the_file(tmp_path):
    hdb.write_csv(hdb.course_rows(), tmp_path / hdb.CSV_NAME)
    assert (tmp_path / hdb.CSV_NAME).read_text().splitlines() == [
        ",".join(hdb.COLUMNS),
        "2017-01,ANG MO KIO,2 ROOM,406,ANG MO KIO AVE 10,10 TO 12,44.0,Improved,1979,61 years 04 months,232000.0",
        "2017-01,ANG MO KIO,3 ROOM,108,ANG MO KIO AVE 4,01 TO 03,67.0,New Generation,1978,60 years 07 months,250000.0"]


@pytest.mark.parametrize("name", hdb.CSV_NAMES)
def test_the_real_file_round_trips_through_dlgrade_data(tmp_path, monkeypatch, name):
    rows = hdb.generate(300, seed=1)
    hdb.write_csv(rows, tmp_path / "instructor" / name)
    monkeypatch.setenv("DLGRADE_DATA", f"{tmp_path / 'nothing'}:{tmp_path / 'instructor'}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackDataWarning)
        data = hdb.load()
    assert not data.embedded and data.source == f"DLGRADE_DATA ({tmp_path / 'instructor' / name})"
    pd.testing.assert_frame_equal(hdb.read_csv(tmp_path / "instructor" / name), rows)
    train, test = hdb.split(rows)
    pd.testing.assert_frame_equal(data.train, train)
    pd.testing.assert_frame_equal(data.test, test)
    assert (len(data.train), len(data.test)) == (240, 60)


def test_a_csv_without_the_columns_is_named(tmp_path, monkeypatch):
    hdb.write_csv(hdb.course_rows(), tmp_path / hdb.CSV_NAME)
    table = pd.read_csv(tmp_path / hdb.CSV_NAME).drop(columns="remaining_lease")  # the pre-2017 schema
    table.to_csv(tmp_path / hdb.CSV_NAME, index=False)
    monkeypatch.setenv("DLGRADE_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="not the HDB resale file: no column remaining_lease"):
        hdb.load()


def test_the_fallback_is_generated_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGRADE_DATA", str(tmp_path))
    with pytest.warns(FallbackDataWarning, match="EMBEDDED FALLBACK for hdb_resale: 500 generated sales"):
        data = hdb.load(generated_rows=500)
    assert data.embedded and f"not in DLGRADE_DATA {tmp_path}" in data.source and hdb.CSV_NAME in data.source
    assert (len(data.train), len(data.test)) == (400, 100)
    _check_formats(data.train)
    monkeypatch.delenv("DLGRADE_DATA")
    with pytest.warns(FallbackDataWarning, match="DLGRADE_DATA is not set"):
        assert repr(hdb.load(generated_rows=10)).startswith("HdbData(train 8 rows, test 2 rows, from EMBEDDED")


def test_the_split_is_fixed_and_disjoint():
    df = hdb.generate(101, seed=3).assign(row=range(101))
    train, test = hdb.split(df, 0.25, seed=9)
    again = hdb.split(df, 0.25, seed=9)
    pd.testing.assert_frame_equal(train, again[0])
    assert len(test) == 25 and sorted([*train["row"], *test["row"]]) == list(range(101))
    assert hdb.split(df, 0.25, seed=10)[1]["row"].tolist() != test["row"].tolist()
    with pytest.raises(ValueError, match="between 0 and 1"):
        hdb.split(df, 1.0)
