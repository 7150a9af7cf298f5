"""Issue 19: no command overwrites a user's files, tables cut short are caught, memory limits,
`expect:` that can never be met, and user activations that exit: each one `error:` line.

Each test is a case of the issue and fails without its fix (its docstring says what happened
before). Runs are tiny (depth 2, width 4, one epoch) and in-process where a subprocess adds
nothing; the data side is in `test_trust_data.py`.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from trust_cases import SMALL, cli, csv_config, one_line, ring_csv

# --- 2. one folder rule: no command writes into a folder it did not make -------------------------

@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    import harness

    out = tmp_path_factory.mktemp("finished") / "run"
    harness.run(SMALL, out=out, verbose=0)  # with its report.html
    return out


def users_folder(path: Path) -> Path:
    """A folder of the user's own files, named as the harness names its files."""
    path.mkdir(parents=True)
    for name in ("report.html", "runs.csv", "compare.csv", "activations.csv"):
        (path / name).write_text(f"the user's {name}\n")
    return path


def untouched(path: Path) -> bool:
    return all((path / n).read_text() == f"the user's {n}\n"
               for n in ("report.html", "runs.csv", "compare.csv", "activations.csv"))


def one_error(code: int, err: str, where: str) -> bool:
    lines = err.strip().splitlines()
    return code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {where}") and (
        "--force" in lines[0])


def test_compare_refuses_a_users_folder_and_a_run_folder(finished, tmp_path, capsys):
    """Before: compare --out replaced the user's report.html and compare.csv, and a run's report."""
    user = users_folder(tmp_path / "u")
    code, _, err = cli(["compare", finished, finished, "--out", user], capsys)
    assert one_error(code, err, f"--out {user}: "), err
    assert untouched(user)
    report = (finished / "report.html").read_bytes()
    code, _, err = cli(["compare", finished, finished, "--out", finished], capsys)
    assert one_error(code, err, f"--out {finished}: ") and "run folder" in err, err
    assert (finished / "report.html").read_bytes() == report
    # A comparison's own folder is rewritten freely; --force writes beside the user's files.
    for _ in range(2):
        assert cli(["compare", finished, "--out", tmp_path / "cmp"], capsys)[0] == 0
    assert cli(["compare", finished, "--out", user, "--force"], capsys)[0] == 0
    assert (user / "runs.csv").read_text() == "the user's runs.csv\n"


def test_activations_and_tensorboard_refuse_a_users_folder(finished, tmp_path, capsys):
    """Before: activations --out replaced activations.csv; tensorboard --logdir wrote into it."""
    user = users_folder(tmp_path / "u")
    code, _, err = cli(["activations", "relu", "--out", user], capsys)
    assert one_error(code, err, f"--out {user}: "), err
    assert untouched(user) and not (user / "activations.png").exists()
    pytest.importorskip("tensorboard")
    code, _, err = cli(["tensorboard", finished, "--logdir", user], capsys)
    assert one_error(code, err, f"--logdir {user}: "), err
    assert sorted(p.name for p in user.iterdir()) == sorted(
        ["report.html", "runs.csv", "compare.csv", "activations.csv"])
    for _ in range(2):  # its own folders, again and again
        assert cli(["activations", "relu", "--out", tmp_path / "act"], capsys)[0] == 0
        assert cli(["tensorboard", finished, "--logdir", tmp_path / "tb"], capsys)[0] == 0


def test_sweep_refuses_a_users_folder(tmp_path, capsys, monkeypatch):
    """Before: sweep --out replaced the user's runs.csv and report.html after training."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(SMALL))
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump({
        "base": "base.yaml", "grid": {"model.activation": ["relu"]}}))
    user = users_folder(tmp_path / "u")
    code, _, err = cli(["sweep", "exp.yaml", "--out", user], capsys)
    assert one_error(code, err, f"--out {user}: "), err
    assert untouched(user) and not any(p.is_dir() for p in user.iterdir())


def test_only_the_marker_makes_a_folder_the_harness_s(tmp_path):
    """Issue 29 item 3: a folder was a run folder by any meta.json, a sweep's by a runs.csv and a
    sub-folder's meta.json; now only the harness's marker says so."""
    from harness.base.owned import check_ours, kinds_of, mark_ours
    from harness.errors import HarnessError

    sweep = tmp_path / "sweep"
    (sweep / "a=1__seed=0").mkdir(parents=True)
    (sweep / "a=1__seed=0" / "meta.json").write_text("{}")
    (sweep / "runs.csv").write_text("x\n")
    assert kinds_of(sweep) == set() and kinds_of(sweep / "a=1__seed=0") == set()
    with pytest.raises(HarnessError, match="--force"):
        check_ours(sweep, "sweep")
    mark_ours(sweep, "sweep")
    assert kinds_of(sweep) == {"sweep"} and check_ours(sweep, "sweep") == sweep
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / ".lock").write_text("")
    assert check_ours(hidden, "compare") == hidden  # nothing but hidden files: empty


# --- 10. the memory estimate counts ulimit -v and cgroup limits; an OOM is one line ---------------

def test_the_estimate_counts_the_address_space_limit(tmp_path):
    """Before: under ulimit -v 6000000, width 20000 passed and died in TensorFlow's allocator."""
    from commands import harness

    (tmp_path / "small.yaml").write_text(yaml.safe_dump(SMALL))
    result = harness("run", "small.yaml", "--set", "model.width=20000", cwd=tmp_path,
                     timeout=120, memory=6_000_000 * 1024)
    assert one_line(result.returncode, result.stderr, "--set model.width: this run needs "), \
        result.stderr
    assert "the address-space limit (ulimit -v 6000000" in result.stderr
    assert not (tmp_path / "results").exists()


