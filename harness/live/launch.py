"""Starting the live page beside a run or a sweep (`harness run --live`, `sweep --live`).

The page server runs in a process of its own (`python -m harness watch`), so that it never shares
the GIL or memory with training and loads no TensorFlow; it reads the folder the run writes. When
the run ends the server is given a moment to send the page its last news and `end`, then stopped:
the page stays open and says the run has ended.
"""

import select
import subprocess
import sys
import time
from pathlib import Path

from harness.errors import HarnessError

START_TIMEOUT_S = 30.0  # the server prints its address in well under a second; a loaded CI is slow
END_GRACE_S = 1.5  # time for an open page to receive the run's end


def check_installed() -> None:
    """Raises a one-line `HarnessError` when the `live` extra (Starlette, uvicorn) is missing."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise HarnessError(f"the live page needs the `live` extra ({e.name} is not installed); "
                           "install it with: pip install -e '.[live]'") from None


class Page:
    """A page server serving `folder` in a child process.

    Args:
        folder: the run or sweep folder (it may not exist yet).
        kind: `run` or `sweep`.
    """

    def __init__(self, folder: str | Path, kind: str = "run"):
        command = [sys.executable, "-m", "harness", "watch", str(folder), "--kind", kind]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.address = self._read_address()

    def _read_address(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("live page: "):
                    return line.split(": ", 1)[1].strip()
                if not line:
                    break
        self.stop(grace=0)
        raise HarnessError("the live page server did not start; try `python -m harness watch "
                           "DIR` to see why")

    def stop(self, grace: float = END_GRACE_S) -> None:
        """Lets an open page receive the end (`grace` seconds), then stops the server."""
        if self.process.poll() is None:
            time.sleep(grace)
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
