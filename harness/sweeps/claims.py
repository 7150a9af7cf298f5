"""A sweep's hold on one run folder: is the run complete, and may this sweep train it now?

Every executor trains a point only after `claim_run` has locked its folder (so two sweeps into one
folder train each run once) and cleared an earlier attempt's files; the claim is released once
the run's files are in place. `is_complete` decides what a sweep skips and what its tables trust.
"""

from contextlib import ExitStack
from pathlib import Path

from harness.data.datasets import sources_now
from harness.errors import HarnessError
from harness.rundir.folders import lock_folder, open_run_folder
from harness.rundir.run import is_finished, load_run, same_data

# The note of a run another process held when this sweep reached it: true until that process ends.
BUSY = ("another sweep is training it (same folder); rerun this sweep when it is done to "
        "collect it")


def is_complete(run_dir: Path, point, run=None) -> bool:
    """Completed, whole, and with the config this experiment asks for now.

    A changed experiment file, a changed data file (`harness.rundir.run.same_data`) or a damaged
    folder makes the run train again.

    Args:
        run_dir: the run's folder.
        point: the experiment's `Point` for it.
        run: the folder's `Run`, when it was read already.
    """
    if not is_finished(run_dir):
        return False
    try:
        saved = (run or load_run(run_dir)).read_all().config  # a damaged table: train it again
    except HarnessError:  # damaged: not finished, rerun it
        return False
    return saved == point.config.model_dump(mode="json") and same_data(
        run_dir, sources_now(point.config.data))


def check_inputs(exp) -> None:
    """Refuses a sweep whose data is missing now, before any run folder is touched.

    A csv file briefly gone (or replaced by a folder, a pipe) must not turn a resume into a
    sweep that clears its completed runs and marks them failed.

    Raises:
        DataError: a file or folder a point's config reads is not there, naming it.
    """
    seen = set()
    for point in exp.points:
        key = repr(point.config.data)
        if key not in seen:
            seen.add(key)
            sources_now(point.config.data)


def claim_run(run_dir: Path, point, errors: dict) -> tuple[ExitStack | None, str | None]:
    """Locks a run's folder for this process and starts a new attempt at it.

    The folder is locked with `harness.rundir.folders.lock_folder`, then an earlier attempt's
    files are cleared (`open_run_folder`): if the new attempt fails before it writes its run
    folder (data, model), the old summary and tables must not speak for it.

    Args:
        run_dir: the run's folder.
        point: the experiment's `Point` for it.
        errors: folder name -> error line; a run that another process holds is noted there.

    Returns:
        (an `ExitStack` holding the lock, to close once the run's files are in place, None), or
        (None, why the run is skipped: another process holds the folder, it completed
        meanwhile, its data is missing now, or an earlier file cannot be removed).
    """
    claim = ExitStack()
    if not claim.enter_context(lock_folder(run_dir)):
        claim.close()
        errors[point.folder] = BUSY
        return None, "another sweep is training it"
    try:
        if is_complete(run_dir, point):
            claim.close()
            return None, "completed meanwhile"
        open_run_folder(run_dir)
    except HarnessError as e:  # its data went missing, or an old file will not go: left as is
        claim.close()
        errors[point.folder] = str(e)
        return None, str(e)
    except BaseException:  # a stop (or a disk error) while starting: release the folder
        claim.close()
        raise
    return claim, None
