"""The run folder: where a run's files go, and reading one back.

The layout is documented in `results/README.md`. This module never imports TensorFlow, so reports
and comparisons open fast.
"""

import io
import json
import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from harness import fingerprint
from harness.errors import HarnessError
from harness.frames import layer_key
from harness.yamlfile import parse_yaml

RESULTS = Path("results")
FINISHED = "completed"


@dataclass
class Run:
    """One run folder, read into memory.

    Attributes:
        dir: the run folder.
        config: the resolved config, as saved in `config.yaml` (a nested dict).
        history: one row per epoch (`history.csv`).
        layers: tidy per-layer statistics, `epoch, layer, metric, value` (`layers.csv`).
        summary: `summary.json`; `{"status": "incomplete"}` when the run never finished.
        meta: `meta.json` (versions, command line, times).
    """

    dir: Path
    config: dict
    history: pd.DataFrame
    layers: pd.DataFrame
    summary: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.summary.get("status", "incomplete")

    def __repr__(self) -> str:
        """One line a plain REPL can show (the dataclass's own printed every DataFrame): the
        name, status, key numbers and folder, e.g.
        `Run(name='sigmoid_deep', status='completed', epochs_run=30, test_accuracy=0.455,
        vanishing_ratio_init=1.26e-05, dir='results/sigmoid_deep/sigmoid-d8-s0-...')`."""
        numbers = [(key, self.summary.get(key)) for key in
                   ("epochs_run", "test_accuracy", "test_rmse", "vanishing_ratio_init")]
        shown = ", ".join(f"{key}={value:.4g}" for key, value in numbers
                          if isinstance(value, (int, float)) and not isinstance(value, bool))
        name = self.config.get("name") if isinstance(self.config, dict) else None
        return (f"Run(name={name!r}, status={self.status!r}, {shown + ', ' if shown else ''}"
                f"dir={str(self.dir)!r})")

    def _repr_html_(self) -> str:
        """Jupyter shows a run as its key numbers and figures (`harness.report.notebook`)."""
        from harness.report.notebook import run_html

        return run_html(self)


def load_run(path: str | os.PathLike) -> Run:
    """Reads a run folder written by `harness run`.

    Args:
        path: the run folder (the one holding `config.yaml`).

    Returns:
        A `Run`. Files a run did not get to write yet come back empty; a partial last line of a
        CSV (a process killed mid-append) is left out, and `history` and `layers` are cut to the
        epochs both hold.

    Raises:
        HarnessError: one line naming a file that is damaged (binary, truncated, the wrong type),
            or a table cut short that `summary.json` says was written whole (`check_whole`).
    """
    path = Path(path)
    if not (path / "config.yaml").is_file():
        raise HarnessError(f"{path}: not a run folder (no config.yaml); "
                           "pass a folder written by `python -m harness run`")
    history = read_table(path / "history.csv")
    layers = read_table(path / "layers.csv")
    summary = _read_summary(path / "summary.json")
    if summary:
        check_whole(path, summary, history, layers)
    if not history.empty and not layers.empty:  # killed between the two appends
        last = min(history["epoch"].max(), layers["epoch"].max())
        history, layers = history[history.epoch <= last], layers[layers.epoch <= last]
    return Run(
        dir=path,
        config=_read_yaml(path / "config.yaml"),
        history=history,
        layers=_network_order(layers),
        summary=summary or {"status": "incomplete"},
        meta=_read_json(path / "meta.json") or {},
    )


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


def is_finished(path: str | os.PathLike) -> bool:
    """True when the folder holds a run whose summary says it completed (a damaged one did not)."""
    try:
        summary = _read_summary(Path(path) / "summary.json")
    except HarnessError:
        return False
    return bool(summary) and summary.get("status") == FINISHED


_SAID: set = set()  # (run folder, file) notes printed by `same_data`: each once per process


