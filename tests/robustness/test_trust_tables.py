"""Issue 29, the tables: a diverged run's figures, and every table read by one reader with one
set of checks (`harness.rundir.read`)."""

import contextlib
import errno
import re
import resource
import shutil

import numpy as np
import pandas as pd
import pytest
from commands import cli as run_cli
from tiny import ROOT, experiment, set_args

from harness.errors import HarnessError, disk_fix
from tests.helpers.trust_cases import cli

RNN_YAML = "configs/rnn_adding.yaml"
RNN = {"data.length": 10, "data.n_samples": 200, "model.width": 8, "train.epochs": 2}


def rnn_args(sets: dict | None = None) -> list[str]:
    """`--set` arguments over `RNN_YAML` for the tiny recurrent run (adding, T = 10, simple)."""
    return [arg for key, value in {**RNN, **(sets or {})}.items()
            for arg in ("--set", f"{key}={value}")]


def _diverged_steps() -> pd.DataFrame:
    """timesteps.csv of a run that diverged in epoch 1: NaN, and inf at the last step."""
    rows = [(e, "rnn_1", t, "h_grad_norm", v) for e in (0, 1) for t in range(1, 11)
            for v in [(0.05 * t if e == 0 else (np.inf if t == 10 else np.nan))]]
    return pd.DataFrame(rows, columns=["epoch", "layer", "step", "metric", "value"])


def test_time_heatmap_of_a_diverged_run_masks_and_counts_nonfinite():
    from harness.report.run.time import plot_time, plot_time_heatmap

    fig = plot_time_heatmap(_diverged_steps())  # was "Invalid vmin or vmax" (inf in the norm)
    assert "grey = masked (10 NaN/inf" in fig.axes[0].get_title()
    assert fig.axes[1].get_ylim()[1] == pytest.approx(0.5)  # the colour bar: finite values only
    legend = [t.get_text() for t in plot_time(_diverged_steps()).axes[0].get_legend().get_texts()]
    assert legend == ["initialisation", "epoch 1 (10 of 10 steps NaN/inf, not drawn)"]


@pytest.mark.slow
def test_diverged_recurrent_run_gets_its_report(tmp_path, capsys):
    sets = {"train.learning_rate": 1000, "train.optimizer": "sgd", "model.activation": "relu"}
    code, out, err = cli(["run", RNN_YAML, "--out", tmp_path / "r", *rnn_args(sets)],
                         capsys)
    assert code == 1 and "report not written" not in err, err  # 1: the run diverged
    assert "diverged" in (tmp_path / "r" / "summary.json").read_text()
    assert np.isinf(pd.read_csv(tmp_path / "r" / "timesteps.csv")["value"]).any()
    for name in ("time.png", "time_heatmap.png", "report.html"):
        (tmp_path / "r" / name).unlink()
    code, out, err = cli(["report", tmp_path / "r"], capsys)
    assert code == 0 and "Traceback" not in err, err
    assert all((tmp_path / "r" / name).is_file() for name in ("time.png", "time_heatmap.png"))


