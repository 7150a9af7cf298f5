"""Experiment files: a base config, a grid of values and seeds, expanded into validated runs.

    # What it shows; the command; the runtime.
    base: ../configs/relu_deep.yaml        # every run starts from it (path relative to this file)
    grid:                                  # every combination of these values ...
      model.activation: [sigmoid, relu]
      model.depth: [2, 10]
    seeds: [0, 1, 2]                       # ... times every seed (default [0])
    set: {train.epochs: 15}                # optional: fixed overrides for every run

Grid keys are dotted config keys. A grid cannot pair the values of two keys, so a key without a
dot (any name that is not a config key, e.g. `case`) is a *case axis*: each of its values is a
mapping of dotted keys applied together, and is shown as that mapping rendered short:

    grid:
      case:
        - {model.head: sigmoid, train.loss: binary_crossentropy, data.name: circles}
        - {model.head: identity, train.loss: mse, data.name: sine}
    # labels: "head=sigmoid, loss=binary_crossentropy, data=circles", ...

An optional `expect:` states the results each grid cell should reach, on the mean over its
seeds (see `harness.config.expect`); the runs themselves do not check their base config's `expect:`.

Settings apply in a fixed order: the base file (with its `extends` chain) -> `set` -> the grid
values -> `--set`. Every run's config is validated before anything trains, so a typo in the last
cell fails at once, with one line naming the experiment file and the key.
"""

import difflib
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.base.labels import folder_name, render, short_keys
from harness.base.yamlfile import parse_yaml, read_text
from harness.config.config import Config
from harness.config.expect import cells_problem, matches, parse_sweep, type_problem
from harness.config.file import load_config, parse_override
from harness.data.datasets import DATASETS
from harness.errors import ConfigError
from harness.models.types import measured_by

TOP_KEYS = ("base", "grid", "seeds", "set", "expect")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")
_AXIS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXAMPLE = {"data": "name", "model": "depth", "train": "epochs"}


@dataclass(frozen=True)
class Point:
    """One run of an experiment: a grid cell and a seed.

    Attributes:
        cell: grid key -> the value it takes in this run (a case axis: its mapping).
        labels: grid key -> that value rendered short (`"relu"`, `"head=softmax, loss=..."`).
        seed: the run's seed.
        overrides: dotted config key -> value, in the order they are applied over the base file.
        parts: (grid key, short key, label) for each value the run shows (a case: each of its keys).
        group: the cell without the seed, e.g. `"activation=relu, depth=5"` (what seeds share).
        folder: the run folder's name, e.g. `"activation=relu__depth=5__seed=1"`.
        config: the validated config.
    """

    cell: dict
    labels: dict
    seed: int
    overrides: dict
    parts: tuple
    group: str
    folder: str
    config: Config = field(repr=False)


@dataclass(frozen=True)
class Experiment:
    """A parsed and validated experiment file.

    Attributes:
        path: the experiment file.
        name: its stem: the default output folder is `results/<name>/`.
        base: the base config file.
        grid: grid key -> list of values, in file order.
        seeds: the seeds every cell runs with.
        fixed: the `set` overrides, then the `--set` ones.
        points: every run, grid cells in row-major order (the last key varies fastest), seeds last.
        expect: the `Expectation`s of the cells (`harness.config.expect.parse_sweep`).
    """

    path: Path
    name: str
    base: Path
    grid: dict
    seeds: list
    fixed: dict
    points: list
    expect: list = field(default_factory=list)

    @property
    def cells(self) -> int:
        return len(self.points) // len(self.seeds)


MAX_RUNS = 1000  # more is likelier a typo in the grid than a plan; `--max-runs` raises it


