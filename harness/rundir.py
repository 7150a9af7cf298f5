"""The run folder: where a run's files go, and reading one back.

The layout is documented in `results/README.md`. This module never imports TensorFlow, so reports
and comparisons open fast.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml

from harness.errors import HarnessError

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

    def _repr_html_(self) -> str:
        """Jupyter shows a run as its key numbers and figures (`harness.report.notebook`)."""
        from harness.report.notebook import run_html

        return run_html(self)


def load_run(path: str | os.PathLike) -> Run:
    """Reads a run folder written by `harness run`.

    Args:
        path: the run folder (the one holding `config.yaml`).

    Returns:
        A `Run`. Files a run did not get to write yet come back empty.
    """
    path = Path(path)
    if not (path / "config.yaml").is_file():
        raise HarnessError(f"{path}: not a run folder (no config.yaml); "
                           "pass a folder written by `python -m harness run`")
    return Run(
        dir=path,
        config=yaml.safe_load((path / "config.yaml").read_text()) or {},
        history=_read_csv(path / "history.csv"),
        layers=_network_order(_read_csv(path / "layers.csv")),
        summary=_read_json(path / "summary.json") or {"status": "incomplete"},
        meta=_read_json(path / "meta.json") or {},
    )


def is_finished(path: str | os.PathLike) -> bool:
    """True when the folder holds a run whose summary says it completed."""
    summary = _read_json(Path(path) / "summary.json")
    return bool(summary) and summary.get("status") == FINISHED


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


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return pd.DataFrame()


def _network_order(layers: pd.DataFrame) -> pd.DataFrame:
    """Makes `layer` an ordered categorical, input to output (`hidden_2` before `hidden_10`), so
    sorting, `groupby` and `pivot` come out in network order rather than as text."""
    if "layer" in layers.columns:
        from harness.report.frames import layer_key

        order = sorted(layers["layer"].dropna().astype(str).unique(), key=layer_key)
        layers["layer"] = pd.Categorical(layers["layer"], categories=order, ordered=True)
    return layers


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
