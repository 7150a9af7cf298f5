"""Wall clock and peak memory of one command, read so that the bench's own memory does not count.

Why a launcher: on Linux a child's `ru_maxrss` is not its own peak. At `execve` the kernel keeps the
high-water mark of the memory the process had before the exec (`signal->maxrss`); a child started by
`subprocess` (`vfork`) thus starts from its parent's high-water mark, and one started by `fork` from
its parent's resident set at the fork. The bench process has run TensorFlow in-process (P1, P2), so
every command it started read the bench's ~2 GB, whatever the command did. Here each command is
started by a fresh `python -c` launcher of ~10 MB, which times the command and reads its `wait4`
rusage; the floor a command inherits is the launcher's few MB.

Two figures come back:
  peak_mb       `ru_maxrss` of the command: the high-water mark of its largest process (the
                kernel takes the maximum over the command and the children it waited for, not
                the sum), exact, never missed between samples.
  tree_peak_mb  (with `tree=True`) the peak over time of the resident memory of all the command's
                processes together, sampled every 50 ms with psutil, and at least `peak_mb`. A
                page shared by several processes (TensorFlow's libraries, ~300 MB) counts once
                per process, so for several TensorFlow processes it overstates what the machine
                spends; it does not depend on what else runs on the machine, unlike PSS.

Example:

    m = measure([sys.executable, "-c", "import numpy; a = numpy.ones(10**8)"])
    m.peak_mb  # ~800
"""

import shlex
import subprocess
import sys
import tempfile
import threading
from typing import NamedTuple

# Runs the command with stdout to /dev/null and prints "<wall s> <ru_maxrss KiB> <exit code>".
# posix_spawnp rather than subprocess keeps the launcher (and so the inherited floor) small.
_LAUNCHER = """\
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
SAMPLE_S = 0.05


class Measured(NamedTuple):
    wall_s: float  # from the command's start to its exit, launcher start-up excluded
    peak_mb: float  # high-water mark of the command's largest process (MiB)
    tree_peak_mb: float | None  # peak of the sum over the command's processes (MiB), or None
    code: int  # exit code; negative: killed by that signal


def measure(args, cwd=None, tree: bool = False) -> Measured:
    """Runs `args` through the launcher and measures it.

    Args:
        args: the command, as for `subprocess.Popen`.
        cwd: its working directory.
        tree: also sample the memory of the command's whole process tree (needs psutil); off
            where only the wall clock matters, as sampling costs a little CPU.

    Returns:
        A `Measured`. When the command fails, the end of its stderr is shown on ours.
    """
    with tempfile.TemporaryFile() as err:
        launcher = subprocess.Popen([sys.executable, "-c", _LAUNCHER, *args], cwd=cwd,
                                    stdout=subprocess.PIPE, stderr=err, text=True)
        peak, done = [0], threading.Event()
        sampler = threading.Thread(target=_sample_tree, args=(launcher.pid, peak, done),
                                   daemon=True) if tree else None
        if sampler:
            sampler.start()
        out, _ = launcher.communicate()
        done.set()
        if sampler:
            sampler.join()
        if launcher.returncode != 0:
            raise RuntimeError(f"the launcher failed for {args}: {_tail(err)}")
        wall, maxrss_kib, code = out.split()
        if int(code) != 0:
            print(f"{shlex.join(map(str, args))[:200]}: exit {code}\n{_tail(err)}".rstrip(),
                  file=sys.stderr)
    peak_mb = int(maxrss_kib) / 1024
    return Measured(float(wall), peak_mb, max(peak[0] / 2**20, peak_mb) if tree else None,
                    int(code))


def _sample_tree(launcher_pid: int, peak: list, done: threading.Event) -> None:
    """Keeps in `peak[0]` the largest sum of RSS (bytes) over the launcher's descendants."""
    import psutil

    try:
        launcher = psutil.Process(launcher_pid)
    except psutil.Error:
        return
    while not done.is_set():
        total = 0
        try:
            processes = launcher.children(recursive=True)  # the launcher itself is left out
        except psutil.Error:
            return
        for p in processes:
            try:
                total += p.memory_info().rss
            except psutil.Error:  # exited between the listing and the reading
                pass
        peak[0] = max(peak[0], total)
        done.wait(SAMPLE_S)


def _tail(err, lines: int = 5) -> str:
    err.seek(0)
    return "\n".join(err.read().decode(errors="replace").splitlines()[-lines:])
