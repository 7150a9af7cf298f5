"""`harness list`: the option tables as text."""

import importlib

_SOURCES = {
    "activations": ("harness.activations", "ACTIVATIONS"),
    "heads": ("harness.heads", "HEADS"),
    "losses": ("harness.losses", "LOSSES"),
    "datasets": ("harness.data", "DATASETS"),
    "initializers": ("harness.initializers", "INITIALIZERS"),
    "optimizers": ("harness.optimizers", "OPTIMIZERS"),
    "schedules": ("harness.schedules", "SCHEDULES"),
}
_NOTES = {
    "activations": "or any Keras activation by name, or package.module:function for your own "
                   "(importing it runs that module's code)",
    "initializers": "as a name, or a mapping with parameters: {name: random_normal, stddev: 0.01}",
    "schedules": "as a name, or a mapping with parameters in epochs: {name: step, every: 10}",
}


def table(name: str):
    module, attr = _SOURCES[name]
    return getattr(importlib.import_module(module), attr)


def format_table(name: str) -> str:
    """The table `name` as aligned `name  description` lines under a heading."""
    registry = table(name)
    rows = []
    for key, entry in registry.items():
        aliases = registry.aliases_of(key)
        label = key + (f" ({', '.join(aliases)})" if aliases else "")
        detail = entry.description
        if name == "heads":
            detail += f" [losses: {', '.join(entry.losses)}]"
        if name == "datasets":
            detail = f"{entry.task:<10} {detail}"
        rows.append((label, detail))
    width = max(len(label) for label, _ in rows)
    lines = [f"{name}:"] + [f"  {label:<{width}}  {detail}" for label, detail in rows]
    if name in _NOTES:
        lines.append(f"  ... {_NOTES[name]}")
    return "\n".join(lines) + "\n"
