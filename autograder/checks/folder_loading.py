"""Checks of a student's function that reads a folder of photos with
keras.utils.image_dataset_from_directory and returns (train_ds, val_ds).

The kernel calls it on the student's training folder and on a small folder of the
grader's own (other classes, other image sizes) and describes what it returned
(element spec, class names, file paths, first batch size: `student.function(name,
datasets=True)`); no dataset crosses the bridge. What is expected comes from the
assignment's [settings]: image_size, batch_size, validation_split.

    class names in the folders' order      2
    batches of resized colour images       2
    labels as the exercise says            1   ("int": one integer a photo; "binary": one
                                                float 0/1 a photo, shape (batch, 1))
    a validation split, no photo in both   2
    reads the folder it is given           1
"""
from __future__ import annotations

from autograder import datasets
from autograder.checks import grade
from autograder.checks.hints import with_hint
from autograder.checks.trained_models import memo
from reference import folders

LABEL_MODES = ("int", "binary")


def _shape(shape) -> str:
    if shape is None:
        return "unknown"
    inner = ", ".join("None" if n == -1 else str(n) for n in shape)
    return f"({inner}{',' if len(shape) == 1 else ''})"


def _expected(folder) -> tuple[tuple[str, ...], int]:
    files = folders.class_files(folder)
    return tuple(files), sum(len(paths) for paths in files.values())


def _class_names(part: dict, which: str, loader: str) -> list[str]:
    names = part.get("class_names")
    assert names is not None, (
        f"the {which} dataset has no class_names: return the datasets as "
        f"image_dataset_from_directory gives them (cache, map or prefetch them in the "
        f"training cell, not in {loader})")
    return names


def _label_failure(labels: dict, label_mode: str) -> AssertionError | None:
    """Why the labels' spec is not what `label_mode` gives, with the likely cause; None if it is."""
    shape, dtype = labels["shape"], labels["dtype"]
    if label_mode == "int":
        if shape == [-1] and dtype.startswith("int"):
            return None
        return with_hint(AssertionError(f"the labels are {dtype} of shape {_shape(shape)}, not one "
                                        "integer per image (shape (batch,))"),
                         "label_mode=\"categorical\" gives one-hot labels; the exercise uses the "
                         "default label_mode=\"int\" with the sparse_categorical_crossentropy loss"
                         if len(shape) == 2 else None)
    if shape == [-1, 1] and dtype.startswith("float"):
        return None
    hint = None
    if shape == [-1] and dtype.startswith("int"):
        hint = ("that is label_mode=\"int\", the default: the exercise's sigmoid output and "
                "binary_crossentropy loss take label_mode=\"binary\"")
    elif len(shape) == 2 and shape[1] == 2:
        hint = ("label_mode=\"categorical\" gives a one-hot pair per photo: the exercise's single "
                "sigmoid output takes label_mode=\"binary\"")
    return with_hint(AssertionError(f"the labels are {dtype} of shape {_shape(shape)}, not one "
                                    "float 0 or 1 per image (shape (batch, 1), label_mode=\"binary\")"),
                     hint)


def student_folder(student, dataset: str):
    """The training photos the grader prepared for the kernel (what the training cell reads)."""
    return datasets.student_folder(student.context["course_root"], dataset)


def probe_folder(student, dataset: str):
    return datasets.probe_folder(student.context["course_root"], dataset)


def described(student, loader: str, folder) -> list[dict]:
    """What loader(folder) returned, described by the kernel: [train, val] (once a student)."""
    def load():
        result = student.function(loader, datasets=True)(str(folder))
        kinds = [part.get("type") for part in result] if isinstance(result, list) else None
        assert kinds == ["Dataset", "Dataset"], (
            f"{loader}() must return (train_ds, val_ds), two datasets; it returned "
            + (f"{len(kinds)} value(s) of type {', '.join(map(str, kinds))}" if kinds is not None
               else f"a {result.get('type') if isinstance(result, dict) else type(result).__name__}"))
        return result
    return memo(student, f"loaded:{folder}", load)


