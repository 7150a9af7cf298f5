"""Memory and time are bounded before they are spent, and every promised error is one line.

Alias bombs, files that are not files, models that cannot fit, gzip bombs, grids of millions of
runs; `--out` on a full or read-only disk, user modules that fail on import, initializers that make
no sense, a loss that is NaN at initialisation. Every case runs the CLI in this process under a
memory and time limit (`limits.py`, tighter where a bomb is defused), so a regression fails fast.
"""

import gzip
import os
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from commands import cli
from config_messages import check
from limits import BUDGET, address_space, fill, memory_limit, tmpfs
from tiny import ROOT, TINY


def bomb(levels: int = 8, name: str = "bomb") -> str:
    """A few hundred bytes of nested anchors standing for 10**(levels + 1) strings."""
    lines = [f"{name}0: &{name}0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{name}{i}: &{name}{i} [" + ", ".join([f"*{name}{i - 1}"] * 10) + "]"
              for i in range(1, levels + 1)]
    return "\n".join(lines)


def one_error_line(result, starts: str, key: str | None = None):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = [line for line in result.stderr.strip().splitlines()  # ours, not TensorFlow's
             if not line.startswith(("config: ", "warning: ", "WARNING: All log messages",
                                     "I0000 "))]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    check(lines[0].removeprefix("error: "), starts, key)
    return lines[0]


# --- every test runs under a memory and a time limit (conftest.robustness_limits) ----------------

def test_in_process_tests_run_under_a_memory_limit(robustness_limits):
    import resource
    import signal

    if robustness_limits is None:
        pytest.skip("no /proc/self/statm: the address space cannot be measured here")
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == robustness_limits
    assert robustness_limits <= address_space() + BUDGET
    with pytest.raises(MemoryError):
        bytearray(BUDGET + (256 << 20))  # over the budget: refused at once, nothing touched
    assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # the time limit's alarm is set


# --- 5. memory and time are bounded before they are spent -----------------------------------------

ALIAS_CASES = {  # id: (config file text, --set values, the file the message starts with)
    "value": (f"{bomb()}\nname: *bomb8\n", [], "c.yaml"),
    "unknown key": (f"{bomb()}\n", [], "c.yaml"),
    "nested": (f"x: {{a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}\n{bomb(7)}\n"
               "model: {width: *bomb7}\n", [], "c.yaml"),
    "--set": ("name: ok\n", ["name=" + "{" + bomb().replace("\n", ", ") + "}"], "--set name"),
    "self": ("a: &a [1, *a]\n", [], "c.yaml"),
}


@pytest.mark.parametrize("case", list(ALIAS_CASES))
def test_yaml_alias_bombs_are_one_error_line(tmp_path, case):
    text, overrides, starts = ALIAS_CASES[case]
    (tmp_path / "c.yaml").write_text(text)
    with memory_limit(1 << 30):
        result = cli("run", "c.yaml", *(a for o in overrides for a in ("--set", o)), cwd=tmp_path)
    assert "alias" in one_error_line(result, starts)
    assert not (tmp_path / "results").exists()


def test_alias_bombs_in_experiment_files_are_one_error_line(tmp_path):
    (tmp_path / "e.yaml").write_text(f"base: {ROOT / 'configs/base.yaml'}\n{bomb()}\n"
                                     "grid: {model.depth: *bomb8}\n")
    with memory_limit(1 << 30):
        result = cli("sweep", "e.yaml", "--out", "out", cwd=tmp_path)
    assert "alias" in one_error_line(result, "e.yaml")
    assert not (tmp_path / "out").exists()


def test_config_files_that_are_not_files_are_one_error_line(tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "big.yaml").write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    for path, words in (("/dev/zero", "not a regular file"), ("fifo.yaml", "not a regular file"),
                        ("loop.yaml", "symbolic links"), ("big.yaml", "more than a config")):
        with memory_limit(1 << 30):
            result = cli("run", path, cwd=tmp_path)
        assert words in one_error_line(result, path)
    (tmp_path / "e.yaml").write_text("base: /dev/zero\ngrid: {model.depth: [1]}\n")
    os.mkfifo(tmp_path / "fifo_e.yaml")
    with memory_limit(1 << 30):
        result = cli("sweep", "fifo_e.yaml", cwd=tmp_path)
    assert "not a regular file" in one_error_line(result, "fifo_e.yaml")


