"""The Python API does what the README says, as the commands do (issue 18): `harness.compare`
writes the command's report, and a `Run` prints as one line in a plain REPL."""

import subprocess
import sys
from pathlib import Path

from fake_runs import make_run

import harness

ROOT = Path(__file__).resolve().parents[1]


def test_compare_from_python_writes_the_report_the_command_writes(tmp_path, monkeypatch):
    dirs = [make_run(tmp_path / "sig", activation="sigmoid"), make_run(tmp_path / "relu")]
    done = subprocess.run([sys.executable, "-m", "harness", "compare", *map(str, dirs), "--out",
                           str(tmp_path / "cli")], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr

    monkeypatch.chdir(tmp_path)
    table = harness.compare(dirs)  # no out: results/compare/<time>/, as the command's default
    report = table.attrs["report"]
    assert report.parent.parent == Path("results", "compare") and report.is_file()
    assert list(table["label"]) == ["activation=sigmoid", "activation=relu"]
    written = sorted(p.name for p in report.parent.iterdir())
    assert written == sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert {"compare.csv", "report.html", "compare_grad_norms.png"} <= set(written)


def test_a_run_prints_as_one_short_line(tmp_path):
    run = harness.load_run(make_run(tmp_path / "sig", activation="sigmoid", depth=5, epochs=3))
    text = repr(run)
    # the dataclass's own repr printed config, history and layers: 43 lines in a REPL
    assert "\n" not in text and len(text) < 250, text
    assert text.startswith("Run(name='sigmoid_d5', status='completed', epochs_run=3, ")
    assert "vanishing_ratio_init=" in text and text.endswith(f"dir={str(run.dir)!r})")
    assert str(run) == text
    unfinished = harness.load_run(make_run(tmp_path / "cut", status="interrupted"))
    unfinished.summary = {"status": "incomplete"}  # killed before summary.json
    folder = str(tmp_path / "cut")
    assert repr(unfinished) == f"Run(name='relu_d5', status='incomplete', dir={folder!r})"
