"""What `harness list` and `harness schema` print: the registries of names, the config's keys.

A registry (`harness.base.registry.Registry`) is a name -> entry table of the options a config can
name: activations, heads, losses, datasets, features, initializers, optimizers, schedules.
"""

import importlib

from harness.config.schema import schema_rows

_SOURCES = {
    "activations": ("harness.catalog.activations", "ACTIVATIONS"),
    "heads": ("harness.catalog.heads", "HEADS"),
    "losses": ("harness.catalog.losses", "LOSSES"),
    "datasets": ("harness.data.datasets", "DATASETS"),
    "features": ("harness.data.features", "CROSSES"),
    "initializers": ("harness.catalog.initializers", "INITIALIZERS"),
    "optimizers": ("harness.catalog.optimizers", "OPTIMIZERS"),
    "schedules": ("harness.catalog.schedules", "SCHEDULES"),
    "model_types": ("harness.models.types", "MODEL_TYPES"),
    "cells": ("harness.models.cells", "CELLS"),
}
_NOTES = {
    "activations": "or any Keras activation by name, or package.module:function for your own "
                   "(importing it runs that module's code)",
    "features": "for 2-D data, in data.features: [x1, x2, x1^2, x2^2] (csv files: and columns)",
    "initializers": "as a name, or a mapping with parameters: {name: random_normal, stddev: 0.01}",
    "schedules": "as a name, or a mapping with parameters in epochs: {name: step, every: 10}",
}


def registry(name: str):
    """The registry `name` (e.g. `"activations"`), imported only when asked for."""
    module, attr = _SOURCES[name]
    return getattr(importlib.import_module(module), attr)


def format_registry(name: str) -> str:
    """The registry `name` as aligned `name  description` lines under a heading."""
    entries = registry(name)
    rows = []
    for key, entry in entries.items():
        aliases = entries.aliases_of(key)
        label = key + (f" ({', '.join(aliases)})" if aliases else "")
        detail = entry.description
        if name == "heads":
            detail += f" [losses: {', '.join(entry.losses)}]"
        if name == "datasets":
            detail = f"{entry.task or 'from file':<10} {detail}"
        rows.append((label, detail))
    width = max(len(label) for label, _ in rows)
    lines = [f"{name}:"] + [f"  {label:<{width}}  {detail}" for label, detail in rows]
    if name in _NOTES:
        lines.append(f"  ... {_NOTES[name]}")
    return "\n".join(lines) + "\n"


def format_schema(width: int = 100) -> str:
    """`harness schema`: one line per key (key, type, default), its meaning wrapped below it."""
    import textwrap

    rows = schema_rows()
    columns = [max(len(row[i]) for row in rows + [("key", "type", "default", "")])
               for i in range(3)]

    def line(key, kind, default):
        return f"{key:<{columns[0]}}  {kind:<{columns[1]}}  {default:<{columns[2]}}".rstrip()

    lines = [line("key", "type", "default"), line(*("-" * n for n in columns))]
    for key, kind, default, meaning in rows:
        lines.append(line(key, kind, default))
        lines += textwrap.wrap(meaning, width, initial_indent="    ", subsequent_indent="    ")
    lines += ["Set a key in a config file (model: {depth: 8}) or on the command line",
              "(--set model.depth=8); `--json` prints the JSON Schema for editors."]
    return "\n".join(lines)
