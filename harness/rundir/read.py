"""A run folder's files, each read and checked: its tables, `summary.json`, `meta.json`, config.

A damaged file (binary, not the format, a column missing, cut short after the run wrote it whole)
is one `HarnessError` line naming it and the way out; a file the run did not get to write reads as
empty. `harness.rundir.run.load_run` reads a whole folder with these.
"""

import io
import json
import os
from pathlib import Path

import pandas as pd

from harness.base.yamlfile import parse_yaml
from harness.errors import HarnessError

FINISHED = "completed"  # a run's `summary.json` status once it ran to its last epoch

# A run's tables and the columns each must have; every column but the TEXT ones holds numbers.
TABLES = {
    "history.csv": ["epoch"],
    "layers.csv": ["epoch", "layer", "metric", "value"],
    "histograms.csv": ["epoch", "layer", "quantity", "scale", "bin_left", "bin_right", "count"],
    "points.csv": ["split", "x1", "y"],
    "surface.csv": ["x1"],  # no epoch column in runs recorded before it existed
    "neurons.csv": ["epoch", "layer", "unit", "x1", "value"],
    "first_layer_weights.csv": ["epoch", "unit", "input", "value"],
    "timesteps.csv": ["epoch", "layer", "step", "metric", "value"],
    "feature_maps.csv": ["layer", "channel", "row", "col", "value"],
}
TEXT = {"layer", "metric", "split", "quantity", "scale"}


# The columns each table's rows are unique by: a repeated row is damage (a bad copy or merge),
# never data. (points.csv may repeat a point of the data; neurons.csv's grid has no fixed names.)
KEYS = {
    "history.csv": ["epoch"],
    "layers.csv": ["epoch", "layer", "metric"],
    "histograms.csv": ["epoch", "layer", "quantity", "scale", "bin_left"],
    "timesteps.csv": ["epoch", "layer", "step", "metric"],
    "first_layer_weights.csv": ["epoch", "unit", "input"],
    "feature_maps.csv": ["layer", "channel", "row", "col"],
}
# The meter's tables, written with rows for epoch 0 before the first step.
MEASURED = ("layers.csv", "histograms.csv", "timesteps.csv")


def read_table(path: str | os.PathLike, summary: dict | None = None) -> pd.DataFrame:
    """Reads one of a run's CSV tables (`TABLES`), checked; every reader of a run's tables goes
    through here (`harness.rundir.run.Run.table`).

    Args:
        path: the file; its name says which columns it must have.
        summary: the run's `summary.json`, written after every table: with it, the table is
            also checked against it (`check_table`).

    Returns:
        The table; empty when the file is missing or empty and no summary says it was written.
        A partial last line (a process killed mid-append) is left out.

    Raises:
        HarnessError: one line naming the file, when it is damaged (binary, not a table, a column
            missing, text where numbers belong, a row repeated, or at odds with the summary).
    """
    path = Path(path)
    frame = _read_csv(path, TABLES.get(path.name, []))
    keys = [key for key in KEYS.get(path.name, []) if key in frame]
    if len(frame) and keys and (repeated := int(frame.duplicated(keys).sum())):
        raise _damaged(path, f"{repeated} row(s) repeated (the same {', '.join(keys)})")
    if summary:
        check_table(path, frame, summary)
    return frame


def check_table(path: Path, frame: pd.DataFrame, summary: dict) -> None:
    """Checks one table against the run's `summary.json`, which is written after every table.

    Once the summary is there, the table ends with a whole line; a table the run wrote is there
    (history and layers of a completed run; timesteps when the summary has its time ratios);
    the meter's tables hold rows from epoch 0; no table holds an epoch past `epochs_run`.

    Args:
        path: the table's file.
        frame: the table as `read_table` read it.
        summary: the run's `summary.json`.

    Raises:
        HarnessError: one line naming the table and what is wrong with it.
    """
    name, runs = path.name, summary.get("epochs_run")
    runs = runs if isinstance(runs, int) and not isinstance(runs, bool) else None
    written = (name in ("history.csv", "layers.csv") and summary.get("status") == FINISHED
               or name == "timesteps.csv" and "time_ratio_init" in summary)
    if not path.exists():
        if written:
            raise _damaged(path, "missing, but summary.json says the run wrote it")
        return
    if not _ends_whole(path):
        raise _damaged(path, "cut short (its last line is incomplete, but summary.json says "
                             "the run wrote it whole)")
    if name in MEASURED and frame.empty:
        raise _damaged(path, "cut short: no rows, but summary.json says the run wrote it from "
                             "epoch 0")
    if "epoch" not in frame or frame.empty:
        return
    epochs = frame["epoch"]
    if name in MEASURED and epochs.min() != 0:
        raise _damaged(path, f"no rows for epoch 0 (initialisation): it starts at epoch "
                             f"{epochs.min():g}")
    if runs is not None and epochs.max() > runs:
        raise _damaged(path, f"rows for epoch {epochs.max():g}, but summary.json says "
                             f"epochs_run {runs}")