@contextlib.contextmanager
def file_size_limit(kb: int):
    """`ulimit -f KB` for this process (Python ignores SIGXFSZ, so a write past it is EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (kb * 1024, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_efbig_is_a_disk_error_whose_fix_is_the_limit():
    with file_size_limit(20):
        fix = disk_fix(OSError(errno.EFBIG, "File too large"))
    assert "`ulimit -f`, now 20 KB" in fix and "free" not in fix
    assert "permissions" in disk_fix(OSError(errno.EPERM, "Operation not permitted"))
    assert disk_fix(OSError(errno.ENOENT, "No such file")) is None
    assert disk_fix(ValueError()) is None


@pytest.mark.parametrize("command", [pytest.param("run", marks=pytest.mark.slow),
                                     pytest.param("sweep", marks=pytest.mark.slow), "theory",
                                     pytest.param("preflight", marks=pytest.mark.slow), "compare"])
def test_a_file_size_limit_is_one_error_line(tmp_path, tiny_run, command):
    # each command writes a file over 20 KB (a figure, layers.csv); each was a traceback
    args = {"run": ["configs/base.yaml", *set_args()],
            "sweep": [experiment(tmp_path, {"model.activation": ["relu"]})],
            "theory": ["configs/base.yaml", *set_args()],
            "preflight": ["configs/base.yaml", *set_args()],
            "compare": [tiny_run, tiny_run]}[command]
    with file_size_limit(20):
        result = run_cli(command, *args, "--out", tmp_path / "out")
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and "File too large" in lines[0] and "ulimit -f" in lines[0], lines


# --- one reader, one set of checks: every table checked against summary.json wherever read -------

RNN_RUN = {"name": "rnn", "data": {"name": "adding", "length": 10, "n_samples": 200},
           "model": {"type": "recurrent", "cell": "simple", "width": 8, "depth": 1,
                     "head": "identity"},
           "train": {"loss": "mse", "epochs": 2}}


@pytest.fixture(scope="module")
def rnn_run(tmp_path_factory):
    """A completed tiny recurrent run (adding, T = 10), trained once for this file."""
    import harness

    out = tmp_path_factory.mktemp("rnn") / "run"
    harness.run(RNN_RUN, out=out, verbose=0, report=False)
    return out


def _rows(keep):
    def damage(text: str) -> str:
        lines = text.splitlines(keepends=True)
        return lines[0] + "".join(line for line in lines[1:] if keep(line))
    return damage


DAMAGED = {  # (file, what is done to it, what the error line says)
    "empty": ("timesteps.csv", lambda text: "", "cut short: no rows"),
    "header only": ("timesteps.csv", lambda text: text[:text.index("\n") + 1],
                    "cut short: no rows"),
    "deleted": ("timesteps.csv", None, "missing, but summary.json says the run wrote it"),
    "no epoch 0": ("timesteps.csv", _rows(lambda line: not line.startswith("0,")),
                   "no rows for epoch 0"),
    "epoch 9": ("timesteps.csv", lambda text: text + text.splitlines(keepends=True)[-1]
                .replace("2,", "9,", 1), "rows for epoch 9, but summary.json says epochs_run 2"),
    "duplicated": ("timesteps.csv", lambda text: text + text.split("\n", 1)[1],
                   "30 row(s) repeated (the same epoch, layer, step, metric)"),
    "histograms empty": ("histograms.csv", lambda text: "", "cut short: no rows"),
    "history extra row": ("history.csv", lambda text: text + text.splitlines(keepends=True)[-1]
                          .replace("2,", "3,", 1), "rows for epoch 3, but summary.json says"),
    "layers empty": ("layers.csv", lambda text: "", "cut short: no rows"),
}


def damaged_copy(run, tmp_path, case):
    name, damage, _ = DAMAGED[case]
    folder = tmp_path / "run"
    shutil.copytree(run, folder)
    if damage is None:
        (folder / name).unlink()
    else:
        (folder / name).write_text(damage((folder / name).read_text()))
    return folder


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_a_damaged_table_is_refused_by_report_compare_and_a_resume(rnn_run, tmp_path, case):
    from harness.rundir.run import is_finished, load_run

    folder = damaged_copy(rnn_run, tmp_path, case)
    name, _, says = DAMAGED[case]
    for args in (["report", folder], ["compare", folder, rnn_run, "--out", tmp_path / "c"]):
        result = run_cli(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: {folder / name}: {says}"), lines[0]
    # a resume counts a run complete only when its whole folder reads (`is_complete`)
    assert is_finished(folder)
    with pytest.raises(HarnessError, match=re.escape(f"{name}: {says}")):
        load_run(folder).read_all()


def test_a_run_another_sweep_finished_meanwhile_is_not_noted_busy(tmp_path, monkeypatch):
    """Two sweeps into one folder: the second skipped a run the first held, which then completed;
    its runs.csv row said `completed` with the error "another sweep is training it"."""
    import subprocess
    import sys

    from harness.sweeps import schedule
    from harness.sweeps.execute import run_sweep

    path = experiment(tmp_path, {"model.activation": ["relu"]})
    out = tmp_path / "out"
    run_sweep(path, out=out, log=None)
    folder = next(p for p in out.iterdir() if p.is_dir())
    summary = (folder / "summary.json").read_bytes()
    (folder / "summary.json").unlink()  # not complete: this sweep will try to train it
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time; f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX); "
        "print('held', flush=True); time.sleep(120)"), str(folder / ".lock")],
        stdout=subprocess.PIPE, text=True)
    real = schedule.claim_run

    def other_sweep_finishes(run_dir, point, errors):
        claim, busy = real(run_dir, point, errors)
        (run_dir / "summary.json").write_bytes(summary)  # the other sweep's run completes
        return claim, busy

    monkeypatch.setattr(schedule, "claim_run", other_sweep_finishes)
    try:
        assert holder.stdout.readline().strip() == "held"
        runs = run_sweep(path, out=out, log=None).runs
    finally:
        holder.kill()
        holder.wait()
    assert list(runs["status"]) == ["completed"]
    assert runs["error"].fillna("").eq("").all(), runs["error"].tolist()


def test_tensorboard_refuses_a_damaged_table_as_report_does(rnn_run, tmp_path):
    pytest.importorskip("tensorboard")
    folder = tmp_path / "run"
    shutil.copytree(rnn_run, folder)
    text = (folder / "timesteps.csv").read_text().splitlines(keepends=True)
    (folder / "timesteps.csv").write_text(text[0] + text[1].replace(",1,", ",one,", 1)
                                          + "".join(text[2:]))
    for args in (["report", folder], ["tensorboard", folder, "--logdir", tmp_path / "tb"]):
        result = run_cli(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: {folder / 'timesteps.csv'}: the 'step' column holds "
                                   "text"), lines[0]


def test_a_binary_table_is_not_called_cut_short(rnn_run, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(rnn_run, folder)
    (folder / "timesteps.csv").write_bytes(bytes(range(256)) * 4)
    result = run_cli("report", folder)
    assert result.returncode == 2 and "timesteps.csv: not UTF-8 text" in result.stderr


NAN_ACTIVATIONS = """import keras
def half_nan(z):
    return keras.ops.where(z > 0.5, keras.ops.log(-keras.ops.abs(z) - 1.0), keras.ops.tanh(z))
