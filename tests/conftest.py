import os

import pytest
from limits import memory_limit, time_limit  # noqa: F401 - time_limit is a fixture
from tiny import TINY

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


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
