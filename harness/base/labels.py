"""How runs are labelled by their config values: dotted keys, short keys, short value labels,
safe folder names.

Used by `harness compare` (labels from the keys that differ), by sweeps (grid values, run
folders), by `expect:` (values compared as written) and by TensorBoard's hyperparameters.

    flatten_config({"model": {"depth": 8}})           # {"model.depth": 8}
    short_keys(["model.activation", "data.name"])     # {"model.activation": "activation",
                                                      #  "data.name": "data"}
    render({"name": "random_normal", "stddev": 0.01})  # "random_normal(stddev=0.01)"
    folder_name([("activation", "relu"), ("seed", "1")])  # "activation=relu__seed=1"
"""

import hashlib
import re
from collections.abc import Mapping

MAX_FOLDER = 120


def flatten_config(config: dict, prefix: str = "") -> dict:
    """`{"model": {"depth": 8}}` -> `{"model.depth": 8}`; lists and empty dicts stay values."""
    flat = {}
    for key, value in (config or {}).items():
        if isinstance(value, dict) and value:
            flat.update(flatten_config(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def short_keys(keys) -> dict:
    """`{"model.activation": "activation", "data.name": "data", ...}`, unique among `keys`.

    A key is shown by its last segment (a final `name` by its parent: `data.name` -> `data`), or by
    as many trailing segments as it takes to tell it from the others.
    """
    keys = list(dict.fromkeys(keys))

    def tail(key, n):
        parts = key.split(".")
        if parts[-1] == "name" and len(parts) > 1:
            parts = parts[:-1]
        return ".".join(parts[-n:])

    short = {}
    for key in keys:
        n = 1
        while n < len(key.split(".")) and [tail(k, n) for k in keys].count(tail(key, n)) > 1:
            n += 1
        short[key] = tail(key, n)
    return short


def render(value, short: dict | None = None) -> str:
    """A value as a short label: `0.01`, `[64,32]`, `random_normal(stddev=0.01)`, `head=softmax`."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(render(v, short) for v in value) + "]"
    if isinstance(value, Mapping):
        if "name" in value:  # an initializer with parameters
            rest = ",".join(f"{k}={render(v)}" for k, v in value.items() if k != "name")
            return f"{value['name']}({rest})" if rest else str(value["name"])
        return ", ".join(f"{(short or {}).get(k, k)}={render(v, short)}" for k, v in value.items())
    return str(value)


def folder_name(parts: list[tuple[str, str]]) -> str:
    """`activation=relu__depth=5__seed=1`: readable, stable, safe on every file system.

    Feature crosses keep their `^` (safe everywhere; `**` becomes `^`) and write `*` (not allowed
    on Windows) as `_`, so that `x1*x2` and `x1, x2` get different folders.
    """
    texts = (f"{k}={v}".replace("**", "^").replace("*", "_") for k, v in parts)
    name = "__".join(re.sub(r"[^A-Za-z0-9._=+^-]+", "-", text).strip("-") for text in texts)
    if len(name) > MAX_FOLDER:  # keep it readable and unique, within file-name limits
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = f"{name[:MAX_FOLDER - 9]}-{digest}"
    return name
