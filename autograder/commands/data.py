"""`dlgrade data list | fetch | verify`: the datasets the course's assignments grade on.

list    which datasets the assignments declare, their size, and where each is now: Keras's
        cache, a $DLGRADE_DATA folder, or missing (then the embedded stand-in takes its place)
fetch   on a machine with internet: download them through Keras's own loaders into its
        cache (Keras shows a progress bar and checks its published checksums) and record
        the checksum of every file fetched
verify  before grading: each is here for real, its files match their checksums, and it
        loads; exits 1 otherwise (grading would fall back to the stand-in)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder import assignments, course
from autograder.datasets import file_digest

MANIFEST = "dlgrade-checksums.json"  # in $KERAS_HOME/datasets: what `fetch` downloaded


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "data", help="list, fetch and verify the datasets the assignments grade on",
        description=__doc__.split("\n\n", 1)[1])
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb, words in (("list", "where each dataset is now"),
                        ("fetch", "download them into Keras's cache (needs internet)"),
                        ("verify", "check they are here, intact and loadable (exit 1 if not)")):
        sub = verbs.add_parser(verb, help=words, description=words)
        sub.add_argument("datasets", nargs="*", metavar="DATASET",
                         help="default: every dataset the course's assignments declare")
        if verb == "verify":
            sub.add_argument("--allow-stand-in", action="store_true",
                             help="exit 0 even when a dataset would be replaced by its stand-in")
        sub.set_defaults(func=run)


# --------------------------------------------------------------------------- facts

def used_by(root: Path) -> dict[str, list[str]]:
    """Each dataset the course's assignments declare -> those assignments."""
    found: dict[str, list[str]] = {}
    for name in assignments.names(root):
        for dataset in assignments.load(root, name).datasets:
            found.setdefault(dataset, []).append(name)
    return found


def known() -> list[str]:
    from autograder.kernel import course_data
    from reference import data

    return (sorted(data.DATASETS) + sorted(course_data.TABLES) + sorted(course_data.FOLDERS)
            + sorted(course_data.PRETRAINED))


def _is_table(name: str) -> bool:
    from autograder.kernel import course_data

    return name in course_data.TABLES


def _is_folder(name: str) -> bool:
    from autograder.kernel import course_data

    return name in course_data.FOLDERS


def _is_base(name: str) -> bool:
    from autograder.kernel import course_data

    return name in course_data.PRETRAINED


def about(name: str) -> tuple[str, str]:
    """(what it is, its download size)."""
    from reference import data, folders, hdb

    if _is_base(name):
        return ("VGG16's convolutional base, ImageNet weights (keras.applications, "
                "include_top=False)", "58.9 MB")

    if _is_table(name):
        return (f"HDB resale flat prices from Jan 2017 (data.gov.sg), {hdb.CSV_NAME}", "about 20 MB")
    if _is_folder(name):
        folder = folders.source(name)
        return folder.about, folder.size
    source = data.source(name)
    return source.about, source.size


def where(name: str) -> tuple[str, Path | None]:
    """("Keras cache" | "DLGRADE_DATA" | "missing", the folder)."""
    from reference import data, folders, hdb, pretrained

    if _is_base(name):
        found = pretrained.real_file()
        if found is None:
            return "missing", None
        return ("Keras cache" if found == pretrained.keras_file() else "DLGRADE_DATA"), found.parent

    if _is_table(name):
        path, _ = hdb.find_csv()
        return ("DLGRADE_DATA", path.parent) if path else ("missing", None)
    if _is_folder(name):
        folder = folders.source(name)
        if folder.in_keras_cache():
            return "Keras cache", folder.keras_folder()
        copy = folder.instructor_copy()
        return ("DLGRADE_DATA", copy) if copy else ("missing", None)
    if data.in_keras_cache(name):
        return "Keras cache", data.keras_home() / "datasets"
    copy = data.instructor_copy(name)
    return ("DLGRADE_DATA", copy) if copy else ("missing", None)


def _manifest_path() -> Path:
    from reference import data

    return data.keras_home() / "datasets" / MANIFEST


def recorded() -> dict[str, str]:
    try:
        return json.loads(_manifest_path().read_text())
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------- the verbs

def fetch(name: str) -> str | None:
    """Download `name` with Keras's loader; None when done, else why not."""
    from reference import data

    if _is_base(name):
        from reference import pretrained

        try:
            path = pretrained.fetch()
        except Exception as exc:  # noqa: BLE001 - offline, refused, a hash Keras rejects
            return f"download failed: {type(exc).__name__}: {str(exc)[:300]}"
        sums = recorded()
        sums[path.name] = file_digest(path)
        _manifest_path().parent.mkdir(parents=True, exist_ok=True)
        _manifest_path().write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n")
        return None
    if _is_table(name):
        return ("not downloadable by dlgrade: download the CSV 'Resale flat prices based on "
                "registration date from Jan-2017 onwards' from data.gov.sg into a folder and "
                "set DLGRADE_DATA to that folder")
    if _is_folder(name):
        from reference import folders

        source = folders.source(name)
        try:
            folder = source.fetch()
        except Exception as exc:  # noqa: BLE001 - offline, refused
            return f"download failed: {type(exc).__name__}: {str(exc)[:300]}"
        archive = folder.parents[1] / f"{source.folder}_archive"  # get_file keeps it beside
        if archive.is_file():
            sums = recorded()
            sums[archive.name] = file_digest(archive)
            _manifest_path().write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n")
        return None
    source = data.source(name)
    try:
        with data._socket_timeout(data.DOWNLOAD_TIMEOUT):
            source.keras()
    except Exception as exc:  # noqa: BLE001 - offline, refused, a checksum Keras rejects
        return f"download failed: {type(exc).__name__}: {str(exc)[:300]}"
    cache = data.keras_home() / "datasets"
    sums = recorded()
    sums.update({f: file_digest(cache / f) for f in source.cache_files})
    _manifest_path().write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n")
    return None


