"""The instructor notebook of `hdb-regression` (activity 1: predicting HDB resale prices).

Built by source/build_notebooks.py (BUILDERS["hdb-regression"]) with its cell
helpers. The solution cells come verbatim from reference/assignments/hdb_regression.py,
the category lists of the example-data cell from reference/hdb.py, so neither can
drift from what the checks use. This is the preprocessing half; the model cells
follow the "features" part and add their groups to HDB_PARTS.
"""
from __future__ import annotations

import json

import nbformat

import build_notebooks as nb
import model_notebooks as models
from autograder.checks import hdb_regression as checks
from reference import hdb
from reference.assignments import hdb_regression

# (grade_id, the functions it grades, points), in notebook order.
HDB_PARTS = (
    ("test_remaining_lease", "`parse_remaining_lease`", 2),
    ("test_storey", "`storey_midpoint`", 1),
    ("test_one_hot", "`one_hot`", 2),
    ("test_scale", "`scale`", 2),
    ("test_features", "`prepare_features`", 3),
    ("test_model", "`build_model`: the regression network", 3),
    ("test_mae", "the trained `model`'s error on the grader's test sales", 6),
    ("test_training_time", "the training cell: within its time budget, leaving a trained `model`", 2),
)
HDB_POINTS = {grade_id: points for grade_id, _, points in HDB_PARTS}


def _literal(value) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)  # strings in double quotes


def _python_list(name: str, values, width: int = 96) -> str:
    """`name = [...]` wrapped at `width` columns, never inside a string."""
    lines, line = [], "   "
    for text in (_literal(v) + "," for v in values):
        if len(line) + 1 + len(text) > width:
            lines.append(line)
            line = "   "
        line += " " + text
    return "\n".join([f"{name} = [", *lines, line, "]"])


def _example_data() -> str:
    columns = [f'    "{c}": [{", ".join(_literal(row[i]) for row in hdb.COURSE_ROWS)}],'
               for i, c in enumerate(hdb.COLUMNS)]
    return "\n".join([
        "# The two sample rows the course shows, with the data's columns.",
        "HDB_SAMPLE = pd.DataFrame({", *columns, "})",
        "",
        "# The categories in a FIXED order: every data set gets the same one-hot columns.",
        _python_list("TOWNS", hdb.TOWNS),
        _python_list("FLAT_TYPES", hdb.FLAT_TYPES),
        _python_list("FLAT_MODELS", hdb.FLAT_MODELS),
        'CATEGORIES = {"town": TOWNS, "flat_type": FLAT_TYPES, "flat_model": FLAT_MODELS}',
    ])


