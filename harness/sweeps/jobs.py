"""`--jobs`: how many runs a sweep trains at a time on this machine."""

import os

from harness.errors import HarnessError


def available_cores() -> int:
    """The cores this process may run on (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def parse_jobs(value) -> int:
    """`--jobs`: a whole number >= 1, or `auto` (the available cores)."""
    if value in (None, "auto"):
        return available_cores() if value == "auto" else 1
    try:
        jobs = int(value)
    except (TypeError, ValueError):
        jobs = 0
    if isinstance(value, bool) or jobs < 1 or str(jobs) != str(value).strip():
        raise HarnessError(f"--jobs {value}: expected a whole number >= 1 or `auto` "
                           f"(the {available_cores()} cores here)")
    return jobs
