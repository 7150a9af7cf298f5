"""Reading a config: YAML files, `extends` chains and `--set` overrides, merged over the defaults.

Order: defaults -> `extends` chain (the furthest ancestor first) -> the file -> `--set a.b=value`.
Every leaf remembers where it came from, so an error names the file (or the `--set`) to fix.
"""

import difflib
import os
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from harness.base.yamlfile import display_path, parse_yaml, read_text
from harness.config.config import Config
from harness.config.section import KeyProblem, short_repr
from harness.errors import ConfigError

MAX_EXTENDS = 50  # longer chains are surely a mistake, and recursion has a limit


def read_file(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict, dict, list[str]]:
    """Reads `path` and its `extends` ancestors.

    Returns:
        (merged mapping, provenance: dotted key -> the file that set it, the files read in
        merge order).
    """
    shown = display_path(path)
    text = read_text(path)  # first: a symlink loop or a device is one line, not a traceback
    if len(chain) >= MAX_EXTENDS:
        raise ConfigError(f"{shown}: extends: a chain of more than {MAX_EXTENDS} files; "
                          "extend a shared base file directly")
    if path.resolve() in chain:
        cycle = " -> ".join(display_path(p) for p in (*chain, path.resolve()))
        raise ConfigError(f"{shown}: extends: cycle {cycle}; remove one of the extends")
    data = parse_yaml(text, shown)
    if data is None:
        raise ConfigError(f"{shown}: the file is empty; a config is a mapping, "
                          "e.g. `extends: base.yaml` followed by the keys it changes")
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: a config is a mapping of keys (name:, model:, ...), "
                          f"not a {type(data).__name__}; write `key: value` lines, "
                          "e.g. model: {depth: 3}")
    if chain:  # a file's expect: states what that file claims; files extending it claim their own
        data.pop("expect", None)
    data_path_beside(data, path)
    merged, origin, files = {}, {}, []
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str) or not parent:
            raise ConfigError(f"{shown}: extends: give one file name, e.g. `extends: base.yaml`")
        parent_path = path.parent / parent
        if not parent_path.is_file():
            problem = "is not a file" if parent_path.exists() else "not found"
            raise ConfigError(f"{shown}: extends: {display_path(parent_path)} {problem}; give a "
                              f"YAML file, its path relative to {shown}")
        merged, origin, files = read_file(parent_path, (*chain, path.resolve()))
    _merge(merged, origin, data, shown)
    return merged, origin, [*files, shown]


def parse_override(item: str) -> tuple[list[str], object]:
    """Splits `a.b=value` into (["a", "b"], value parsed as YAML)."""
    key, sep, raw = item.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key):
        raise ConfigError(f"--set {item}: expected KEY=VALUE with a dotted key, "
                          "e.g. --set model.depth=8")
    return key.split("."), parse_yaml(raw, f"--set {key}") if raw.strip() else None


def load_config(source: str | os.PathLike | Mapping,
                overrides: Sequence[str] | Mapping | None = None) -> tuple[Config, list[str]]:
    """Resolves a config file (or mapping) and overrides into a validated `Config`.

    Args:
        source: a YAML file path, or a mapping of config keys (as a YAML file would hold).
        overrides: `["model.depth=8", ...]` as given to `--set`, or a mapping `{"model.depth": 8}`.

    Returns:
        (config, the sources in the order they were applied: `defaults`, files, `--set k=v`).

    Raises:
        ConfigError: with one line naming the file, the key and the fix.
    """
    if isinstance(source, Mapping):
        top, merged, origin, files = "<mapping>", {}, {}, ["<mapping>"]
        body = dict(source)
        if "extends" in body:
            raise ConfigError("<mapping>: extends works in files only; load the file instead")
        _merge(merged, origin, body, top)
    else:
        path = Path(source)
        top = display_path(path)
        merged, origin, files = read_file(path)
    # Overrides from the command line are `--set a.b=v`; from Python (a mapping) `overrides`.
    label = "overrides" if isinstance(overrides, Mapping) else "--set"
    items = overrides.items() if isinstance(overrides, Mapping) else (
        parse_override(o) for o in overrides or ())
    for key, value in items:
        keys = key.split(".") if isinstance(key, str) else key
        if keys[0] == "extends":
            raise ConfigError(f"{label} extends: extends works in config files only; "
                              "write `extends: FILE` at the top of the file")
        nested = value
        for k in reversed(keys):
            nested = {k: nested}
        _merge(merged, origin, nested, f"{label} {'.'.join(keys)}")
        files.append(f"{label} {'.'.join(keys)}={_flow(value)}")  # as YAML: null, not None
    return validate(merged, origin, top), ["defaults", *files]


