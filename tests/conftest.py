import os

import pytest
from limits import memory_limit, time_limit  # noqa: F401 - time_limit is a fixture

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
