"""Running tests and the CLI under a memory and a time limit, so that a regression fails fast
instead of taking the machine down; small tmpfs mounts for full and read-only disks (root only)."""

import contextlib
import os
import resource
import signal
import subprocess
import uuid
from pathlib import Path

import pytest

MEMORY = 3 << 30  # address space: TensorFlow needs ~2 GB of it for a tiny run


def limited(memory: int = MEMORY):
    """A `preexec_fn` capping the child's address space at `memory` bytes."""
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "2m", readonly: bool = False):
    """A small tmpfs mounted at `path` (skips the test unless root may mount)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if readonly else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options,
                              f"harness-{uuid.uuid4().hex[:6]}", str(path)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> None:
    """Fills the disk holding `folder` to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for block in (65536, 1):
            try:
                while os.write(fd, b"\0" * block):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)


BUDGET = 3 << 30  # address space an in-process test may add to what the test process holds


def address_space() -> int:
    """Bytes of address space this process holds now (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


@contextlib.contextmanager
def memory_limit(budget: int = BUDGET):
    """Caps this process' address space at what it holds now plus `budget` bytes, for the block.

    Only the soft limit is lowered, so it can be put back afterwards. Processes started inside
    the block inherit the cap (each on its own: a CLI child, a sweep's worker, as `limited` does
    for the CLI); a test under a tighter cap of its own keeps that one. A local Ray cluster does
    not start under it (its raylet maps more address space): Ray tests live outside the
    test_robustness_* files.

    Yields:
        The cap in bytes, or None where the address space cannot be read (not Linux).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    held = address_space()
    if not held:
        yield None
        return
    cap = min(v for v in (held + budget, soft, hard) if v != resource.RLIM_INFINITY)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield cap
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def time_limit():
    """Fails an in-process test that runs longer than its limit (SIGALRM)."""
    def expire(signum, frame):
        raise TimeoutError("test took too long")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(300)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