def command_line(source: str | os.PathLike | Mapping, overrides: Sequence[str] | Mapping | None,
                 out: str | os.PathLike | None = None, saved: Path | None = None) -> str:
    """The `python -m harness run ...` command that repeats a run, as a line to paste in a shell.

    Args:
        source, overrides: as given to `load_config`.
        out: the `--out` folder, if one was given.
        saved: the run's resolved `config.yaml`, run instead when `source` is a mapping (no file
            to name).

    Returns:
        E.g. `python -m harness run configs/relu_deep.yaml --set model.depth=4`.
    """
    if isinstance(source, Mapping):
        args, overrides = [str(saved)], None  # the saved config already holds the overrides
    else:
        args = [str(source)]
    if isinstance(overrides, Mapping):
        overrides = [f"{k if isinstance(k, str) else '.'.join(k)}={_flow(v)}"
                     for k, v in overrides.items()]
    for item in overrides or ():
        args += ["--set", item]
    if out is not None:
        args += ["--out", str(out)]
    return shlex.join(["python", "-m", "harness", "run", *args])


def _flow(value) -> str:
    """A value as `--set` reads it back (YAML flow style: `8`, `[8, 4]`, `{name: zeros}`)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("...").strip()


def blame(problem: KeyProblem, sources: Sequence[str], top: str) -> ConfigError:
    """One line for a problem found after the config was validated (with the data, the model).

    Args:
        problem: the problem, at its key and related keys.
        sources: what `load_config` applied, in order (`--set model.depth=8` among them).
        top: the config file the user ran (or `<mapping>`).

    Returns:
        A `ConfigError` blaming the overrides that set those keys, else `top`.
    """
    keys = (problem.key, *problem.related)
    overridden = []
    for source in sources:
        label, _, rest = source.partition(" ")
        key = rest.partition("=")[0]
        if f"{label} " in _OVERRIDES and any(
                k == key or k.startswith(f"{key}.") or key.startswith(f"{k}.") for k in keys):
            overridden.append(f"{label} {key}")
    where = ", ".join(dict.fromkeys(overridden)) or top
    return ConfigError(f"{_place(where, problem.key)}: {problem}")


def validate(merged: dict, origin: dict, top: str) -> Config:
    try:
        return Config.model_validate(merged)
    except ValidationError as e:
        raise ConfigError(_describe(e.errors()[0], merged, origin, top)) from None


def _merge(into: dict, origin: dict, new: Mapping, source: str, prefix: str = "") -> None:
    """Deep-merges `new` into `into`: mappings merge, everything else replaces."""
    for key, value in new.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not isinstance(into.get(key), dict):
            # A new section: record its leaves, so that `--set train.epochs=1` does not claim
            # to have set train.loss too.
            for old in [k for k in origin if k == dotted or k.startswith(f"{dotted}.")]:
                del origin[old]
            into[key] = {}
        if isinstance(value, Mapping) and isinstance(into.get(key), dict) and value:
            _merge(into[key], origin, value, source, f"{dotted}.")
            continue
        into[key] = dict(value) if isinstance(value, Mapping) else value
        for old in [k for k in origin if k == dotted or k.startswith(f"{dotted}.")]:
            del origin[old]
        origin[dotted] = source


def _describe(error: dict, merged: dict, origin: dict, top: str) -> str:
    """One line for a pydantic error: `<file>: <key>: <problem and fix>`."""
    cause = (error.get("ctx") or {}).get("error")
    fields = [str(p) for p in error["loc"]]
    if isinstance(cause, KeyProblem):
        # Across fields: blame the overrides involved, else the file the user ran.
        sources = [_source_of(k, origin, top) for k in (cause.key, *cause.related)]
        overridden = list(dict.fromkeys(s for s in sources if s.startswith(_OVERRIDES)))
        return f"{_place(', '.join(overridden) or top, cause.key)}: {cause}"
    key = ".".join(_field_path(fields))
    if error["type"] == "extra_forbidden":
        parent, name = _field_path(fields[:-1]), fields[-1]
        key = ".".join([*parent, name])
        where = _source_of(key, origin, top)
        known = list(_model_at(parent).model_fields)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return f"{_place(where, key)}: unknown key {name!r}; {hint}"
    where = _source_of(key, origin, top)
    message = str(cause) if isinstance(cause, ValueError) else _explain(error, key, where)
    return f"{_place(where, key or 'config')}: {message}"


_WRITE = {"int": "write a whole number", "float": "write a number", "bool": "write true or false",
          "string": "write text (quoted if YAML reads it as a number, date or true/false)"}


def _explain(error: dict, key: str, where: str) -> str:
    """Pydantic's own message for a type or range error, with the input and an example fix."""
    kind, got = error["type"], short_repr(error.get("input"))
    if kind == "invalid_key":
        known = ", ".join(_model_at(key.split(".") if key else []).model_fields)
        return f"key {got} is not a name; the keys here are {known}"
    if kind == "model_type":
        section = _model_at(key.split("."))
        sample = {k: f.default for k, f in section.model_fields.items()
                  if isinstance(f.default, (str, int, float))}
        pairs = ", ".join(f"{k}: {v}" for k, v in list(sample.items())[:2])
        return f"expected a mapping of keys, got {got}; e.g. {key}: {{{pairs}}}"
    message = f"{error['msg'][0].lower()}{error['msg'][1:]}, got {got}"
    write = _WRITE.get(kind.partition("_")[0]) if kind.endswith(("_type", "_parsing",
                                                                  "_from_float")) else None
    example = _example(key, where)
    fix = ", ".join(part for part in (write, example and f"e.g. {example}") if part)
    return f"{message}; {fix or 'see `python -m harness schema` for every key and its type'}"