def load_experiment(path, overrides: Sequence[str] | Mapping | None = None,
                    max_runs: int | None = None) -> Experiment:
    """Reads an experiment file and validates the config of every run it describes.

    Args:
        path: the experiment YAML file.
        overrides: `["train.epochs=2"]` (as `--set` takes them) or `{"train.epochs": 2}`, applied
            to every run after the grid values.
        max_runs: the most runs the experiment may expand to (default `MAX_RUNS`).

    Returns:
        The `Experiment`.

    Raises:
        ConfigError: one line naming the experiment file and the key, before anything trains.
    """
    if max_runs is not None and (isinstance(max_runs, bool) or not isinstance(max_runs, int)
                                 or max_runs < 1):
        raise ConfigError(f"--max-runs {max_runs}: expected a whole number >= 1 (the most runs "
                          f"the experiment may expand to; default {MAX_RUNS})")
    path = Path(path)
    shown = _display(path)
    data = _read(path, shown)
    base = _base(data.get("base"), path, shown)
    fixed = _overrides(data.get("set") or {}, f"{shown}: set")
    grid = _grid(data.get("grid"), shown)
    seeds = _seeds(data.get("seeds", [0]), shown)
    cli = _cli(overrides)
    varied = {k for key, values in grid.items()
              for k in ([key] if _DOTTED.fullmatch(key) else [k for v in values for k in v])}
    for key in fixed:
        if key in varied:
            raise ConfigError(f"{shown}: set: {key}: the grid varies this key too; "
                              "keep it in one place")
    for key in cli:
        if key in varied or key in ("seed", "name"):
            raise ConfigError(f"{shown}: --set {key}: the experiment sets this key per run; "
                              "change the grid (or seeds:) in the file instead")
    _check_size(grid, seeds, shown, MAX_RUNS if max_runs is None else max_runs)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem).strip("._-")[:80] or "sweep"
    points = _points(base, name, grid, seeds, fixed, cli, short_keys([*varied, *grid]), shown)
    _unique_folders(points, shown)
    # Only now that every run's config is valid: a typo in a grid key (`model.activaton`) is an
    # unknown config key, not the grid key that `where: {model.activation: ...}` should name.
    expectations = _expectations(data.get("expect"), sorted(varied), seeds, points, shown)
    return Experiment(path, name, base, grid, seeds, {**fixed, **cli}, points, expectations)


def _read(path: Path, shown: str) -> dict:
    """The experiment file's mapping, with only the keys an experiment has."""
    data = parse_yaml(read_text(path, "experiment file"), shown)
    if not isinstance(data, dict):
        got = "empty" if data is None else f"a {type(data).__name__}"
        raise ConfigError(f"{shown}: an experiment is a mapping with base:, grid: and seeds:, "
                          f"not {got}; see experiments/vanishing_gradients.yaml")
    for key in data:
        if key not in TOP_KEYS:
            close = difflib.get_close_matches(str(key), TOP_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(TOP_KEYS)}"
            raise ConfigError(f"{shown}: {key}: unknown key; {hint}")
    return data


def _points(base: Path, name: str, grid: dict, seeds: list, fixed: dict, cli: dict,
            short: dict, shown: str) -> list[Point]:
    """Every run: the grid's cells in row-major order (the last key varies fastest), each cell's
    seeds in turn, each run's config validated."""
    points = []
    for values in itertools.product(*grid.values()):
        cell = dict(zip(grid, values))
        labels = {key: render(value, short) for key, value in cell.items()}
        parts = tuple((key, p, v) for key, value in cell.items()
                      for p, v in _parts(key, value, short))
        group = ", ".join(f"{p}={v}" for _, p, v in parts)
        for seed in seeds:
            # base -> set -> grid -> --set; the base file's expect: is about the base alone
            overrides = {"name": name, "expect": None, **fixed}
            for key, value in cell.items():
                overrides.update({key: value} if _DOTTED.fullmatch(key) else value)
            overrides.update({**cli, "seed": seed})
            config = _validate(base, overrides, shown, f"{group}, seed={seed}", grid, cli)
            folder = folder_name([*((p, v) for _, p, v in parts), ("seed", str(seed))])
            points.append(Point(cell, labels, seed, overrides, parts, group, folder, config))
    return points


