"""Starting the CLI from a test: in this process, or as a real process where that is the point.

`cli` calls `harness.cli.main.main` here, with its output captured and its exit code caught: no
Python start-up and no second TensorFlow (~5-10 s a run on 2 cores), so it is the default.
`harness` and `start` run `python -m harness` as a user does, under a memory limit; use them where
the process itself is what is tested: signals, pipes, the exit code of the real interpreter, what
a fresh process imports or prints while TensorFlow loads.
"""

import contextlib
import io
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from limits import MEMORY, limited


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    """`harness ARGS` in this process, run from `cwd`; returns its exit code and output.

    Example:
        >>> result = cli("run", "c.yaml", "--verbose", "0", cwd=tmp_path)
        >>> result.returncode, result.stdout, result.stderr
    """
    from harness.cli.main import main

    args = [str(arg) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    with (contextlib.chdir(cwd or "."), contextlib.redirect_stdout(out),
          contextlib.redirect_stderr(err)):
        try:
            main(args)
            code = 0
        except SystemExit as stop:
            code = stop.code or 0
    return subprocess.CompletedProcess(["harness", *args], code, out.getvalue(), err.getvalue())


def start(*args, cwd, memory: int = MEMORY, **kwargs) -> subprocess.Popen:
    """`python -m harness ARGS` in `cwd` under a memory limit, text output on pipes."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("text", True)
    return subprocess.Popen([sys.executable, "-m", "harness", *map(str, args)], cwd=cwd,
                            preexec_fn=limited(memory), **kwargs)


def harness(*args, cwd, timeout: float = 300, memory: int = MEMORY, **kwargs):
    """Runs `python -m harness ARGS` to its end (killed after `timeout` seconds)."""
    proc = start(*args, cwd=cwd, memory=memory, **kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def python(code: str, cwd=None, timeout: float = 120, memory: int = 1 << 30, **kwargs):
    """Runs `python -c CODE` in a fresh interpreter under a memory limit (what does it import?)."""
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limited(memory), **kwargs)


def wait_for(condition, timeout: float = 120, every: float = 0.01):
    """Polls `condition()` until it returns something true, and returns that."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


def rows(path: Path) -> int:
    """Rows in a CSV file a running process writes (0 while it is missing or empty)."""
    try:
        return len(pd.read_csv(path))
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return 0
