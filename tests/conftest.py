import os
from pathlib import Path

import pytest
from limits import memory_limit, time_limit  # noqa: F401 - time_limit is a fixture
from tiny import TINY, experiment

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


RESULTS = Path(__file__).resolve().parents[1] / "results"  # the commands' default --out


@pytest.fixture(scope="session", autouse=True)
def checkout_left_as_it_was():
    """No test writes into the checkout's results/ (a command without `--out` or `out=` does):
    every test writes under its tmp_path."""
    before = set(RESULTS.iterdir())
    yield
    new = sorted(str(p.relative_to(RESULTS.parent)) for p in set(RESULTS.iterdir()) - before)
    assert not new, f"a test wrote {new} into the checkout; give it an --out under tmp_path"


@pytest.fixture(autouse=True)
def robustness_limits(request):
    """Every test of the test_robustness_* files runs under a memory and a time limit
    (`limits.memory_limit`, `limits.time_limit`), so that a regression fails fast instead of
    taking the machine down."""
    if not request.node.path.name.startswith("test_robustness_"):
        yield None
        return
    request.getfixturevalue("time_limit")
    with memory_limit() as cap:
        yield cap


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The folder of a run of `tiny.TINY` (2 epochs, no report), trained once per test process.

    Tests read it as it is; one that changes it copies it first (`shutil.copytree`).
    """
    import harness

    out = tmp_path_factory.mktemp("tiny") / "run"
    harness.run(TINY, out=out, verbose=0, report=False)
    return out


@pytest.fixture(scope="session")
def tiny_sweep(tmp_path_factory):
    """A sweep of the tiny settings over activation [sigmoid, relu] x depth [2] x seeds [0, 1],
    every run with its report, swept once per test process through the public API.

    Returns:
        (experiment file, sweep folder, runs, summary); copy the folder before changing it.
    """
    import harness

    folder = tmp_path_factory.mktemp("sweep")
    path = experiment(folder, {"model.activation": ["sigmoid", "relu"], "model.depth": [2]},
                      seeds=[0, 1], name="tiny")
    runs, summary = harness.sweep(path, out=folder / "out", run_reports=True)
    return path, folder / "out", runs, summary