def test_a_model_that_cannot_fit_in_memory_is_refused_before_it_is_built(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**TINY, "model": {"depth": 200,
                                                                       "width": 100000}}))
    result = cli("run", "c.yaml", cwd=tmp_path)
    line = one_error_line(result, "c.yaml", "model.width")
    assert "TB of memory" in line and "parameters" in line and "available" in line
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("depth, override", [
    (2, "model.initializer={name: constant, value: 1.0e+30}"),  # the loss at initialisation
    (200, "model.width=100000"),  # the memory estimate
])
def test_a_problem_found_after_validation_names_the_set_that_caused_it(tmp_path, depth,
                                                                        override):
    """Problems found once the data is read or the model built blame the `--set` behind them,
    not the config file (which did not set the key)."""
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**TINY, "model": {"depth": depth}}))
    result = cli("run", "c.yaml", "--set", override, cwd=tmp_path)
    key = override.partition("=")[0]
    assert one_error_line(result, f"--set {key}").startswith(f"error: --set {key}: ")
    assert not (tmp_path / "results").exists()


def test_memory_estimate_names_the_key_that_costs_most():
    from harness.config.file import load_config
    from harness.config.memory import estimate

    cfg = load_config({**TINY, "train": {"batch_size": 1_000_000}})[0]
    parts = estimate(cfg, 784, 10, 1_000_000, 10)
    assert max(parts.values())[1] == "train.batch_size"
    parts = estimate(load_config(TINY)[0], 784, 10, 1_000_000, 250_000)
    assert max(parts.values())[1] == "data.n_samples"


@pytest.mark.parametrize("n, batch", [(160, 32), (160, 1), (60_000, 32), (1_000_000, 1_000_000),
                                      (10_000_000, 1_000_000)])
def test_the_estimate_counts_the_epoch_orders_the_loop_draws_at_once(n, batch):
    from harness.config.file import load_config
    from harness.config.memory import estimate
    from harness.training.loop import ORDERS_PER_CALL, epochs_per_call

    chunk = epochs_per_call(-(-n // batch), n)
    assert chunk * n <= max(ORDERS_PER_CALL, n)  # a million examples: not 500 epochs at once
    cfg = load_config({**TINY, "train": {"batch_size": batch}})[0]
    assert estimate(cfg, 2, 1, n, 10)["epoch orders"][2] == f"{chunk} epochs x {n} examples"


def test_a_chunk_of_epoch_orders_takes_no_more_memory_than_its_table():
    import tracemalloc

    from harness.training.orders import EpochOrders

    orders = EpochOrders(100_000, 0)
    tracemalloc.start()
    try:
        table = orders.next(50)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.dtype == np.int32 and table.shape == (50, 100_000)
    assert peak < table.nbytes + 4 * 100_000 * 8  # the table and a permutation or two, not 5x


@pytest.mark.parametrize("seed", [0, 1, 7, 2**31 - 1])
def test_epoch_orders_drawn_per_chunk_are_the_numbers_of_the_whole_table(seed):
    from harness.training.orders import EpochOrders

    rng = np.random.default_rng([seed, 1])  # the table as it was drawn all at once
    whole = np.stack([rng.permutation(57) for _ in range(11)]).astype(np.int32)
    orders = EpochOrders(57, seed)
    chunks = np.concatenate([orders.next(k) for k in (1, 3, 0, 4, 3)])
    assert chunks.dtype == np.int32 and (chunks == whole).all()


def test_a_gzip_member_that_decompresses_past_its_header_is_refused_without_reading_it(tmp_path):
    header = struct.pack(">IIII", 2051, 60, 28, 28)
    zeros = gzip.compress(b"\0" * (64 << 20), compresslevel=1)
    with open(tmp_path / "bomb.gz", "wb") as f:  # gzip members concatenate: 64 MB x 24 = 1.5 GB
        f.write(gzip.compress(header + b"\0" * 60 * 784))
        for _ in range(24):
            f.write(zeros)
    from harness.data.images import read_idx
    from harness.errors import DataError

    with memory_limit(1 << 30), pytest.raises(DataError) as error:
        read_idx(tmp_path / "bomb.gz")
    assert "holds more than the 47056 bytes its header promises" in str(error.value)


def test_a_sweep_of_too_many_runs_asks_for_max_runs(tmp_path):
    (tmp_path / "e.yaml").write_text(yaml.safe_dump({
        "base": str(ROOT / "configs/base.yaml"), "seeds": list(range(10)),
        "grid": {"model.depth": list(range(1, 41)), "model.width": list(range(1, 41))}}))
    result = cli("sweep", "e.yaml", "--out", "out", cwd=tmp_path)
    line = one_error_line(result, "e.yaml")
    assert "16000 runs (40 model.depth x 40 model.width x 10 seeds)" in line
    assert "--max-runs 16000" in line and not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", [0, -5])
def test_max_runs_below_one_is_one_error_line(tmp_path, value):
    from harness.errors import ConfigError
    from harness.sweeps.experiment import load_experiment

    (tmp_path / "e.yaml").write_text(yaml.safe_dump({
        "base": str(ROOT / "configs/base.yaml"), "grid": {"model.depth": [1, 2]}}))
    with pytest.raises(ConfigError, match=rf"^--max-runs {value}: expected a whole number >= 1"):
        load_experiment(tmp_path / "e.yaml", max_runs=value)


# --- 7. every promised error is one line ----------------------------------------------------------

def test_out_on_a_read_only_or_full_disk_is_one_error_line(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**TINY, "train": {"epochs": 1}}))
    with tmpfs(tmp_path / "ro", readonly=True):
        result = cli("run", "c.yaml", "--out", "ro/run", cwd=tmp_path)
        assert "Read-only file system" in one_error_line(result, "--out ro/run")
    with tmpfs(tmp_path / "full", size="1m") as full:
        fill(full)
        result = cli("run", "c.yaml", "--out", "full/run", cwd=tmp_path)
        assert "full" in one_error_line(result, "--out full/run")
        assert not (full / "run").exists()