def loader_checks(assignment, loader: str, label_mode: str = "int",
                  grade_id: str = "test_load") -> dict:
    """The checks of `loader(directory)`, as test functions for an assignment's check module
    to take into its globals."""
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be one of {LABEL_MODES}, not {label_mode!r}")
    dataset, = assignment.measured_datasets
    settings = assignment.settings
    image_size = tuple(settings["image_size"])
    batch_size = int(settings["batch_size"])
    validation = float(settings["validation_split"])

    def student_folders(student):
        return student_folder(student, dataset), probe_folder(student, dataset)

    def loaded(student, folder):
        return described(student, loader, folder)

    def test_load_class_names_in_folder_order(student):
        folder = student_folders(student)[0]
        train, val = loaded(student, folder)
        classes, _ = _expected(folder)
        for part, which in ((train, "training"), (val, "validation")):
            names = _class_names(part, which, loader)
            assert tuple(names) == classes, with_hint(AssertionError(
                f"the {which} dataset's class names are {names}, not the folders' "
                f"{list(classes)}"), "Keras numbers the classes in the alphabetical order of the "
                                     "subfolders: leave class_names out (the grader's labels follow "
                                     "that order)" if sorted(names) == list(classes) else None)

    def test_load_batches_of_resized_colour_images(student):
        train, val = loaded(student, student_folders(student)[0])
        want = [-1, *image_size, 3]
        for part, which in ((train, "training"), (val, "validation")):
            images = part["spec"][0]
            assert images["shape"] == want and images["dtype"] == "float32", (
                f"the {which} dataset's images are {images['dtype']} of shape "
                f"{_shape(images['shape'])}; expected float32 batches of shape {_shape(want)} "
                f"(image_size={image_size}, color_mode \"rgb\")")
        batch = train.get("first_batch")
        assert batch == batch_size, (f"the training dataset's first batch holds {batch} images, "
                                     f"not {batch_size} (batch_size={batch_size})")

    def test_load_labels(student):
        train, _ = loaded(student, student_folders(student)[0])
        if len(train["spec"]) < 2:
            raise AssertionError("the training dataset gives images without labels "
                                 f"(label_mode=None): the exercise uses label_mode=\"{label_mode}\"")
        failure = _label_failure(train["spec"][1], label_mode)
        if failure is not None:
            raise failure

    test_load_labels.__name__ = f"test_load_{'integer' if label_mode == 'int' else 'binary'}_labels"

    def test_load_holds_back_a_validation_split(student):
        folder = student_folders(student)[0]
        train, val = loaded(student, folder)
        _, total = _expected(folder)
        paths = [part.get("file_paths") for part in (train, val)]
        assert None not in paths, ("the datasets have no file_paths: return them as "
                                   "image_dataset_from_directory gives them")
        shared = set(paths[0]) & set(paths[1])
        assert not shared, with_hint(AssertionError(
            f"{len(shared)} photo(s) are in both the training and the validation set"),
            "the two image_dataset_from_directory calls must use the same seed (or one call "
            "with subset=\"both\")")
        expected_val = int(validation * total)
        n_train, n_val = len(paths[0]), len(paths[1])
        assert (n_train, n_val) == (total - expected_val, expected_val), (
            f"{n_train} training and {n_val} validation photos of the folder's {total}: "
            f"expected {total - expected_val} and {expected_val} (validation_split={validation})")

    def test_load_reads_the_folder_it_is_given(student):
        _, probe = student_folders(student)
        train, val = loaded(student, probe)
        classes, total = _expected(probe)
        names = _class_names(train, "training", loader)
        counted = sum(len(part.get("file_paths") or ()) for part in (train, val))
        assert tuple(names) == classes and counted == total, (
            f"on a folder of the grader's own ({total} photos of the classes {list(classes)}) "
            f"{loader}() read the classes {names} ({counted} photos): use its directory "
            "argument, not a folder written into the function")

    checks = {}
    for check, weight in ((test_load_class_names_in_folder_order, 2.0),
                          (test_load_batches_of_resized_colour_images, 2.0),
                          (test_load_labels, 1.0),
                          (test_load_holds_back_a_validation_split, 2.0),
                          (test_load_reads_the_folder_it_is_given, 1.0)):
        checks[check.__name__] = grade(grade_id, weight)(check)
    return checks
