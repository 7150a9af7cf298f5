"""A watchdog that takes a sweep's local Ray cluster down with the sweep, even after `kill -9`.

`ray.init()` without an address starts the cluster's daemons as children of the driver and ties
the direct ones to it (Linux `PR_SET_PDEATHSIG`): killed with the driver, they die too. The
raylet's own children do not: its `ray::DashboardAgent` and `ray::RuntimeEnvAgent` (~180 MB) notice
the raylet is gone, then try to report it to the GCS, which is gone as well, and wait ~60 s for it
(measured: 65 s after a `kill -9` of the sweep, parent 1 meanwhile). Ray has no option that stops
them sooner short of shortening every GCS timeout, the driver's too.

So once the cluster is up, the driver starts this small process with the list of the cluster's
processes (its own descendants then) and a pipe it never writes to. When the driver ends, by any
means, the pipe closes; the watchdog then ends the processes of the list still running (SIGTERM,
then SIGKILL 2 s later). A process is named by its pid and its start time, so a pid the system has
meanwhile given to another process is left alone. Linux only (`/proc`); elsewhere Ray's own reaper
process does this job.

Run as `python -m harness.sweeps.ray_watchdog PID:START...`.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_S = 2.0


def started(pid: int) -> str | None:
    """The start time of process `pid` (clock ticks since boot, `/proc/PID/stat`); None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the name (field 2) may hold spaces


def descendants(pid: int) -> list[int]:
    """The processes below `pid` (children, theirs, ...), from `/proc`."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def is_ray(pid: int) -> bool:
    """Whether process `pid` is one of Ray's (a `ray::` worker or agent, or a program of Ray's)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return command.startswith(b"ray::") or b"/ray/" in command


def watch() -> subprocess.Popen | None:
    """Starts a watchdog over this process's descendants (the local cluster just started).

    Returns:
        The watchdog (close its stdin to let it clean up now), or None where `/proc` is missing.
    """
    if not Path("/proc/self/stat").exists():
        return None
    names = [f"{pid}:{start}" for pid in descendants(os.getpid())
             if is_ray(pid) and (start := started(pid)) is not None]
    return subprocess.Popen([sys.executable, "-m", "harness.sweeps.ray_watchdog", *names],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def end(names: list[str]) -> None:
    """Ends the processes named `PID:START` that still run (SIGTERM, then SIGKILL)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = [int(pid) for pid, start in (name.split(":") for name in names)
                 if started(int(pid)) == start]
        for pid in alive:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if not alive:
            return
        time.sleep(GRACE_S if sig == signal.SIGTERM else 0)


def main(names: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    sys.stdin.buffer.read()  # returns when the driver's end of the pipe closes
    end(names)


if __name__ == "__main__":
    main(sys.argv[1:])