@pytest.mark.parametrize("command", [["sweep", "e.yaml", "--out"], ["compare", "run", "--out"],
                                     ["activations", "relu", "--out"],
                                     ["tensorboard", "run", "--logdir"]])
def test_every_out_that_is_empty_a_file_or_read_only_is_one_error_line(tmp_path, tiny_run,
                                                                      command):
    (tmp_path / "run").symlink_to(tiny_run)
    (tmp_path / "e.yaml").write_text(yaml.safe_dump({
        "base": str(ROOT / "configs/base.yaml"), "grid": {"model.depth": [1, 2]}}))
    (tmp_path / "afile").write_text("mine")
    flag = command[-1]
    for out, words in (("", f"{flag}: empty; give a folder"),
                       ("afile", f"{flag} afile: is a file, not a folder")):
        result = cli(*command, out, cwd=tmp_path)
        assert words in one_error_line(result, flag)
    assert (tmp_path / "afile").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "e.yaml", "run"]
    with tmpfs(tmp_path / "ro", readonly=True):
        result = cli(*command, "ro/x", cwd=tmp_path)
        assert "Read-only file system" in one_error_line(result, f"{flag} ro/x")


@pytest.mark.slow
def test_a_disk_that_fills_during_the_run_fails_it_in_one_line(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**TINY, "train": {"epochs": 3000,
                                                                       "batch_size": 200}}))
    with tmpfs(tmp_path / "small", size="4m") as small:
        fill(small)
        os.truncate(small / "filler", (small / "filler").stat().st_size - (1200 << 10))
        result = cli("run", "c.yaml", "--out", "small/run", "--verbose", "0", cwd=tmp_path)
        line = one_error_line(result, "small/run/")
        assert "No space left on device" in line
        status = yaml.safe_load((small / "run" / "summary.json").read_text()
                                ) if (small / "run" / "summary.json").exists() else None
        assert status is None or status["status"] == "failed"


USER_MODULES = {
    "raises": "raise RuntimeError('broken on import')\ndef f(x):\n    return x\n",
    "exits": "import sys\nsys.exit(3)\ndef f(x):\n    return x\n",
}