def hdb_regression_notebook() -> nbformat.NotebookNode:
    m, p = hdb_regression, HDB_POINTS
    # indented like the rest of the intro, which cleandoc dedents
    table = f"\n{' ' * 12}".join(f"| {i} | {functions} | {points} |"
                                 for i, (_, functions, points) in enumerate(HDB_PARTS, 1))
    examples = nb.code("examples", "")
    examples["source"] = _example_data()  # built line by line: cleandoc would mangle the f-strings' indents
    return nb.notebook([
        nb.markdown("intro", f"""
            # Predicting HDB resale prices with a neural network

            The course's first network is a regression: from the resale transactions of HDB flats
            (data.gov.sg), predict a flat's resale price. Each sale is one row:

            | month | town | flat_type | block | street_name | storey_range | floor_area_sqm | flat_model | lease_commence_date | remaining_lease | resale_price |
            |---|---|---|---|---|---|---|---|---|---|---|
            | 2017-01 | ANG MO KIO | 2 ROOM | 406 | ANG MO KIO AVE 10 | 10 TO 12 | 44.0 | Improved | 1979 | 61 years 04 months | 232000.0 |
            | 2017-01 | ANG MO KIO | 3 ROOM | 108 | ANG MO KIO AVE 4 | 01 TO 03 | 67.0 | New Generation | 1978 | 60 years 07 months | 250000.0 |

            A network only takes numbers, and learns best when they are of similar size. Here you
            turn the rows into such numbers: the remaining lease and the storey range into numbers,
            the town, flat type and flat model into one-hot columns, and everything scaled to
            [0, 1] with the training set's minimum and maximum. Then you build and train the
            network that predicts the price from them.

            **How this notebook is graded.** Write your code in the cells marked
            `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line). Do not rename the
            functions or change their parameters. After each part comes a test cell: the asserts
            in it use the two rows above; run it to check your work. When you submit, the grader
            also runs *hidden checks* (named in the last line of each test cell) on many other
            leases, storey ranges, category lists and generated sales, compares your results with
            a trusted implementation, and tells you the smallest input where yours differs.
            Partial credit is given per check. For the network, the grader rebuilds your trained
            model in its own process (standard Keras layers only: no `Lambda`, no custom layers)
            and measures its error on test sales your notebook never sees.

            | Part | What | Points |
            |---|---|---|
            {table}
            | | **Total** | **{sum(p.values())}** |

            Use pandas and numpy for the preparation (no scikit-learn), Keras for the network.
            """),
        nb.code("setup", """
            import numpy as np
            import pandas as pd
            import keras

            keras.utils.set_random_seed(0)  # the same weights and batches on every run
            """),
        examples,
        nb.markdown("explain_remaining_lease", """
            ## 1. The remaining lease, in months

            An HDB flat is sold on a 99-year lease; `remaining_lease` says how much of it is left,
            as text: `"61 years 04 months"` is $61 \\cdot 12 + 4 = 736$ months. The data writes it
            in four ways, and your function must read all of them:

            | text | months |
            |---|---|
            | `"61 years 04 months"` | 736 |
            | `"63 years"` (no months part) | 756 |
            | `"72 years 01 month"` (one month: singular) | 865 |
            | `"9 months"` (no years part) | 9 |

            Reading the digits at fixed positions (`text[:2]`, `text[9:11]`) fails on the last
            three: split the text into words (`text.split()`) and look at what follows each number.
            Return a number (`int(...)`), not text.
            """),
        nb.solution(m, "parse_remaining_lease"),
        nb.tests("test_remaining_lease", p["test_remaining_lease"], """
            # Public checks: the sample rows and the other forms. Run this cell to check your work.
            assert parse_remaining_lease("61 years 04 months") == 736, "the first sample row: 61 * 12 + 4"
            assert parse_remaining_lease(HDB_SAMPLE["remaining_lease"][1]) == 727, "60 years 07 months"
            assert parse_remaining_lease("63 years") == 756, "no months part: 63 * 12"
            assert parse_remaining_lease("72 years 01 month") == 865, "one month, in the singular"
            assert parse_remaining_lease("9 months") == 9, "no years part"
            assert not isinstance(parse_remaining_lease("63 years"), str), "return a number, not text"
            """),
        nb.markdown("explain_storey", """
            ## 2. The storey

            For privacy the data gives a range of three storeys, `"10 TO 12"`, not the flat's floor.
            Use the middle of the range, $(10 + 12) / 2 = 11.0$: higher flats sell for more, and the
            middle keeps that order. `"01 TO 03"` gives 2.0.

            Write `storey_midpoint(text)`; `text.split(" TO ")` gives the two ends as text.
            """),
        nb.solution(m, "storey_midpoint"),
        nb.tests("test_storey", p["test_storey"], """
            # Public checks. Run this cell to check your work.
            assert storey_midpoint("10 TO 12") == 11, "the first sample row: (10 + 12) / 2"
            assert storey_midpoint(HDB_SAMPLE["storey_range"][1]) == 2, "01 TO 03"
            assert storey_midpoint("49 TO 51") == 50
            assert not isinstance(storey_midpoint("10 TO 12"), str), "return a number, not text"
            """),
        nb.markdown("explain_one_hot", """
            ## 3. One-hot encoding of the categories

            `town`, `flat_type` and `flat_model` are categories: BEDOK is not "more" than ANG MO KIO,
            so numbering the towns 0, 1, 2, ... would tell the network something false. One-hot
            encoding gives each category its own column, 1 where the sale is of that category and 0
            elsewhere. With the categories `["ANG MO KIO", "BEDOK", "YISHUN"]`, the values
            `["YISHUN", "ANG MO KIO"]` become `[[0, 0, 1], [1, 0, 0]]`.

            The columns must follow a **fixed** list of categories (`TOWNS`, `FLAT_TYPES`,
            `FLAT_MODELS` above), not the values that happen to occur: the training set, the test
            set and a single new sale must all give the same columns in the same order, or the
            network reads one town's column as another's. `pd.get_dummies` makes columns only for
            the values present, sorted, so it does not do this. A value missing from the list
            (an old spelling, a town that no longer sells) gets a row of zeros.

            Write `one_hot(values, categories)`, returning a float numpy array.
            """),
        nb.solution(m, "one_hot"),
        nb.tests("test_one_hot", p["test_one_hot"], """
            # Public checks. Run this cell to check your work.
            towns = one_hot(HDB_SAMPLE["town"], TOWNS)
            assert towns.shape == (2, 26) and towns[:, 0].tolist() == [1, 1] and towns.sum() == 2, \\
                "both sample rows are in ANG MO KIO, the first of TOWNS"
            rooms = one_hot(["EXECUTIVE", "3 ROOM", "2 ROOM"], FLAT_TYPES)
            assert np.array_equal(rooms, [[0, 0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0]]), \\
                "the columns follow FLAT_TYPES, whatever the order of the values"
            assert np.array_equal(one_hot(["YISHUN", "ANG MO KIO"], ["ANG MO KIO", "BEDOK", "YISHUN"]),
                                  [[0, 0, 1], [1, 0, 0]])
            assert np.array_equal(one_hot(["BEDOK", "LIM CHU KANG"], ["ANG MO KIO", "BEDOK"]), [[0, 1], [0, 0]]), \\
                "a value that is not a category gives a row of zeros"
            """),
        nb.markdown("explain_scale", r"""
            ## 4. Min-max scaling, fitted on the training set

            Floor areas run from about 30 to 170 sqm, remaining leases from about 500 to 1188
            months, one-hot columns are 0 or 1. Gradient descent works best when every input has a
            similar range, so scale each **column** (feature) to [0, 1]:

            $$x' = \frac{x - \min}{\max - \min}$$

            with the minimum and maximum of that column over the **training** rows only. The test
            set stands for sales the model has never seen: it is scaled with the training set's
            numbers too (not its own, and not those of both sets together), so its values may fall
            a little outside [0, 1]; leave them there. A column whose max equals its min (a town
            with no sale in the training set) would divide by 0: divide it by 1 instead. This is
            exactly scikit-learn's `MinMaxScaler().fit(x_train)` applied to both sets.

            With the numeric features of the sample rows as training set,
            `[[44, 11, 736], [67, 2, 727]]`, the column minimums are `[44, 2, 727]` and maximums
            `[67, 11, 736]`: the sale `[50, 5, 730]` becomes `[6/23, 3/9, 3/9]`.

            Write `scale(x_train, x_test)`; `x.min(axis=0)` gives one minimum per column.
            """),
        nb.solution(m, "scale"),
        nb.tests("test_scale", p["test_scale"], """
            # Public checks. Run this cell to check your work.
            train, test = scale([[44, 11, 736], [67, 2, 727]], [[50, 5, 730]])
            assert np.allclose(train, [[0, 1, 1], [1, 0, 0]]), "the training rows span [0, 1] in every column"
            assert np.allclose(test, [[6 / 23, 3 / 9, 3 / 9]]), "the test set: the TRAINING set's min and max"
            _, beyond = scale([[0.0], [10.0]], [[15.0], [-5.0]])
            assert np.allclose(beyond, [[1.5], [-0.5]]), "test values outside the training range are not clipped"
            constant, _ = scale([[44.0, 0.0], [67.0, 0.0]], [[50.0, 1.0]])
            assert not np.isnan(constant).any() and np.allclose(constant[:, 1], 0), "a constant column: divide by 1"
            """),
        nb.markdown("explain_features", """
            ## 5. All the features of a sale

            Put it together: `prepare_features(df, categories)` returns one row per sale with, in
            this order,

            1. `floor_area_sqm`;
            2. the storey, `storey_midpoint` of `storey_range`;
            3. the remaining lease in months, `parse_remaining_lease` of `remaining_lease`;
            4. the one-hot columns of `town` (26), then of `flat_type` (7), then of `flat_model` (21),
               with the lists in `categories`.

            For the two sample rows that is a (2, 57) array starting `[44, 11, 736, 1, 0, ...]`.
            Leave it unscaled: `scale` fits on the training set once the data is split. The other
            columns (month, block, street name, lease commencement year) are not used.
            """),
        nb.solution(m, "prepare_features"),
        nb.tests("test_features", p["test_features"], """
            # Public checks. Run this cell to check your work.
            x = prepare_features(HDB_SAMPLE, CATEGORIES)
            assert x.shape == (2, 3 + 26 + 7 + 21), "3 numeric columns, then 26 + 7 + 21 one-hot columns"
            assert np.allclose(x[:, :3], [[44, 11, 736], [67, 2, 727]]), "floor area, storey, lease in months"
            assert x[:, 3].tolist() == [1, 1] and x[:, 3:29].sum() == 2, "town: ANG MO KIO, the first of TOWNS"
            assert x[0, 29 + 1] == 1 and x[1, 29 + 2] == 1, "flat type: 2 ROOM, then 3 ROOM"
            assert x[0, 36 + FLAT_MODELS.index("Improved")] == 1 and x[1, 36 + FLAT_MODELS.index("New Generation")] == 1
            assert x.sum() == (44 + 11 + 736) + (67 + 2 + 727) + 6, "three 1s per row, nothing else"
            """),
        nb.markdown("explain_model", """
            ## 6. The network

            Now the course's regression: a network that reads the 57 features of a sale and
            predicts its price. The cell below (run it, do not change it) loads the training sales
            with `load_data`, holds back the last tenth for validation, turns both into features
            with your functions, scales them with the training part's min and max, and gives the
            prices in **thousands of dollars** (232.0 for 232,000): numbers of that size are easy
            for a network to reach.

            Write `build_model()`: `keras.Input(shape=(N_FEATURES,))`, at least one hidden `Dense`
            layer with relu, and an output `Dense(1)` with no activation (a price can be any
            number; relu or sigmoid would cap it). Compile it with adam and a regression loss:
            `"mse"` (mean squared error), with `metrics=["mae"]` to watch the mean absolute error.
            """),
        nb.code("training_data", """
            from course_data import load_data

            train_rows, val_rows = load_data("hdb_resale")
            x_train, x_val = scale(prepare_features(train_rows, CATEGORIES), prepare_features(val_rows, CATEGORIES))
            y_train = train_rows["resale_price"].to_numpy() / 1000  # thousands of dollars
            y_val = val_rows["resale_price"].to_numpy() / 1000
            N_FEATURES = x_train.shape[1]
            print("training:", x_train.shape, "validation:", x_val.shape)
            """),
        nb.solution(m, "build_model"),
        nb.tests("test_model", p["test_model"], """
            # Public checks. Run this cell to check your work.
            m = build_model()
            assert m.input_shape == (None, N_FEATURES), "start with keras.Input(shape=(N_FEATURES,))"
            assert m.layers[-1].units == 1 and m.layers[-1].activation.__name__ == "linear", "one output, no activation"
            assert any(layer.activation.__name__ == "relu" for layer in m.layers[:-1]), "a hidden relu layer"
            assert m.loss in ("mse", "mae", "mean_squared_error", "mean_absolute_error"), "a regression loss"
            """),
        nb.markdown("explain_training", f"""
            ## 7. Train it

            Build the model and train it with `model.fit` on `x_train`, `y_train`, watching the
            validation set. Keep the trained model in `model` (and what `fit` returns in
            `history`): the grader measures that `model` on test sales your notebook never sees,
            prepared and scaled the same way, as its mean absolute error in thousands of dollars.
            Full credit at an MAE of {checks.THRESHOLDS["real"].target:g} (thousand dollars) on the
            real data, none at {checks.THRESHOLDS["real"].floor:g} or more; on the grader's
            generated stand-in (used when it has no copy of the real file, and printed by
            `load_data` above) {checks.THRESHOLDS["embedded"].target:g} and
            {checks.THRESHOLDS["embedded"].floor:g}. Predicting the average price for every sale
            gets an MAE of about 77 there.

            The grader times this cell from outside your kernel: it may take up to 3 times as long
            as the reference solution's on the grading machine (10 epochs of a 64-64 network).
            """),
        models.training_cell("train", m.TRAINING),
        nb.tests("test_mae", p["test_mae"], """
            # Public checks. Run this cell to check your work.
            val_mae = float(np.mean(np.abs(model.predict(x_val, verbose=0)[:, 0] - y_val)))
            print(f"validation MAE: {val_mae:.1f} thousand dollars")
            assert val_mae < 40, "far from what this network reaches: is it trained?"
            """),
        nb.tests("test_training_time", p["test_training_time"], """
            # Public checks. Run this cell to check your work.
            assert history.history["loss"][-1] < history.history["loss"][0], "the loss went down"
            """),
        nb.markdown("closing", """
            ## What the hidden checks look at

            For the network: the model `build_model()` returns (its input, hidden and output layers
            and its loss), and the trained `model`, rebuilt in the grader from its configuration and
            weights (standard Keras layers only) and measured there. For every function, the sample rows above and many other inputs: leases of every form
            from "01 month" to "98 years 11 months", three- and five-storey ranges, category lists
            in any order with values that are not in them, small matrices with constant columns and
            test values beyond the training range, and generated sales with the data's columns. When
            your result differs, the feedback shows the smallest input where it does, the expected
            and the actual values, and, when it recognises one, the mistake it looks like (the
            months ignored, the low end of the range, the categories of the data instead of the
            fixed list, the test set scaled with its own min and max, ...).
            """),
    ])