def _example(key: str, where: str) -> str | None:
    """`model: {depth: 3}` (or `--set model.depth=3`): the key at its default or example."""
    parts = key.split(".") if key else []
    if not parts:
        return None
    field = _model_at(parts[:-1]).model_fields.get(parts[-1])
    value = (field.examples or [field.default])[0] if field else None
    if value is None or isinstance(value, (BaseModel, dict, list)):
        return None
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if where.startswith("--set "):
        return f"--set {key}={text}"
    if where.startswith("overrides "):
        return f"overrides={{{key!r}: {value!r}}}"
    text = f"{parts[-1]}: {text}"
    for part in reversed(parts[:-1]):
        text = f"{part}: {{{text}}}"
    return text


_OVERRIDES = ("--set ", "overrides ")


def _place(where: str, key: str) -> str:
    return where if where in (f"--set {key}", f"overrides {key}") else f"{where}: {key}"


def _field_path(loc: list[str]) -> list[str]:
    """Drops pydantic's union-branch and list-index parts from an error location."""
    path, model = [], Config
    for part in loc:
        if model is not None and part in model.model_fields:
            path.append(part)
            annotation = model.model_fields[part].annotation
            model = annotation if isinstance(annotation, type) and issubclass(
                annotation, BaseModel) else None
    return path


def _model_at(path: list[str]) -> type[BaseModel]:
    model = Config
    for part in path:
        model = model.model_fields[part].annotation
    return model


def _source_of(key: str, origin: dict, top: str) -> str:
    """The file or override that set `key`, one of its parents, or all of its children."""
    children = {source for k, source in origin.items() if k.startswith(f"{key}.")}
    if key and key not in origin and len(children) == 1:
        source = children.pop()
        return source if source != "defaults" else top
    while key:
        if key in origin:
            return origin[key] if origin[key] != "defaults" else top
        key = key.rpartition(".")[0]
    return top


_NOTED: set = set()  # (config file, data.path) notes already printed by this process


def data_path_beside(data: dict, path: Path) -> None:
    """Resolves a relative `data.path` in the file `path` against that file's folder, as `extends`
    is: a handed-out `lesson/weather.yaml` finds `weather.csv` beside it from any folder.

    A path found only in the current folder (how it used to be read) is kept, with a note on
    stderr (once per process); found in neither, it names the place beside the file. Absolute
    and `~` paths, and `--set` values (typed in the current folder), are left as they are.

    Args:
        data: the file's parsed mapping; its `data.path` is rewritten in place.
        path: the config file.
    """
    section = data.get("data")
    value = section.get("path") if isinstance(section, dict) else None
    if not isinstance(value, str) or not value or Path(value).expanduser().is_absolute():
        return
    beside = Path(os.path.normpath(path.parent / value))
    if beside.exists() or not Path(value).exists():
        section["path"] = str(beside)
    elif (path, value) not in _NOTED:
        _NOTED.add((path, value))
        print(f"note: {display_path(path)}: data.path: {value} is not beside the config file "
              f"({display_path(beside)}); read from the current folder instead. Paths in a config "
              "are relative to its file: move the data there, or give the path from it",
              file=sys.stderr)
