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


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Reads one of a run's CSV tables (`TABLES`), checked.

    Args:
        path: the file; its name says which columns it must have.

    Returns:
        The table; empty when the file is missing or empty. A partial last line (a process
        killed mid-append) is left out.

    Raises:
        HarnessError: one line naming the file, when it is damaged (binary, not a table, a column
            missing, text where numbers belong).
    """
    path = Path(path)
    return _read_csv(path, TABLES.get(path.name, []))


def check_tables(path: str | os.PathLike) -> None:
    """Reads every table of a run folder; raises `HarnessError` naming the first damaged one,
    or one cut short (`check_whole`)."""
    for name in TABLES:
        read_table(Path(path) / name)
    summary = read_summary(Path(path) / "summary.json")
    if summary:
        check_whole(path, summary)


def check_whole(path: str | os.PathLike, summary: dict, history: pd.DataFrame | None = None,
                layers: pd.DataFrame | None = None) -> None:
    """Checks a run's tables against its `summary.json`, which is written after them.

    A partial last line is what a process killed mid-append leaves, before any summary; once the
    summary is there, every table ends with a whole line. A completed run's `history.csv` holds
    `epochs_run` rows and its `layers.csv` reaches that epoch. A table cut short after the run
    (a full disk while copying, a bad sync) would otherwise read as a shorter run.

    Args:
        path: the run folder.
        summary: its `summary.json`.
        history, layers: the tables as `read_table` gives them (read here when None).

    Raises:
        HarnessError: one line naming the table that is cut short.
    """
    path = Path(path)
    for name in TABLES:
        if not _ends_whole(path / name):
            raise _damaged(path / name, "cut short (its last line is incomplete, but "
                                        "summary.json says the run wrote it whole)")
    runs = summary.get("epochs_run")
    if summary.get("status") != FINISHED or not isinstance(runs, int) or isinstance(runs, bool):
        return
    history = read_table(path / "history.csv") if history is None else history
    if len(history) != runs:
        raise _damaged(path / "history.csv", f"cut short: {len(history)} rows where "
                                             f"summary.json says epochs_run {runs}")
    layers = read_table(path / "layers.csv") if layers is None else layers
    reached = int(layers["epoch"].max()) if len(layers) else None
    if reached != runs and (path / "layers.csv").exists():
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