def test_the_estimate_counts_a_cgroup_memory_limit(tmp_path):
    from harness.config.memory import cgroup_room

    own = tmp_path / "cgroup"
    own.write_text("0::/box/inner\n")
    inner = tmp_path / "fs" / "box" / "inner"
    inner.mkdir(parents=True)
    (inner / "memory.max").write_text("max\n")
    (inner / "memory.current").write_text("100\n")
    box = inner.parent
    (box / "memory.max").write_text(f"{4 << 30}\n")  # a parent's limit binds its children
    (box / "memory.current").write_text(f"{3 << 30}\n")
    (box / "memory.stat").write_text(f"anon 5\ninactive_file {1 << 30}\n")
    assert cgroup_room(tmp_path / "fs", own) == (4 << 30, 2 << 30)  # page cache not counted
    own.write_text("4:memory:/\n0::/\n")  # cgroup v1, no limit: 2^63 rounded to a page
    (tmp_path / "fs" / "memory").mkdir()
    (tmp_path / "fs" / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")
    (tmp_path / "fs" / "memory" / "memory.usage_in_bytes").write_text("7038976000\n")
    assert cgroup_room(tmp_path / "fs", own) is None
    (tmp_path / "fs" / "memory" / "memory.limit_in_bytes").write_text(f"{8 << 30}\n")
    assert cgroup_room(tmp_path / "fs", own) == (8 << 30, 7038976000)


def test_an_out_of_memory_error_from_tensorflow_is_one_line(capsys):
    """Before: a ResourceExhaustedError traceback."""
    from harness.base import backend
    from harness.cli.main import _main
    from harness.cli.parser import parser

    backend.load()
    import tensorflow as tf

    def allocate(args):
        # What `tf.zeros((1 << 42,))` (16 TB) raises, after its allocator has retried for ~10 s
        raise tf.errors.ResourceExhaustedError(
            None, None, "OOM when allocating tensor with shape[4398046511104] and type float on "
            "/job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu")

    args = parser().parse_args(["run", "x.yaml"])
    args.func = allocate
    assert _main(args) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("error: out of memory (ResourceExhaustedError: ") and len(
        line.splitlines()) == 1, line
    assert "use a smaller model.width" in line


# --- 12. tables cut short after the run are caught against summary.json --------------------------

def cut_header(text: str) -> str:
    return text[:text.index("\n") + 1]


def cut_mid_line(text: str) -> str:
    first = text.index("\n") + 1
    return text[:first + (text.index("\n", first) - first) // 2]


@pytest.mark.parametrize("name, cut", [("history.csv", cut_header),
                                       ("history.csv", cut_mid_line),
                                       ("histograms.csv", cut_mid_line),
                                       ("layers.csv", cut_header)])
def test_report_says_a_table_is_cut_short(finished, tmp_path, capsys, name, cut):
    """Before: exit 0 and "history.csv has no rows" while summary.json says epochs_run: 1."""
    import shutil

    folder = tmp_path / "run"
    shutil.copytree(finished, folder)
    (folder / name).write_text(cut((folder / name).read_text()))
    code, _, err = cli(["report", folder], capsys)
    assert one_line(code, err, f"{folder / name}: cut short"), err


def test_a_sweep_retrains_a_run_whose_history_was_cut_short(tmp_path, monkeypatch):
    """Before: "complete already, skipped"."""
    from harness.sweeps.execute import run_sweep

    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(SMALL))
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump({
        "base": "base.yaml", "grid": {"model.activation": ["relu"]}}))
    assert run_sweep("exp.yaml", out="out", log=None).trained == 1
    history = tmp_path / "out" / "activation=relu__seed=0" / "history.csv"
    history.write_text(cut_header(history.read_text()))
    again = run_sweep("exp.yaml", out="out", log=None)
    assert again.trained == 1 and len(pd.read_csv(history)) == 1


