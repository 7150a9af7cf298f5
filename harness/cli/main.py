"""`python -m harness ...` and the `harness` console script: parse, run the command, exit.

The arguments are declared in `harness.cli.parser`, what each command does is in
`harness.cli.commands`; here is what every command shares. Bad input prints one line,
`error: <where>: <what>; <fix>`, and exits with code 2; Ctrl-C exits with 130 after marking the
current run `interrupted`; a closed pipe (`| head`) stops no run.
"""

import os
import signal
import sys

from harness.base.stops import Stopped, handle_stop_signals, raise_swallowed_stop, sticky_stops
from harness.cli.parser import parser
from harness.errors import HarnessError, disk_fix


class PipeSafe:
    """Standard output or error that, once its reader has gone (`harness run ... | head`), drops
    what is written instead of raising `BrokenPipeError` into the training loop."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        try:
            return self.stream.write(text)
        except (BrokenPipeError, ValueError):
            self._drop()
            return len(text)

    def flush(self):
        try:
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            self._drop()

    def _drop(self):
        # Point the file descriptor at /dev/null too, so that the flush at exit stays quiet.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name):
        return getattr(self.stream, name)


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    previous = handle_stop_signals()
    # `run ... | head` (and `2>&1 | head`, where the progress lines go too) must not stop it
    stdout, sys.stdout = sys.stdout, PipeSafe(sys.stdout)
    stderr, sys.stderr = sys.stderr, PipeSafe(sys.stderr)
    try:
        with sticky_stops():
            code = _main(args)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    sys.exit(code)


def _report_language(args) -> None:
    """`--lang` holds for everything the command starts: it becomes `HARNESS_LANG`, which the
    report reads (`harness.report.lang.setting`) in this process and in a sweep's workers and
    report helper; a wrong `HARNESS_LANG` is refused here, before anything is trained."""
    if not hasattr(args, "lang"):  # a command that draws no report
        return
    from harness.report.lang.setting import ENV, current

    if args.lang:
        os.environ[ENV] = args.lang
    current()


def _main(args) -> int:
    try:
        _report_language(args)
        code = args.func(args)
        raise_swallowed_stop()  # asked to stop while a finalizer ran, after the last check
        return code
    except HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Stopped as e:
        print(f"interrupted ({signal.Signals(e.signum).name})", file=sys.stderr)
        return 128 + e.signum
    except KeyboardInterrupt as e:
        print(f"interrupted ({e})" if str(e) else "interrupted", file=sys.stderr)  # control.json
        return 130
    except OSError as e:
        fix = disk_fix(e)
        if fix is None:
            raise
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror}; {fix}", file=sys.stderr)
        return 2
    except Exception as e:
        from harness.config.memory import limits, out_of_memory

        if not out_of_memory(e):
            raise
        what = (str(e).strip().splitlines() or [type(e).__name__])[0][:160]
        room = limits()
        tightest = f"; memory is tightest {room[0][1]}" if room else ""
        print(f"error: out of memory ({type(e).__name__}: {what}{tightest}); use a smaller "
              "model.width, train.batch_size or data.n_samples (the run folder, if one was "
              "made, says failed)", file=sys.stderr)
        return 2