def check_whole(path: str | os.PathLike, summary: dict, history: pd.DataFrame | None = None,
                layers: pd.DataFrame | None = None) -> None:
    """Checks a run's tables against its `summary.json`, which is written after them.

    A partial last line is what a process killed mid-append leaves, before any summary; once the
    summary is there, every table ends with a whole line (`check_table` checks the rest of each
    as it is read). A completed run's `history.csv` holds epochs 1 to `epochs_run` and its
    `layers.csv` reaches that epoch. A table cut short after the run (a full disk while copying,
    a bad sync) would otherwise read as a shorter run.

    Args:
        path: the run folder.
        summary: its `summary.json`.
        history, layers: the tables as `read_table` gives them (read here when None).

    Raises:
        HarnessError: one line naming the table that is damaged or cut short.
    """
    path = Path(path)
    for name in TABLES:
        if not _ends_whole(path / name):
            read_table(path / name)  # a binary file is that, not "cut short"
            raise _damaged(path / name, "cut short (its last line is incomplete, but "
                                        "summary.json says the run wrote it whole)")
    history = read_table(path / "history.csv") if history is None else history
    layers = read_table(path / "layers.csv") if layers is None else layers
    check_table(path / "history.csv", history, summary)
    check_table(path / "layers.csv", layers, summary)
    runs = summary.get("epochs_run")
    if summary.get("status") != FINISHED or not isinstance(runs, int) or isinstance(runs, bool):
        return
    if len(history) != runs:  # more rows than epochs is not a file cut short
        raise _damaged(path / "history.csv", ("cut short: " if len(history) < runs else "")
                       + f"{len(history)} rows where summary.json says epochs_run {runs}")
    if (reached := int(layers["epoch"].max())) < runs:  # past epochs_run: `check_table`
        raise _damaged(path / "layers.csv", f"cut short: epochs up to {reached} where "
                                            f"summary.json says epochs_run {runs}")


def _ends_whole(path: Path) -> bool:
    """Whether the file is missing, empty or ends with a line break."""
    try:
        with open(path, "rb") as f:
            if f.seek(0, os.SEEK_END) == 0:
                return True
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"
    except FileNotFoundError:
        return True
    except OSError as e:
        raise HarnessError(f"{path}: cannot read it ({e.strerror or e}); check its "
                           "permissions") from None


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    text = _read_text(path)
    if not text:
        return pd.DataFrame()
    if not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]  # a partial last line: killed while appending
    try:
        frame = pd.read_csv(io.StringIO(text))
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, ValueError) as e:
        raise _damaged(path, f"not a CSV table ({str(e).strip().splitlines()[0][:80]})") from None
    missing = [c for c in columns if c not in frame]
    if missing:
        raise _damaged(path, f"no {missing[0]!r} column")
    for c in frame.columns:
        if c not in TEXT and len(frame) and not pd.api.types.is_numeric_dtype(frame[c]):
            raise _damaged(path, f"the {c!r} column holds text")
    return frame


def read_json(path: Path) -> dict | None:
    """A JSON object file of the run (`meta.json`, `summary.json`); None when it is missing."""
    text = _read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise _damaged(path, "not JSON (cut short?)") from None
    if not isinstance(data, dict):
        raise _damaged(path, f"a JSON {type(data).__name__}, not an object")
    return data


_NUMBERS = ("test_", "vanishing_ratio_", "time_ratio_", "diverged_", "chance_")


def read_summary(path: Path) -> dict | None:
    """`summary.json`, its fields of the types the harness writes (readers format them)."""
    summary = read_json(path)
    for key, value in (summary or {}).items():
        if key in ("status", "task", "error"):
            ok = isinstance(value, str) or (key == "task" and value is None)
        elif key == "examples":
            ok = isinstance(value, dict)
        elif key in ("epochs_run", "wall_time_s") or key.startswith(_NUMBERS):
            ok = value is None or isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = True
        if not ok:
            raise _damaged(path, f"{key} is {type(value).__name__} {str(value)[:20]!r}")
    return summary


def read_config(path: Path) -> dict:
    """The run's `config.yaml`, a mapping whose sections are mappings ({} when it is missing)."""
    text = _read_text(path)
    try:
        data = parse_yaml(text or "", str(path))
    except HarnessError as e:
        raise _damaged(path, str(e).removeprefix(f"{path}: ").split(";")[0]) from None
    if not isinstance(data, dict):
        raise _damaged(path, "not a mapping of config keys")
    for section in ("data", "model", "train", "log"):  # a file cut short: `data:\n  nam`
        if not isinstance(data.get(section, {}), dict):
            raise _damaged(path, f"{section} is not a mapping of keys")
    return data


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise _damaged(path, "not UTF-8 text") from None
    except OSError as e:
        raise HarnessError(f"{path}: cannot read it ({e.strerror or e}); check its permissions") \
            from None


def _damaged(path: Path, what: str) -> HarnessError:
    return HarnessError(f"{path}: {what}; the file is damaged: delete the run folder and run "
                        "it again (a sweep reruns it)")