# --- 13. expect: refuses at validation what it can never meet ------------------------------------

@pytest.mark.parametrize("block, words", [
    ({"test_accuracy": "≥ 0.1"}, "'≥ 0.1' is not a condition"),
    ({"test_accuracy": "high"}, "'high' is not a condition"),
    ({"test_accuracy": ">= 0.9x"}, "'0.9x' is not a number"),
    ({"test_accuracy": True}, "True is not a number"),
    ({"status": ">= 1"}, "status: '>= 1' is never measured; status is completed or diverged"),
    ({"status": "done"}, "status: 'done' is never measured"),
    ({"learned": "yes"}, "learned: 'yes' is never measured; learned is true or false"),
    ({"test_mae": "<= 0.1"}, "test_mae: measured on regression data only, and this is binary "
                             "data, so it is never met; expect test_accuracy instead"),
])
def test_an_expectation_that_can_never_be_met_is_refused(block, words):
    """Before: each validated, the run trained, then NOT MET."""
    from harness.config.file import load_config
    from harness.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        load_config({**SMALL, "expect": block})
    assert words in str(error.value) and "\n" not in str(error.value)


def test_expectations_that_can_be_met_still_validate():
    from harness.config.expect import parse_run
    from harness.config.file import load_config

    load_config({**SMALL, "expect": {"test_accuracy": [">= 0.5", "< 1"], "status": "completed",
                                     "learned": True, "epochs_run": 1}})
    assert parse_run({"status": "!= failed"})[0].met_by("completed")
    assert parse_run({"test_loss": "0.5"})[0].value == 0.5
    regression = {**SMALL, "data": {"name": "sine", "n_samples": 120},
                  "model": {"depth": 2, "width": 4, "head": "identity"}, "train": {"loss": "mse"}}
    load_config({**regression, "expect": {"test_mae": "<= 0.5"}})


def test_a_csv_expectation_of_the_other_task_is_refused_before_training(tmp_path, capsys):
    ring_csv(tmp_path / "data.csv")
    config = csv_config(tmp_path)
    text = yaml.safe_load(config.read_text())
    config.write_text(yaml.safe_dump({**text, "expect": {"test_rmse": "<= 0.3"}}))
    code, _, err = cli(["run", config, "--set", f"data.path={tmp_path / 'data.csv'}",
                        "--out", tmp_path / "run"], capsys)
    assert one_line(code, err, f"{config}: expect: test_rmse: measured on regression"), err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("expect, seeds, words", [
    ("{test_accuracy_std: '< 0.1'}", "[0]", "test_accuracy_std: a spread over seeds, but the "
                                            "experiment runs one seed"),
    ("[{where: {model.activation: relu}, test_rmse_mean: '< 1'}]", "[0, 1]",
     "test_rmse_mean: measured on regression data only, and this is binary data"),
])
def test_an_experiment_expectation_that_can_never_be_met_is_refused(tmp_path, expect, seeds,
                                                                    words):
    """Before: `test_accuracy_std` with one seed was always "missing ... NOT MET"."""
    from harness.errors import ConfigError
    from harness.sweeps.experiment import load_experiment

    (tmp_path / "base.yaml").write_text(yaml.safe_dump(SMALL))
    path = tmp_path / "exp.yaml"
    path.write_text(f"base: base.yaml\ngrid: {{model.activation: [relu, tanh]}}\n"
                    f"seeds: {seeds}\nexpect: {expect}\n")
    with pytest.raises(ConfigError, match="expect: " + words):
        load_experiment(path)


# --- 14. a user activation that raises a BaseException or calls sys.exit: one line ---------------

USER_ACTIVATIONS = {
    "trust_boom": "class Boom(BaseException):\n    pass\n\n\nraise Boom('on import')\n",
    "trust_quits": "import sys\n\n\ndef f(z):\n    sys.exit(3)\n",
}


@pytest.mark.parametrize("module, words", [
    ("trust_boom", "importing 'trust_boom' for activation 'trust_boom:f' failed (Boom: on "
                   "import)"),
    ("trust_quits", "activation 'trust_quits:f' fails on a tensor (SystemExit: 3)")])
def test_a_user_activation_that_raises_a_base_exception_is_one_error_line(
        tmp_path, capsys, monkeypatch, module, words):
    """Before: a traceback (BaseException on import), or exit 3 and no message (SystemExit)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / f"{module}.py").write_text(USER_ACTIVATIONS[module])
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**SMALL, "model": {"depth": 1, "width": 4, "activation": f"{module}:f"}}))
    code, _, err = cli(["run", "c.yaml"], capsys)
    assert one_line(code, err, "c.yaml: model.activation: ") and words in err, err
    code, _, err = cli(["activations", f"{module}:f", "--out", tmp_path / "a"], capsys)
    assert one_line(code, err, "activations: ") and words in err, err
