"""Bad configs through the CLI: exit code 2, one `error:` line, no traceback, no run folder."""

import pytest
from commands import cli
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


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_bad_config_is_one_error_line_exit_2_and_no_run_folder(tmp_path, case):
    text, overrides, starts, key, close = CLI_CASES[case]
    (tmp_path / "c.yaml").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = cli("run", "c.yaml", *(a for o in overrides for a in ("--set", o)), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    check(lines[0].removeprefix("error: "), starts, key, close)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # no results/, no PWNED
