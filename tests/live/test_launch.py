"""`sweep --live` and `run --live` as the CLI starts them: the page's address printed, every run
steerable (one epoch per call, the learning-rate column), the page server gone afterwards."""

import json
import re
import urllib.request

import pandas as pd
import pytest
from commands import cli
from tiny import ROOT, experiment

pytest.importorskip("starlette")


@pytest.mark.slow
def test_sweep_live_prints_the_page_and_trains_steerable_runs(tmp_path):
    path = experiment(tmp_path, grid={"model.activation": ["sigmoid", "relu"]})
    done = cli("sweep", path, "--out", tmp_path / "out", "--live", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    address = re.search(r"live: (http://127\.0\.0\.1:\d+/)", done.stderr).group(1)
    for run_dir in (tmp_path / "out").glob("activation=*"):
        assert "learning_rate" in pd.read_csv(run_dir / "history.csv").columns
        assert json.loads((run_dir / "meta.json").read_text())["steering"] == []
    with pytest.raises(OSError):  # the page server ended with the sweep
        urllib.request.urlopen(address, timeout=5)


def test_run_live_without_the_extra_says_how_to_install_it(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_starlette(name, *args, **kwargs):
        if name.split(".")[0] == "starlette":
            raise ImportError(f"No module named {name!r}", name=name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_starlette)
    done = cli("run", ROOT / "configs" / "base.yaml", "--out", tmp_path / "r", "--live")
    assert done.returncode == 2 and not (tmp_path / "r").exists()
    assert done.stderr.splitlines()[-1] == (
        "error: the live page needs the `live` extra (starlette is not installed); install it "
        "with: pip install -e '.[live]'")
