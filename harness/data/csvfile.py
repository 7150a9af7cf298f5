"""Your own data: a csv file with a header row, one example per line, read with pandas.

    data: {name: csv, path: my.csv, target: label}             # features: the other numeric columns
    data: {name: csv, path: my.csv, target: label, features: [age, income]}
    data: {name: csv, path: xy.csv, target: y, features: [x1, x2, x1^2, x2^2]}  # crosses

The file is checked on disk before pandas reads it (`check_path`): a regular file (not a folder,
a device or a pipe) of at most `MAX_BYTES` (500 MB), whose header names at most `MAX_COLUMNS`
(20,000) columns; bigger data is one error line that says how to take a sample.

The task is inferred from the target column unless `data.task` states it: text or true/false
labels are classes (sorted, then numbered 0, 1, ...); whole numbers with at most
`MAX_INFERRED_CLASSES` distinct values are classes too; other numbers are a regression target.
More than `MAX_CLASSES` (1,000) classes is an error: such a column is an id, not a label.
Two classes make a binary task, more a multi-class one. Every problem with the file is one
`DataError` naming the file, the column and the line.

Without `data.features` the inputs are the numeric columns besides the target: text and
true/false columns are left out, but a column of numbers with a cell that is not a number (which
pandas reads as text) is an error naming that cell.

`data.features` may list file columns and `harness.data.features.CROSSES` names: the crosses are
made from the two input columns (x1 = the first, x2 = the second), so a 2-D file gets the
Playground's inputs as the toys do.
"""

import csv
import difflib
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd

from harness.data.features import CROSSES
from harness.errors import DataError

MAX_INFERRED_CLASSES = 20
MAX_CLASSES = 1000  # ImageNet's count; a target with more distinct labels is an id column
# Bounds checked on disk before pandas reads anything: a 3 GB file would take minutes and more
# memory than most machines have, and pandas needs ~2 minutes for a header of a million columns.
MAX_BYTES = 500_000_000  # MNIST as csv is 110 MB; pandas holds it in ~3-4x its size
MAX_COLUMNS = 20_000  # MNIST has 785, a 100 x 100 image 10,001
MAX_HEADER_BYTES = 100 * MAX_COLUMNS  # column names of up to ~100 characters


def read_csv(cfg, seed: int):
    """Reads `cfg.path` into shuffled splits.

    Args:
        cfg: the data config (`path`, `target`, `task`, `features`, `n_samples`,
            `test_fraction`, `val_fraction`).
        seed: seeds the shuffle (and the subset when `n_samples` is set).

    Returns:
        `(task, class_names, input_names, train, val, test, crosses)`: `class_names` the
        labels of classes 0, 1, ... as text (None for regression); `input_names` the input
        columns, in order; each split `(x, y)`, `x` float32 with the input
        columns, `y` int64 class indices or float32 `(n, 1)`; `crosses` the `CROSSES` names the
        model takes (input columns renamed x1, x2), or None.

    Raises:
        DataError: the file cannot be read, or a column is missing, not numeric or incomplete.
    """
    path = Path(cfg.path).expanduser()
    frame = _read(path)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if cfg.target not in columns:
        raise DataError(f"{path}: data.target: no column {cfg.target!r}"
                        f"{_close(cfg.target, columns)}; the columns are {', '.join(columns)}")
    inputs, crosses = _inputs(path, frame, cfg)
    x = np.stack([_numbers(path, frame, c) for c in inputs], axis=1).astype(np.float32)
    task, class_names, y = _target(path, frame[cfg.target], cfg.target, cfg.task)

    order = np.random.default_rng(seed).permutation(len(x))
    if cfg.n_samples is not None:
        order = order[:cfg.n_samples]
    x, y = x[order], y[order]
    k = round(len(x) * cfg.test_fraction)
    j = k + round((len(x) - k) * cfg.val_fraction)
    test, val, train = (x[:k], y[:k]), (x[k:j], y[k:j]), (x[j:], y[j:])
    return task, class_names, tuple(inputs), train, val, test, crosses


def sources(cfg) -> list[list[Path]]:
    """The file a csv config would read now: `data.path` with links followed (a relative path
    is the loader's: from the folder the command runs in), checked as `check_path` checks it.

    Raises:
        DataError: the file is missing, a folder, a pipe, or out of bounds (`check_path`).
    """
    if cfg.path is None:
        raise DataError("data.path: the csv dataset reads a file; set data.path to it")
    path = Path(cfg.path).expanduser()
    check_path(path)
    return [[path.resolve()]]