def all_nan(z):
    return keras.ops.log(-keras.ops.abs(z) - 1.0)
"""


@pytest.mark.parametrize("name, at", [("half_nan", "0.6"), ("all_nan", "-10")])
def test_theory_refuses_an_activation_that_is_nan_as_run_does(tmp_path, monkeypatch, name, at):
    (tmp_path / "nan_acts.py").write_text(NAN_ACTIVATIONS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    result = run_cli("theory", ROOT / "configs" / "base.yaml", *set_args(),
                     "--set", f"model.activation=nan_acts:{name}", "--out", tmp_path / "t")
    assert result.returncode == 2, result.stderr + result.stdout  # was exit 0, blank cells
    assert result.stderr.strip() == (
        f"error: --set model.activation: activation 'nan_acts:{name}' gives nan for a finite "
        f"input (z = {at}); make it finite for every real z (a log or a square root needs z > 0: "
        "e.g. keras.ops.log(1 + keras.ops.abs(z)))")
    assert not (tmp_path / "t").exists()


def test_nan_at_init_from_a_spectral_radius_blames_it(tmp_path):
    result = run_cli("run", RNN_YAML, *rnn_args({"data.length": 50, "model.spectral_radius": 50,
                                                 "model.activation": "relu"}),
                     "--out", tmp_path / "r")
    assert result.returncode == 2 and "error: --set model.spectral_radius: the loss is already " \
        "nan at initialisation" in result.stderr, result.stderr
    assert "glorot_uniform" not in result.stderr  # already set: not a fix


def test_a_bad_seed_in_an_experiment_gets_a_yaml_example(tmp_path):
    path = experiment(tmp_path, {"model.activation": ["relu"]}, seeds=[-1])
    result = run_cli("sweep", path, "--out", tmp_path / "out")
    assert result.returncode == 2 and result.stderr.strip().endswith("e.g. seeds: [0]"), \
        result.stderr