def verify(name: str) -> tuple[bool, str]:
    """(ok, what was found): here for real, checksums matching, loadable."""
    import warnings

    from reference import data, folders, hdb

    place, folder = where(name)
    if place == "missing":
        return False, "missing: grading would use the embedded stand-in (dlgrade data fetch)"
    if _is_base(name):
        return _verify_base(folder)
    if _is_folder(name):
        source = folders.source(name)
        try:
            found = source.split(folder, place)
        except Exception as exc:  # noqa: BLE001 - a damaged copy
            return False, f"unreadable: {type(exc).__name__}: {str(exc)[:200]}"
        counts = dict.fromkeys(found.classes, 0)
        for _, label in found.train + found.test:
            counts[found.classes[label]] += 1
        total = sum(counts.values())
        usual = "" if counts == source.real_counts else (
            f" (the published set has {sum(source.real_counts.values()):,}: another copy?)")
        return True, (f"{total:,} photos of {len(found.classes)} classes in {place} "
                      f"({len(found.train):,} to train on, {len(found.test):,} held out){usual}")
    if _is_table(name):
        try:
            rows = hdb.read_csv(hdb.find_csv()[0])
        except Exception as exc:  # noqa: BLE001 - a damaged file
            return False, f"unreadable: {type(exc).__name__}: {str(exc)[:200]}"
        return True, f"{len(rows):,} sales in {folder}"
    source = data.source(name)
    if place == "Keras cache":
        sums = recorded()
        for f in source.cache_files:
            expected = (source.sha256 or {}).get(f) or sums.get(f)
            if expected and file_digest(folder / f) != expected:
                return False, f"{f} does not match its checksum: damaged or replaced (fetch again)"
        checked = all(((source.sha256 or {}).get(f) or sums.get(f)) for f in source.cache_files)
    else:
        checked = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", data.FallbackDataWarning)
        loaded = data.load(name)
    if loaded.embedded:
        return False, "found but not loadable: " + loaded.source.split("(", 1)[-1][:300]
    shape = "x".join(str(n) for n in loaded.x_train.shape[1:])
    return True, (f"{len(loaded.x_train):,} + {len(loaded.x_test):,} images of {shape} in {place}"
                  + ("" if checked else " (no checksum known for these files)"))


def _verify_base(folder: Path) -> tuple[bool, str]:
    from reference import pretrained

    path = folder / pretrained.FILE
    expected = recorded().get(path.name)
    if expected and file_digest(path) != expected:
        return False, f"{path.name} does not match its checksum: damaged or replaced (fetch again)"
    pretrained.load.cache_clear()
    try:
        base = pretrained.load()
    except Exception as exc:  # noqa: BLE001 - a damaged file
        return False, f"unreadable: {type(exc).__name__}: {str(exc)[:200]}"
    if base.embedded or base.parameters != 14_714_688:
        return False, f"not VGG16's base: {base.parameters:,} parameters (expected 14,714,688)"
    return True, (f"{base.parameters:,} parameters in {folder}"
                  + ("" if expected else " (no checksum known for this file)"))


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    root = course.find_root()
    users = used_by(root)
    names = args.datasets or sorted(users)
    unknown = sorted(set(names) - set(known()))
    if unknown:
        raise ValueError(f"unknown dataset(s) {', '.join(unknown)} (known: {', '.join(known())})")
    console = Console(width=max(100, Console().width))
    if args.verb == "list":
        table = Table(title="datasets")
        for column in ("dataset", "used by", "size", "where it is now", "what it is"):
            table.add_column(column, overflow="fold")
        for name in names or known():
            place, folder = where(name)
            now = f"{place} ({folder})" if folder else "missing: the embedded stand-in grades instead"
            what, size = about(name)
            table.add_row(name, ", ".join(users.get(name, [])) or "-", size, now, what)
        console.print(table)
        return 0
    if args.verb == "fetch":
        failed = []
        for name in names:
            print(f"fetching {name} ({about(name)[1]}) ...", file=sys.stderr, flush=True)
            why = fetch(name)
            print(f"  {name}: {why or 'in the Keras cache, checksums recorded'}", file=sys.stderr)
            failed += [name] if why else []
        return 1 if failed else 0
    results = {name: verify(name) for name in names}
    for name, (ok, said) in results.items():
        print(f"{'ok     ' if ok else 'FAILED '} {name}: {said}")
    bad = [name for name, (ok, _) in results.items() if not ok]
    if bad and not args.allow_stand_in:
        print(f"not verified: {', '.join(bad)}; grading would use embedded stand-ins for them",
              file=sys.stderr)
        return 1
    return 0