def same_data(path: str | os.PathLike, say: bool = True, generated: bool = False) -> bool:
    """Whether the data a finished run read is unchanged (`meta.json`'s `"data"` fingerprint).

    Every file the run read is compared with the file now (`harness.data.fingerprint.changed`):
    same size and SHA-256 is the same data. Generated data is its config and seed, which the
    caller compares with the config. A run recorded before fingerprints counts as the same data
    only when its dataset is generated. When the data differs, one line naming the file goes to
    standard error (once per run folder and file in a process): a sweep trains the run again.

    Args:
        path: the run folder.
        say: print that line.
        generated: the run's dataset is generated (a toy: `harness.data.DATASETS`' `toy`),
            which makes a run recorded before fingerprints the same data.

    Returns:
        False when a file the run read changed, is gone, or was not recorded.
    """
    path = Path(path)
    try:
        meta = _read_json(path / "meta.json") or {}
    except HarnessError:
        return False
    recorded = meta.get("data")
    files = recorded.get("files", []) if isinstance(recorded, dict) else None
    if not isinstance(files, list):
        if generated:
            return True
        problems = [("its data files", "were not recorded (a run from before data fingerprints)")]
    else:
        problems = [(f"data file {e.get('path')}", change) for e in files
                    if isinstance(e, dict) and (change := fingerprint.changed(e)) is not None]
    for file, change in problems[:1]:
        if say and (path, file) not in _SAID:
            _SAID.add((path, file))
            print(f"note: {path}: {file} {change}; training the run again", file=sys.stderr,
                  flush=True)
    return not problems


def is_run_folder(path: str | os.PathLike) -> bool:
    """True when `path` holds a run's `meta.json` (the first file a run writes)."""
    return (Path(path) / "meta.json").is_file()


# What a run writes (other files may come with new statistics): cleared before a rerun, so that
# nothing from the previous run (a `surface.csv` of another dataset) reaches the new report.
RUN_FILES = (".csv", ".json", ".yaml", ".png", ".gif", ".html")
RUN_FOLDERS = ("tensorboard",)  # `--tensorboard`'s event files, rebuilt from the run's files


def clear_run_files(path: str | os.PathLike) -> None:
    """Removes a previous run's files from its folder (and temporary files it left behind)."""
    for item in Path(path).iterdir():
        temporary = item.name.startswith(".") and item.name.endswith(".tmp")
        if item.is_file() and (item.suffix in RUN_FILES and not item.name.startswith(".")
                               or temporary):
            item.unlink(missing_ok=True)
        elif item.is_dir() and item.name in RUN_FOLDERS:
            shutil.rmtree(item, ignore_errors=True)


_HELD: dict[Path, int] = {}


@contextmanager
def lock_folder(path: str | os.PathLike):
    """Locks a run folder for this process; yields False if another process holds it.

    An `flock` on `path/.lock`: the kernel drops it when its holder exits, even by SIGKILL, so a
    killed run never blocks the next one. Re-entrant within a process (a sweep holds the folder
    while `harness.runner.run` writes it).
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    try:
        import fcntl
    except ImportError:  # Windows: no protection against a second writer
        yield True
        return
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield True
        finally:
            _HELD[key] -= 1
        return
    with open(path / ".lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _HELD[key] = 1
        try:
            yield True
        finally:
            del _HELD[key]
            fcntl.flock(f, fcntl.LOCK_UN)


def new_run_dir(root: str | os.PathLike, label: str) -> Path:
    """Creates and returns a fresh folder `root/<label>-<time>` (suffixed `-2`, `-3` if taken)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    stem = f"{label}-{datetime.now():%Y%m%d-%H%M%S}"
    for n in range(1, 10_000):
        candidate = root / (stem if n == 1 else f"{stem}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise HarnessError(f"{root}: could not create a new run folder")


def _damaged(path: Path, what: str) -> HarnessError:
    return HarnessError(f"{path}: {what}; the file is damaged: delete the run folder and run "
                        "it again (a sweep reruns it)")


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
    summary = _read_summary(Path(path) / "summary.json")
    if summary:
        check_whole(path, summary)


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


def _network_order(layers: pd.DataFrame) -> pd.DataFrame:
    """Makes `layer` an ordered categorical, input to output (`hidden_2` before `hidden_10`), so
    sorting, `groupby` and `pivot` come out in network order rather than as text."""
    if "layer" in layers.columns:
        order = sorted(layers["layer"].dropna().astype(str).unique(), key=layer_key)
        layers["layer"] = pd.Categorical(layers["layer"], categories=order, ordered=True)
    return layers


def _read_json(path: Path) -> dict | None:
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


def _read_summary(path: Path) -> dict | None:
    """`summary.json`, its fields of the types the harness writes (readers format them)."""
    summary = _read_json(path)
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


def _read_yaml(path: Path) -> dict:
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
