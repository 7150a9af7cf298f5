"""The run folder read back: `Run`, `load_run`, and whether a finished run still stands.

The layout is documented in `results/README.md`. Each file is read and checked in
`harness.rundir.read`; folders are made, locked and cleared for a run in `harness.rundir.folders`.
This module never imports TensorFlow, so reports and comparisons
open fast.
"""

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from harness.base import fingerprint
from harness.base.frames import layer_key
from harness.errors import HarnessError
from harness.rundir.read import (
    FINISHED,
    TABLES,
    check_whole,
    read_config,
    read_json,
    read_summary,
    read_table,
)


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
    tables: dict = field(default_factory=dict, repr=False)  # file name -> frame, as `table` read it

    @property
    def status(self) -> str:
        return self.summary.get("status", "incomplete")

    def table(self, name: str) -> pd.DataFrame:
        """One of the folder's tables (`harness.rundir.read.TABLES`, e.g. `"timesteps.csv"`),
        read once and checked against `summary.json` (`harness.rundir.read.read_table`): the one
        way a report, a comparison, a sweep or TensorBoard reads a run's table.

        Returns:
            The table; empty when the run did not write it (yet).

        Raises:
            HarnessError: one line naming the file, when it is damaged.
        """
        if name not in self.tables:
            summary = None if self.summary == {"status": "incomplete"} else self.summary
            self.tables[name] = read_table(self.dir / name, summary)
        return self.tables[name]

    def read_all(self) -> "Run":
        """Reads and checks every table (`table`) now; returns the run. For a reader that trusts
        the whole folder: a resume counting the run complete, TensorBoard."""
        for name in TABLES:
            self.table(name)
        return self

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


def load_run(path: str | os.PathLike, every_table: bool = False) -> Run:
    """Reads a run folder written by `harness run`.

    Args:
        path: the run folder (the one holding `config.yaml`).
        every_table: also read and check every other table now (`Run.read_all`).

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
    summary = read_summary(path / "summary.json")
    if summary:
        check_whole(path, summary, history, layers)
    if not history.empty and not layers.empty:  # killed between the two appends
        last = min(history["epoch"].max(), layers["epoch"].max())
        history, layers = history[history.epoch <= last], layers[layers.epoch <= last]
    run = Run(
        dir=path,
        config=read_config(path / "config.yaml"),
        history=history,
        layers=_network_order(layers),
        summary=summary or {"status": "incomplete"},
        meta=read_json(path / "meta.json") or {},
    )
    return run.read_all() if every_table else run


def _network_order(layers: pd.DataFrame) -> pd.DataFrame:
    """Makes `layer` an ordered categorical, input to output (`hidden_2` before `hidden_10`), so
    sorting, `groupby` and `pivot` come out in network order rather than as text."""
    if "layer" in layers.columns:
        order = sorted(layers["layer"].dropna().astype(str).unique(), key=layer_key)
        layers["layer"] = pd.Categorical(layers["layer"], categories=order, ordered=True)
    return layers


def is_finished(path: str | os.PathLike) -> bool:
    """True when the folder holds a run whose summary says it completed (a damaged one did not)."""
    try:
        summary = read_summary(Path(path) / "summary.json")
    except HarnessError:
        return False
    return bool(summary) and summary.get("status") == FINISHED


_SAID: set = set()  # (run folder, file) notes printed by `same_data`: each once per process


def same_data(path: str | os.PathLike, sources: list | None, say: bool = True) -> bool:
    """Whether a finished run read the data its config would read now.

    `meta.json`'s `"data"` fingerprint is compared with the files the config names now
    (`harness.data.datasets.sources_now`: links followed, a relative `data.path` from the folder
    the command runs in, MNIST under the current `KERAS_HOME`): each must hold the bytes the run
    read (`harness.base.fingerprint.differs`). Generated data is its config and seed, which the
    caller compares. When the data differs, one line naming the file goes to standard error
    (once per run folder and file in a process): a sweep trains the run again.

    Args:
        path: the run folder.
        sources: the choices of files the config would read now; None for generated data.
        say: print that line.

    Returns:
        False when the run read other files or other bytes, or its files were not recorded.
    """
    path = Path(path)
    try:
        meta = read_json(path / "meta.json") or {}
    except HarnessError:
        return False
    recorded = meta.get("data")
    files = recorded.get("files") if isinstance(recorded, dict) else None
    if sources is None:  # generated now: the run must not have read files
        return not isinstance(files, list)
    if not isinstance(files, list):
        problem = ("its data files", "were not recorded (a run from before data fingerprints)")
    else:
        found = [fingerprint.differs(files, choice) for choice in sources] or [
            ("data files", "are not on this machine now")]
        if None in found:
            return True
        problem = found[0]
    if say and (path, problem[0]) not in _SAID:
        _SAID.add((path, problem[0]))
        print(f"note: {path}: {problem[0]} {problem[1]}; training the run again",
              file=sys.stderr, flush=True)
    return False