def check_path(path: Path) -> None:
    """Raises `DataError` unless `path` (data.path) is a csv file within bounds, before anything
    is read or trained: a regular file (not a folder, a device like `/dev/zero`, or a pipe, which
    would block) of at most `MAX_BYTES`, whose header names at most `MAX_COLUMNS` columns."""
    try:
        info = os.stat(path)  # before opening: opening a FIFO waits for a writer
    except FileNotFoundError:
        raise DataError(f"data.path: {path}: no such file; check data.path (in a config file it "
                        "is relative to that file, elsewhere to the folder you run from)") from None
    except OSError as e:
        raise DataError(f"data.path: {path}: cannot read it ({e.strerror or e}); check the path "
                        "and its permissions") from None
    if not stat.S_ISREG(info.st_mode):
        problem = "is a folder" if stat.S_ISDIR(info.st_mode) else (
            "not a regular file (a device, a pipe or a socket)")
        raise DataError(f"data.path: {path}: {problem}; give a csv file")
    if info.st_size > MAX_BYTES:
        raise DataError(f"data.path: {path}: {info.st_size / 1e6:,.0f} MB, more than the "
                        f"{MAX_BYTES / 1e6:,.0f} MB a csv file may hold here (pandas would need "
                        "several times that in memory); train on a sample of its lines, e.g. "
                        f"`head -n 100000 {path} > sample.csv`")
    columns, whole = _header_columns(path)
    if columns > MAX_COLUMNS:
        raise DataError(f"data.path: {path}: its header names {'' if whole else 'at least '}"
                        f"{columns:,} columns, more than {MAX_COLUMNS:,}; keep the columns the "
                        "model needs, e.g. pandas.read_csv(path, usecols=[...]).to_csv(...)")


def _header_columns(path: Path) -> tuple[int, bool]:
    """(the columns the first line names, whether that line was read whole): at most
    `MAX_HEADER_BYTES` of it are read."""
    try:
        with open(path, "rb") as f:
            head = f.readline(MAX_HEADER_BYTES)
    except OSError as e:
        raise DataError(f"data.path: {path}: cannot read it ({e.strerror or e}); check the path "
                        "and its permissions") from None
    text = head.decode("utf-8", errors="replace").rstrip("\r\n")
    try:  # csv.reader respects quoted commas; an unended quote at the cut is one field anyway
        fields = next(csv.reader([text]), [])
    except csv.Error:  # a NUL byte: not csv, which pandas will say
        fields = text.split(",")
    whole = len(head) < MAX_HEADER_BYTES or head.endswith(b"\n")
    if len(fields) <= MAX_COLUMNS and not whole:
        raise DataError(f"data.path: {path}: its first line runs past {MAX_HEADER_BYTES:,} "
                        "bytes; a csv file starts with a header row of column names (each "
                        "name a word or two)")
    return len(fields), whole


def _read(path: Path) -> pd.DataFrame:
    check_path(path)
    try:
        frame = pd.read_csv(path, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; a csv file starts with a header row of "
                        "column names") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise DataError(f"{path}: cannot read it as csv ({first}); save it as comma-separated "
                        "UTF-8 text with a header row") from None
    if frame.empty:
        raise DataError(f"{path}: a header row but no examples; add one line per example")
    return frame


def _inputs(path: Path, frame: pd.DataFrame, cfg):
    """The input columns, and the crosses the model takes (None: the input columns as they are)."""
    columns = list(frame.columns)
    listed = list(cfg.features or [])
    if cfg.target in listed:
        raise DataError(f"{path}: data.features: {cfg.target!r} is the target; leave it out of "
                        "the features")
    for name in listed:
        if name not in columns and name not in CROSSES:
            choices = [c for c in columns if c != cfg.target] + list(CROSSES)
            raise DataError(f"{path}: data.features: no column {name!r} and no cross of that "
                            f"name{_close(name, choices)}; the columns are {', '.join(columns)} "
                            "(crosses: `python -m harness list features`)")
    inputs = [c for c in listed if c in columns]
    if not inputs:
        others = [c for c in columns if c != cfg.target]
        inputs = [c for c in others if pd.api.types.is_numeric_dtype(frame[c])
                  and not pd.api.types.is_bool_dtype(frame[c])]
        for c in others:
            # pandas reads a column of numbers with one typo as text: say where the typo is
            # rather than train without the column.
            if c not in inputs and _mostly_numbers(frame[c]):
                _numbers(path, frame, c, fix="correct it, or list the input columns without "
                         f"{c!r} in data.features")
        if not inputs:
            raise DataError(f"{path}: no numeric column besides the target {cfg.target!r}; "
                            "list the input columns in data.features")
    if not any(c not in columns for c in listed):
        return inputs, None
    if len(inputs) != 2:
        raise DataError(f"{path}: data.features: crosses are made from two input columns "
                        f"(x1, x2); there are {len(inputs)} ({', '.join(inputs)}); list the two "
                        "in data.features")
    return inputs, [f"x{inputs.index(c) + 1}" if c in columns else c for c in listed]


