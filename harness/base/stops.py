"""Stopping cleanly: Ctrl-C, SIGTERM and SIGHUP all take the path of a KeyboardInterrupt.

The CLI makes SIGTERM and SIGHUP raise `Stopped` (a KeyboardInterrupt), so that a run or a sweep
writes its status and exits the same way whatever stopped it. Two holds keep a stop from landing
where it would do harm: `deferred_interrupt` around files written as a set, `sticky_stops` around
code whose finalizers would otherwise swallow it.
"""

import signal
import sys
import threading
from contextlib import contextmanager

# Every way a process is asked to stop that Python can catch: Ctrl-C, `kill`, a closed terminal.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every stop takes the same path.

    Args:
        signum: the signal's number (the CLI exits with 128 + signum).
    """

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_stopped(signum, frame):
    """A signal handler: SIGINT raises KeyboardInterrupt, SIGTERM and SIGHUP `Stopped`."""
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped(signum)


def handle_stop_signals() -> dict:
    """Makes SIGTERM and SIGHUP stop the process as Ctrl-C does (the CLI calls this).

    Returns:
        signal -> the handler it had, to restore.
    """
    return {signum: signal.signal(signum, raise_stopped) for signum in STOP_SIGNALS
            if signum != signal.SIGINT}


# Stop requests whose exception a finalizer swallowed (see `sticky_stops`), oldest first.
_SWALLOWED: list[int] = []


@contextmanager
def sticky_stops():
    """Keeps a stop request that a finalizer swallowed, for `raise_swallowed_stop` to raise.

    Python drops an exception raised while a finalizer runs (`__del__`, a weakref callback): it
    prints "Exception ignored in ..." with a traceback and goes on. Freeing TensorFlow's objects
    runs many finalizers, so a Ctrl-C, SIGTERM or SIGHUP landing in one would be lost and the run
    would train on. Inside this block such a stop is remembered quietly instead; training checks
    for it after each chunk of epochs it writes, and a sweep between runs.
    """
    hook = sys.unraisablehook

    def unraisable(info):
        if isinstance(info.exc_value, KeyboardInterrupt):
            _SWALLOWED.append(getattr(info.exc_value, "signum", signal.SIGINT))
        else:
            hook(info)

    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        sys.unraisablehook = hook


def raise_swallowed_stop() -> None:
    """Raises the stop request a finalizer swallowed inside `sticky_stops`, if there was one."""
    if _SWALLOWED:
        signum = _SWALLOWED[0]
        _SWALLOWED.clear()
        raise_stopped(signum, None)


@contextmanager
def deferred_interrupt():
    """Holds Ctrl-C, SIGTERM and SIGHUP back until the block ends, then raises the first of them.

    For files written as a set (`history.csv` and `layers.csv` describe the same epochs): this
    keeps a stop request from landing between (or inside) their writes. Outside the main thread,
    where Python cannot install signal handlers, it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = {signum: signal.signal(signum, lambda *args: caught.append(args))
                for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signum, frame = caught[0]
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)  # what the signal would have done without the hold
