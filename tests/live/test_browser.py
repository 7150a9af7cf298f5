"""The live page as a person uses it, in headless Chromium: a real tiny run started with
`harness run --live`, watched, paused, stepped, given a new learning rate, resumed and stopped
from the page's buttons; then a second `run` into the folder finishes it."""

import json
import os
import shutil
import threading
import time

import pandas as pd
import pytest
import yaml
from cdp import Browser
from commands import cli, start
from tiny import ROOT, tiny

pytest.importorskip("starlette")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="no `chromium` binary on PATH (Debian: apt-get install -y chromium)")]


def epochs(page) -> int:
    return int(page.js("document.body.dataset.epochs"))


def lines(run_dir) -> int:
    return len(pd.read_csv(run_dir / "history.csv"))


def test_watch_pause_step_rate_resume_stop_and_run_again(tmp_path):
    config, run_dir = tmp_path / "c.yaml", tmp_path / "run"
    config.write_text(yaml.safe_dump(tiny(train={"epochs": 5000})))
    process = start("run", config, "--out", run_dir, "--live", "--verbose", "0", cwd=tmp_path,
                    env={**os.environ, "PYTHONPATH": str(ROOT)})  # this tree's harness
    said = []
    threading.Thread(target=lambda: said.extend(process.stderr), daemon=True).start()
    deadline = time.monotonic() + 120
    while not any(line.startswith("live: http://127.0.0.1:") for line in said):
        assert process.poll() is None and time.monotonic() < deadline, "".join(said)
        time.sleep(0.2)
    address = next(line for line in said if line.startswith("live: ")).split()[1]
    page = Browser(address, tmp_path / "profile")
    try:
        page.wait_for("+document.body.dataset.epochs >= 2", timeout=120)
        assert page.js("document.querySelectorAll('#c-boundary rect').length") >= 29 * 29

        page.js("document.getElementById('pause').click()")
        page.wait_for("document.body.dataset.state === 'paused'")
        time.sleep(1.5)  # the epoch under way when the wish was written ends
        held = epochs(page)
        time.sleep(2.0)
        assert epochs(page) == held == lines(run_dir)  # pause holds the epoch count

        page.js("document.getElementById('step').click()")
        page.wait_for(f"+document.body.dataset.epochs === {held + 1}")
        page.wait_for("document.body.dataset.state === 'paused'")  # the run paused again
        time.sleep(1.5)
        assert epochs(page) == held + 1 == lines(run_dir)

        page.js("document.getElementById('lr').value = '0.003'; "
                "document.getElementById('setlr').click()")
        page.wait_for("S.control && S.control.learning_rate === 0.003")
        page.js("document.getElementById('resume').click()")
        page.wait_for(f"+document.body.dataset.epochs >= {held + 4}", timeout=60)
        history = pd.read_csv(run_dir / "history.csv")
        assert history["learning_rate"].iloc[:held + 1].round(6).eq(0.01).all()
        assert history["learning_rate"].iloc[held + 1:].round(6).eq(0.003).all()

        page.js("document.getElementById('stop').click()")
        assert process.wait(timeout=120) == 130
        page.wait_for("document.body.dataset.state === 'ended'", timeout=30)
        assert "ended: interrupted" in page.js("document.getElementById('status').textContent")
        assert "no longer updates" in page.js("document.getElementById('status').textContent")
        assert page.js("document.getElementById('controls').offsetParent === null")  # no buttons
    finally:
        page.close()
        if process.poll() is None:
            process.kill()
    summary = json.loads((run_dir / "summary.json").read_text())
    steering = json.loads((run_dir / "meta.json").read_text())["steering"]
    assert summary["status"] == "interrupted" and summary["epochs_run"] == lines(run_dir)
    assert [e.get("state") for e in steering if "state" in e] == [
        "paused", "step", "paused", "running", "stopped"]
    assert any(e.get("learning_rate") == 0.003 for e in steering)

    again = cli("run", config, "--out", run_dir, "--verbose", "0", "--set", "train.epochs=3")
    assert again.returncode == 0, again.stderr
    assert json.loads((run_dir / "summary.json").read_text())["status"] == "completed"
    assert not (run_dir / "control.json").exists()  # the stopped wish went with the old run
