"""Shared by the issue-19 tests (`test_trust.py`, `test_trust_data.py`): tiny configs and data,
and the CLI run in this process."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

SMALL = {"name": "small", "data": {"name": "circles", "n_samples": 120},
         "model": {"depth": 2, "width": 4}, "train": {"epochs": 1}}


def cli(args, capsys) -> tuple[int, str, str]:
    """`harness ARGS` in this process: (exit code, stdout, stderr)."""
    from harness.cli.main import main

    with pytest.raises(SystemExit) as code:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code.value.code, out, err


def ring_csv(path: Path, n: int = 120, seed: int = 0, labels=None) -> Path:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    y = (x ** 2).sum(axis=1) < 0.5 if labels is None else labels
    pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "label": np.asarray(y, int)}).to_csv(path,
                                                                                   index=False)
    return path


def csv_config(folder: Path, **data) -> Path:
    path = folder / "c.yaml"
    path.write_text(yaml.safe_dump({
        "name": "c", "data": {"name": "csv", "path": "data.csv", "target": "label", **data},
        "model": {"depth": 2, "width": 4}, "train": {"epochs": 1}}))
    return path


def one_line(code: int, err: str, start: str) -> bool:
    """Exit 2 and one `error:` line starting so, last (after the `config:` line a run prints)."""
    lines = err.strip().splitlines()
    return (code == 2 and "Traceback" not in err and lines[-1].startswith(f"error: {start}")
            and sum(line.startswith("error:") for line in lines) == 1)


def labels_csv(path: Path, k: int, n: int) -> Path:
    x = np.random.default_rng(0).uniform(-1, 1, (n, 2))
    pd.DataFrame({"a": x[:, 0], "b": x[:, 1],
                  "label": [f"c{i % k}" for i in range(n)]}).to_csv(path, index=False)
    return path