@pytest.mark.parametrize("case", list(USER_MODULES))
def test_a_user_activation_module_that_fails_on_import_is_one_error_line(tmp_path, monkeypatch,
                                                                         case):
    (tmp_path / f"acts_{case}.py").write_text(USER_MODULES[case])
    (tmp_path / "c.yaml").write_text(f"model: {{activation: 'acts_{case}:f'}}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, f"acts_{case}", raising=False)
    with memory_limit(1 << 30):
        result = cli("run", "c.yaml", cwd=tmp_path)
    line = one_error_line(result, "c.yaml", "model.activation")
    assert f"importing 'acts_{case}'" in line
    assert ("RuntimeError: broken on import" if case == "raises" else "SystemExit: 3") in line


@pytest.mark.parametrize("initializer, words", [
    ("{name: random_normal, stddev: -1}", "'stddev' must be 0 or more"),
    ("{name: truncated_normal, stddev: -0.1}", "'stddev' must be 0 or more"),
    ("{name: random_uniform, minval: 1, maxval: -1}", "minval (1) is above maxval (-1)"),
    ("{name: random_uniform, minval: 0.5}", "minval (0.5) is above maxval (0.05)"),
])
def test_initializer_parameters_that_make_no_sense_are_one_error_line(tmp_path, initializer,
                                                                       words):
    (tmp_path / "c.yaml").write_text(f"model: {{initializer: {initializer}}}\n")
    with memory_limit(1 << 30):
        result = cli("run", "c.yaml", cwd=tmp_path)
    assert words in one_error_line(result, "c.yaml", "model.initializer")


def test_equal_initial_weights_still_get_their_update_ratio_figure():
    """`{name: random_uniform, minval: 1, maxval: 1}` is allowed: std(W) = 0 makes the update
    ratio infinite, which the report once failed to draw (OverflowError)."""
    import pandas as pd

    from harness.report.run.distributions import plot_update_ratio

    layers = pd.DataFrame({"epoch": [1, 1, 2, 2], "layer": ["hidden_1", "hidden_2"] * 2,
                           "metric": "update_ratio", "value": [np.inf, 0.1, np.inf, 0.2]})
    figure = plot_update_ratio(layers)
    assert figure.axes[0].get_ylim() == (1e-3, 1.0)


def test_a_loss_that_is_nan_at_initialisation_blames_the_initialisation(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**TINY, "model": {"depth": 2, "width": 4, "initializer": {"name": "constant",
                                                                   "value": 1e30}}}))
    result = cli("run", "c.yaml", cwd=tmp_path)
    line = one_error_line(result, "c.yaml", "model.initializer")
    assert "at initialisation" in line and "not train.learning_rate" in line
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("value", ["1e300", "inf", "-inf"])
def test_csv_values_beyond_float32_blame_the_data_not_the_initialisation(tmp_path, value):
    rng = np.random.default_rng(0)
    lines = ["a,b,label", *(f"{a},{b},{int(a > 0)}" for a, b in rng.normal(size=(100, 2)))]
    lines[5] = f"{value},1.0,1"
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**TINY, "data": {"name": "csv", "path": "d.csv", "target": "label"}}))
    result = cli("run", "c.yaml", cwd=tmp_path)
    line = one_error_line(result, "d.csv")
    assert f"column 'a': {float(value):g} on line 6 is beyond float32's range" in line
    assert "initiali" not in line and not (tmp_path / "results").exists()


def test_inputs_that_overflow_when_scaled_blame_the_data_not_the_initialisation(tmp_path):
    lines = ["a,b,label", *(f"{i / 100},1.0,{i % 2}" for i in range(100))]
    lines[5] = lines[6] = "3e38,1.0,1"  # within float32, but their sum is not: the mean is inf
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**TINY, "data": {"name": "csv", "path": "d.csv", "target": "label"}}))
    result = cli("run", "c.yaml", cwd=tmp_path)
    line = one_error_line(result, "c.yaml")
    assert "data: the model's inputs hold NaN or infinite values" in line
    assert "initiali" not in line and not (tmp_path / "results").exists()


@pytest.mark.slow
def test_data_path_for_generated_data_is_a_warning(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**TINY, "data": {"name": "circles", "n_samples": 200, "path": "~/data/mnist"},
         "train": {"epochs": 1}}))
    result = cli("run", "c.yaml", "--verbose", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == ["warning: data.path: ignored: circles is generated, not read from files; "
                        "remove data.path (it is for mnist, fashion_mnist and csv)"]
    assert Path(tmp_path / "results").is_dir()
