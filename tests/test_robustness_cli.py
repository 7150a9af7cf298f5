"""Bad configs through the real CLI: exit code 2, one `error:` line, no traceback, no run folder."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from config_messages import check  # tests/ is on sys.path

CLI_CASES = {  # id: (file text, --set overrides, message start, key, did you mean)
    "activation": ("model: {activation: rleu}", [], "c.yaml", "model.activation", True),
    "key typo": ("model: {widht: 3}", [], "c.yaml", "model.widht", True),
    "section typo": ("modle: {depth: 3}", [], "c.yaml", "modle", True),
    "negative depth": ("model: {depth: -1}", [], "c.yaml", "model.depth", False),
    "width list": ("model: {depth: 3, width: [8, 4]}", [], "c.yaml", "model.width", False),
    "head": ("data: {name: sine}", [], "c.yaml", "model.head", False),
    "loss": ("train: {loss: mse2}", [], "c.yaml", "train.loss", True),
    "yaml": ("model: [1, 2", [], "c.yaml", None, False),
    "list": ("- a\n- b\n", [], "c.yaml", None, False),
    "empty": ("", [], "c.yaml", None, False),
    "missing extends": ("extends: missing.yaml\n", [], "c.yaml", "extends", False),
    "cyclic extends": ("extends: c.yaml\n", [], "c.yaml", "extends", False),
    "nan": ("train: {learning_rate: .nan}", [], "c.yaml", "train.learning_rate", False),
    "1e308": ("train: {learning_rate: 1e308}", [], "c.yaml", "train.learning_rate", False),
    "10**40": ("seed: 10000000000000000000000000000000000000000", [], "c.yaml", "seed", False),
    "emoji": ("name: 🎉 run", [], "c.yaml", "name", False),
    "python tag": ("x: !!python/object/apply:os.system ['touch PWNED']", [], "c.yaml", None,
                   False),
    "not utf-8": (b"name: \xff\xfe\n", [], "c.yaml", None, False),
    "set type": ("name: ok\n", ["model.depth=three"], "--set model.depth", "model.depth", False),
    "set key typo": ("name: ok\n", ["model.activaton=relu"], "--set model.activaton",
                     "model.activaton", True),
    "set name": ("name: ok\n", ["name=../../x"], "--set name", "name", False),
    "initializer": ("model: {initializer: {name: random_normal, stdev: 0.1}}", [], "c.yaml",
                    "model.initializer", True),
}


def _cli(folder: Path, text, overrides):
    path = folder / "c.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    args = [a for o in overrides for a in ("--set", o)]
    return subprocess.run([sys.executable, "-m", "harness", "run", "c.yaml", *args], cwd=folder,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    """Runs every CLI case at once (each is a short Python start-up; TensorFlow never loads)."""
    folders = {case: tmp_path_factory.mktemp("cli") for case in CLI_CASES}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case: pool.submit(_cli, folders[case], *CLI_CASES[case][:2])
                   for case in CLI_CASES}
        return {case: (future.result(), folders[case]) for case, future in futures.items()}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_bad_config_is_one_error_line_exit_2_and_no_run_folder(cli_results, case):
    result, folder = cli_results[case]
    _, _, starts, key, close = CLI_CASES[case]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    check(lines[0].removeprefix("error: "), starts, key, close)
    assert not (folder / "results").exists()
    assert not (folder / "PWNED").exists()
