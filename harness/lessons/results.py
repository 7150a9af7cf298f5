"""The runs lessons rest on: trained when missing (as `harness check` does), then read back.

An experiment is swept into `<results>/<stem>/` and resumes there, so only runs that are missing,
unfinished or whose config changed are trained (`harness.sweeps.claims.is_complete`). A config is
run into `<results>/<stem>/lesson/` and reused while its finished run has the same resolved config
and data. A quoted number is then the value its source's `expect:` checks: a sweep cell's mean over
seeds (`summary.csv`), a config run's `summary.json` entry.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from harness.base.yamlfile import parse_yaml
from harness.config.expect import matches, parse_run, parse_sweep, sweep_value
from harness.errors import ConfigError, HarnessError


@dataclass(frozen=True)
class Source:
    """An experiment or config a lesson rests on.

    Attributes:
        stem: its file's stem, the name pages use (`vanishing_gradients`).
        path: the YAML file.
        experiment: True for an experiment (a sweep), False for a config (one run).
        folder: where its results are: the sweep folder, or the run folder.
    """

    stem: str
    path: Path
    experiment: bool
    folder: Path


def sources_of(lessons, root: Path, results: Path) -> dict[str, Source]:
    """Every source the lessons name, by stem (two files of one stem are refused)."""
    found: dict[str, Source] = {}
    for lesson in lessons:
        for item in lesson.rests_on:
            path = (root / item).resolve()
            stem = path.stem
            if stem in found and found[stem].path != path:
                raise ConfigError(f"{lesson.path}: rests_on: {item}: another source is named "
                                  f"{stem} ({found[stem].path}); rename one")
            data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
            experiment = isinstance(data, dict) and ("grid" in data or "base" in data)
            folder = results / stem if experiment else results / stem / "lesson"
            found[stem] = Source(stem, path, experiment, folder)
    return found


def train_missing(sources: dict[str, Source], jobs=1, log=sys.stderr) -> int:
    """Trains what the sources still miss; returns how many sources had something to train.

    Args:
        sources: from `sources_of`.
        jobs: runs of a sweep trained at a time (`harness sweep --jobs`).
        log: where progress goes (None: silent).
    """
    from harness.sweeps.execute import run_sweep
    from harness.sweeps.sequential import quiet_retracing
    from harness.training.runner import run

    trained = 0
    for source in sources.values():
        if source.experiment:
            if not _sweep_complete(source):
                run_sweep(source.path, out=source.folder, jobs=jobs, log=log)
                trained += 1
        elif not _run_complete(source):
            if log:
                print(f"lessons: training {source.path} -> {source.folder}/", file=log, flush=True)
            with quiet_retracing():
                run(source.path, out=source.folder, verbose=0, report=False)
            trained += 1
    return trained


def _sweep_complete(source: Source) -> bool:
    """Every run complete (same config, same data) and the tables written after the last one."""
    from harness.sweeps.claims import is_complete
    from harness.sweeps.experiment import load_experiment

    table = source.folder / "summary.csv"
    if not table.is_file() or not (source.folder / "report.html").is_file():
        return False
    exp = load_experiment(source.path)
    newest = 0.0
    for point in exp.points:
        run_dir = source.folder / point.folder
        if not is_complete(run_dir, point):
            return False
        newest = max(newest, (run_dir / "summary.json").stat().st_mtime)
    return table.stat().st_mtime >= newest


def _run_complete(source: Source) -> bool:
    from harness.config.file import load_config
    from harness.sweeps.claims import is_complete

    return is_complete(source.folder, SimpleNamespace(config=load_config(source.path)[0]))


@dataclass(frozen=True)
class Quote:
    """A measured number and what holds it.

    Attributes:
        value: the number (a sweep: the cell's mean over its seeds).
        cell: the sweep cell it comes from (`activation=sigmoid, depth=10`), "" for a config.
        bands: the `expect:` conditions on it (the source's and the lesson's), e.g. `<= 1e-05`.
        met: whether the value meets every band.
        files: the files it was read from (a page that quotes it is rebuilt when they change).
    """

    value: float
    cell: str
    bands: tuple
    met: bool
    files: tuple


class Measured:
    """Reads the numbers of one source, with the bands the source and a lesson put on them.

    Args:
        source: a `Source` whose runs are trained.
        extra: the lesson's own `expect:` block for this source (None: none).
        shown: how errors name the lesson.
    """

    def __init__(self, source: Source, extra=None, shown: str = ""):
        self.source, self.shown = source, shown
        if source.experiment:
            from harness.sweeps.experiment import cell_values, load_experiment

            self.exp = load_experiment(source.path)
            self.cells = [cell_values(p) for p in self.exp.points if p.seed == self.exp.seeds[0]]
            self.groups = [p.group for p in self.exp.points if p.seed == self.exp.seeds[0]]
            self.varied = sorted({k for cell in self.cells for k in cell})
            self.table = source.folder / "summary.csv"
            self.rows = pd.read_csv(self.table) if self.table.is_file() else None
            own = list(self.exp.expect)
            more = parse_sweep(extra, self.varied, len(self.exp.seeds)) if extra else []
        else:
            self.table = source.folder / "summary.json"
            self.summary = json.loads(self.table.read_text()) if self.table.is_file() else None
            block = parse_yaml(source.path.read_text(encoding="utf-8"), str(source.path))
            own = parse_run(block["expect"]) if block.get("expect") else []
            more = parse_run(extra) if extra else []
        self.expectations = own + more

    def quote(self, key: str, where: str = "") -> Quote:
        """The value of `key` in the cell `where` picks (`activation=sigmoid,depth=10`).

        Raises:
            HarnessError: no results, no such cell or key, or no band on the number.
        """
        name = self.source.stem
        if self.source.experiment:
            if self.rows is None:
                raise HarnessError(f"{name}: no summary.csv in {self.source.folder}; train it")
            index = self.cell_index(where)
            value = sweep_value(self.rows.iloc[index], key)
            cell, values = self.groups[index], self.cells[index]
        else:
            if self.summary is None:
                raise HarnessError(f"{name}: no summary.json in {self.source.folder}; train it")
            if where:
                raise HarnessError(f"{name}: a config has one run; drop @{where}")
            value, cell, values = self.summary.get(key), "", {}
        if value is None or isinstance(value, float) and value != value:
            raise HarnessError(f"{name}: {key} is not measured ({self.table})")
        bands = [e for e in self.expectations if e.key == key and matches(e.where, values)]
        if not bands:
            raise HarnessError(
                f"{name}{'@' + where if where else ''}: {key} has no expect: band, so a changed "
                f"number would go unnoticed; add one to the lesson's front matter (expect: "
                f"{{{name}: ...}}) or to {self.source.path.name}")
        return Quote(float(value), cell, tuple(b.condition for b in bands),
                     all(b.met_by(value) for b in bands), (str(self.table),))

    def cell_index(self, where: str) -> int:
        """The index of the one cell `where` picks (a row of `summary.csv`)."""
        wanted = self._where(where)
        absent = {k for k, v in wanted.items() if v is None}  # `batch_norm=null`: a case without it
        picked = [i for i, values in enumerate(self.cells)
                  if matches({k: v for k, v in wanted.items() if k not in absent}, values)
                  and not any(values.get(k) is not None for k in absent)]
        if len(picked) != 1:
            cells = "; ".join(self.groups)
            raise HarnessError(f"{self.source.stem}@{where}: picks {len(picked)} cells, not one; "
                               f"the cells are: {cells}")
        return picked[0]

    def _where(self, where: str) -> dict:
        """`activation=sigmoid,depth=10` -> {model.activation: sigmoid, model.depth: 10}."""
        out = {}
        for part in split_where(where):
            short, _, text = part.partition("=")
            keys = [k for k in self.varied if k == short.strip() or k.endswith("." + short.strip())]
            if len(keys) != 1:
                raise HarnessError(f"{self.source.stem}@{where}: {short!r} is not one grid key; "
                                   f"the grid varies {', '.join(self.varied)}")
            out[keys[0]] = parse_yaml(text.strip(), where)
        return out

def measured_on(source: Source) -> dict:
    """Where a source's numbers were measured: the versions and platform of its first run."""
    folder = source.folder
    if source.experiment:
        from harness.sweeps.experiment import load_experiment

        folder = folder / load_experiment(source.path).points[0].folder
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        return {}
    return {k: meta.get(k) for k in ("harness", "tensorflow", "keras", "python", "platform",
                                      "finished")}


def split_where(where: str) -> list[str]:
    """`a=1,b=[x1,x2]` -> [`a=1`, `b=[x1,x2]`]: commas inside brackets stay."""
    parts, depth, current = [], 0, ""
    for char in where:
        depth += (char in "[{") - (char in "]}")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p.strip()]