def _numbers(path: Path, frame: pd.DataFrame, column: str,
             fix: str = "encode it as numbers, or leave the column out of data.features"
             ) -> np.ndarray:
    values = frame[column]
    _no_gaps(path, values, column)
    numbers = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_bool_dtype(
        values) else pd.Series(np.nan, index=values.index)
    bad = numbers.isna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(f"{path}: column {column!r}: {values.iloc[row]!r} on line {row + 2} is "
                        f"not a number; features must be numeric ({fix})")
    return _within_float32(path, numbers.to_numpy(np.float64), column,
                           "rescale the column (e.g. take its logarithm) or leave it out of "
                           "data.features")


def _within_float32(path: Path, numbers: np.ndarray, column: str, fix: str) -> np.ndarray:
    """`numbers`, unless one is infinite or beyond float32's range: then a `DataError` naming
    its line (the network computes in float32, so it would become inf and the loss NaN)."""
    huge = ~(np.abs(numbers) <= np.finfo(np.float32).max)
    if huge.any():
        row = int(np.argmax(huge))
        raise DataError(f"{path}: column {column!r}: {numbers[row]:g} on line {row + 2} is "
                        f"beyond float32's range (3.4e38), in which the network computes; {fix}")
    return numbers


def _mostly_numbers(values: pd.Series) -> bool:
    """Whether a text column holds numbers in at least half of its filled cells."""
    if pd.api.types.is_bool_dtype(values):
        return False
    filled = values.dropna()
    return len(filled) > 0 and pd.to_numeric(filled, errors="coerce").notna().mean() >= 0.5


def _no_gaps(path: Path, values: pd.Series, column: str) -> None:
    missing = values.isna().to_numpy()
    if missing.any():
        row = int(np.argmax(missing))
        raise DataError(f"{path}: column {column!r}: missing value on line {row + 2} "
                        f"({int(missing.sum())} in all); fill them in or drop those lines")


def _target(path: Path, values: pd.Series, column: str, task: str | None):
    """(task, class names or None, y) from the target column."""
    _no_gaps(path, values, column)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if task is None:
        whole = numeric and np.all(np.mod(values.to_numpy(np.float64), 1) == 0)
        if numeric and not (whole and values.nunique() <= MAX_INFERRED_CLASSES):
            task = "regression"
        else:
            task = "binary" if values.nunique() <= 2 else "multiclass"
    if task == "regression":
        if not numeric:
            raise DataError(f"{path}: column {column!r}: data.task regression needs numbers, got "
                            f"{values.iloc[0]!r}; use data.task: binary or multiclass")
        target = _within_float32(path, values.to_numpy(np.float64), column,
                                 "rescale the target (e.g. take its logarithm) or drop that line")
        return task, None, target.astype(np.float32).reshape(-1, 1)
    classes, y = np.unique(values.astype(str) if not numeric else values, return_inverse=True)
    if len(classes) < 2:
        raise DataError(f"{path}: column {column!r}: every example has the label "
                        f"{classes[0]!r}, one class only; a classifier needs two or more")
    if len(classes) > MAX_CLASSES:
        raise DataError(f"{path}: column {column!r}: {len(classes):,} classes, more than "
                        f"{MAX_CLASSES:,} (with {len(values):,} examples, "
                        f"{len(values) / len(classes):.2g} per class: an id, or a number to "
                        "predict); use data.task: regression for numbers, or another target")
    if task == "binary" and len(classes) > 2:
        raise DataError(f"{path}: column {column!r}: {len(classes)} classes, but data.task is "
                        "binary; use data.task: multiclass (with model.head: softmax)")
    return task, tuple(str(c) for c in classes), y.astype(np.int64)


def _close(name: str, choices) -> str:
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
