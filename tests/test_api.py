"""The Python API does what the README says, as the commands do (issue 18): `harness.compare`
writes the command's report, and a `Run` prints as one line in a plain REPL."""


from fake_runs import make_run

import harness


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