def _expectations(expect, varied: list, seeds: list, points: list, shown: str) -> list:
    """The file's `expect:`, each naming grid cells that exist and results their runs measure."""
    if expect is None:
        return []
    try:
        expectations = parse_sweep(expect, varied, len(seeds))
    except ValueError as e:
        raise ConfigError(f"{shown}: expect: {e}") from None
    for e in expectations:
        if not any(matches(e.where, cell_values(p)) for p in points):
            raise ConfigError(f"{shown}: expect: where: {e.where} picks no grid cell; use values "
                              "the grid lists")
    tasks = [DATASETS.get(p.config.data.name).task or p.config.data.task for p in points]
    if problem := cells_problem(expectations, [(cell_values(p), task)
                                               for p, task in zip(points, tasks)]):
        raise ConfigError(f"{shown}: expect: {problem}")
    for p in points:  # time_ratio_init of a dense cell: never met
        mine = [e for e in expectations if matches(e.where, cell_values(p))]
        if problem := type_problem(mine, p.config.model.type, measured_by):
            raise ConfigError(f"{shown}: expect: {problem}")
    return expectations


def cell_values(point: Point) -> dict:
    """The point's grid values by dotted key (a case axis: the keys inside its case)."""
    values = {}
    for key, value in point.cell.items():
        values.update({key: value} if _DOTTED.fullmatch(key) else value)
    return values


def _check_size(grid: dict, seeds: list, shown: str, max_runs: int) -> None:
    """Counts the runs before validating any: a grid can multiply into millions."""
    runs = math.prod(len(values) for values in grid.values()) * len(seeds)
    if runs > max_runs:
        sizes = " x ".join(f"{len(v)} {k}" for k, v in grid.items())
        raise ConfigError(f"{shown}: grid: {runs} runs ({sizes} x {len(seeds)} seeds), more than "
                          f"the limit of {max_runs}; check the grid, or give --max-runs {runs} "
                          "to run them all")


def _parts(key, value, short):
    """The (short key, label) pairs a grid value shows: a case shows each of its keys."""
    if _DOTTED.fullmatch(key):
        return [(short[key], render(value, short))]
    return [(short[k], render(v, short)) for k, v in value.items()]


def _base(base, path: Path, shown: str) -> Path:
    if base is None:
        raise ConfigError(f"{shown}: base: missing; name the config every run starts from, "
                          "e.g. `base: ../configs/relu_deep.yaml` (relative to this file)")
    if not isinstance(base, str) or not base:
        raise ConfigError(f"{shown}: base: give one config file, e.g. `base: ../configs/base.yaml`")
    resolved = path.parent / base
    if not resolved.is_file():
        raise ConfigError(f"{shown}: base: {_display(resolved)} not found "
                          f"(the path is relative to {shown})")
    return resolved


def _overrides(items, where: str) -> dict:
    if not isinstance(items, Mapping):
        raise ConfigError(f"{where}: give a mapping of dotted keys, e.g. {{train.epochs: 20}}")
    for key in items:
        if not isinstance(key, str) or not _DOTTED.fullmatch(key):
            raise ConfigError(f"{where}: {key}: expected a dotted config key like model.depth")
    return dict(items)


def _grid(grid, shown: str) -> dict:
    example = "e.g. `grid: {model.activation: [sigmoid, relu]}`"
    if grid is None or grid == {}:
        raise ConfigError(f"{shown}: grid: empty; give at least one key and its values, {example}")
    if not isinstance(grid, Mapping):
        raise ConfigError(f"{shown}: grid: a mapping of dotted keys to lists of values, {example}")
    out = {}
    for key, values in grid.items():
        where = f"{shown}: grid: {key}"
        if key in ("seed", "name"):
            raise ConfigError(f"{where}: set per run by the sweep; list seeds under `seeds:`")
        if not isinstance(key, str) or not (_DOTTED.fullmatch(key) or _AXIS.fullmatch(key)):
            raise ConfigError(f"{where}: expected a dotted config key like model.depth, or a "
                              "case-axis name like `case`")
        if key in Config.model_fields:
            raise ConfigError(f"{where}: give dotted keys, e.g. {key}.{_EXAMPLE.get(key, 'name')} "
                              "(see `python -m harness schema`)")
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{where}: expected a non-empty list of values, e.g. [2, 5, 10] "
                              "(a fixed value goes under `set:`)")
        if not _DOTTED.fullmatch(key):
            for value in values:
                if not isinstance(value, Mapping) or not value:
                    raise ConfigError(f"{where}: a case axis lists mappings of dotted keys, e.g. "
                                      "- {model.head: softmax, data.name: blobs}; got "
                                      f"{value!r}")
                _overrides(value, where)
        seen = [render(v) for v in values]
        for i, label in enumerate(seen):
            if label in seen[:i]:
                raise ConfigError(f"{where}: {label} is listed twice; list each value once")
        out[key] = values
    for key in out:
        for value in out[key] if not _DOTTED.fullmatch(key) else []:
            for inner in value:
                if inner in out:
                    raise ConfigError(f"{shown}: grid: {key}: {inner} is also a grid key; "
                                      "vary it in one place")
    return out


def _seeds(seeds, shown: str) -> list[int]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seeds = [seeds]
    if (not isinstance(seeds, list) or not seeds
            or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds)):
        raise ConfigError(f"{shown}: seeds: expected a non-empty list of whole numbers, "
                          f"e.g. [0, 1, 2]; got {seeds!r}")
    if len(set(seeds)) < len(seeds):
        raise ConfigError(f"{shown}: seeds: {seeds} repeats a seed; list each once")
    return seeds


def _cli(overrides) -> dict:
    if isinstance(overrides, Mapping):
        return dict(overrides)
    return {".".join(keys): value for keys, value in map(parse_override, overrides or ())}


def _validate(base, overrides, shown, run, grid, cli) -> Config:
    """The run's config; an error is re-worded to name the experiment file and the key."""
    try:
        return load_config(base, overrides)[0]
    except ConfigError as e:
        message = str(e)
    # load_config names an override `overrides <key>`; say where in the experiment it came from.
    for key in sorted(overrides, key=len, reverse=True):
        prefix = f"overrides {key}:"
        if message.startswith(prefix):
            axis = next((a for a in grid if not _DOTTED.fullmatch(a)
                         and any(key in case for case in grid[a])), None)
            where = ("--set" if key in cli else "grid" if key in grid else "seeds" if key == "seed"
                     else "file name" if key == "name" else f"grid: {axis}" if axis else "set")
            rest = _yaml_example(message[len(prefix):], key, where)
            raise ConfigError(f"{shown}: {where}: {key}:{rest}") from None
    if message.startswith("overrides "):  # a clash between keys: `overrides a, overrides b: ...`
        message = message.split(": ", 1)[1]
    raise ConfigError(f"{shown}: run {run}: {message}") from None


def _yaml_example(message: str, key: str, where: str) -> str:
    """`load_config`'s example for an override (`e.g. overrides={'seed': 0}`, the API's words)
    in the words of the place in the experiment file or command line that gave the value."""
    found = re.search(r"e\.g\. overrides=\{'[^']+': (.*)\}$", message)
    if not found:
        return message
    value = found.group(1).strip("'")
    example = {"--set": f"--set {key}={value}", "seeds": f"seeds: [{value}]",
               "grid": f"grid: {{{key}: [{value}]}}"}.get(where.split(":")[0],
                                                         f"set: {{{key}: {value}}}")
    return message[:found.start()] + f"e.g. {example}"


def _unique_folders(points, shown: str) -> None:
    seen = {}
    for point in points:
        other = seen.setdefault(point.folder, point)
        if other is not point:
            raise ConfigError(f"{shown}: grid: runs {other.group!r} and {point.group!r} get the "
                              f"same folder name {point.folder!r}; make their values differ in "
                              "letters or digits")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # outside the folder, or a symlink loop
        return str(path)
