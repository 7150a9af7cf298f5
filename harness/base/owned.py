"""The one folder rule: which folders and files are the harness's own, and how to remove them.

A command writes only into a folder it made, or one the user gave it with `--force`. The proof is
the folder's marker, `.harness`, and nothing else (a user's `meta.json` or `runs.csv` is not a run
or a sweep): JSON holding the kinds of folder it is (`KINDS`) and the names of the files and
folders the harness wrote in it, in the order first written:

    {"kinds": ["run"], "files": ["meta.json", "config.yaml", "history.csv", ..., "summary.json"]}

Every atomic write (`harness.base.files.write_bytes`) into a marked folder notes its file's name in
the marker before the file exists (`note_written`), in whatever process writes it, so a run killed
mid-way leaves a marker that names every file it wrote. `clear_ours` and `remove_ours` are the
only ways the harness deletes results, and they delete nothing the marker does not name: files a
user keeps in a folder (before or after a `--force`) survive every rerun.
"""

import glob
import os
import stat
from pathlib import Path

from harness.base.files import (
    LOCK,
    MARKER,
    check_folder,
    note_written,
    read_marker,
    remove_temporary,
    write_marker,
)
from harness.errors import HarnessError


def kinds_of(path: str | os.PathLike) -> set[str]:
    """The kinds of harness folder (`KINDS`) that `path` is, by its marker alone."""
    marker = read_marker(path)
    return set(marker["kinds"]) if marker else set()


def check_markers(path: Path, flag: str = "--out") -> None:
    """Refuses a folder whose `.harness` or `.lock` is not a plain file (a folder, a pipe)."""
    for name in (MARKER, LOCK):
        try:
            mode = os.lstat(path / name).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):
            raise HarnessError(f"{flag} {path}: {name} is not a file (the harness keeps its "
                               f"marker and lock there); remove {path / name}, or give another "
                               f"{flag}")


def check_ours(path: str | os.PathLike, kind: str, flag: str = "--out", force: bool = False,
               example: str = "results/x") -> Path:
    """`check_folder`, and the one folder rule: `path` must be new, empty or a `kind` folder.

    Every command that writes a folder calls this before it computes anything, and `mark_ours`
    when it creates the folder, so that it never overwrites a user's files (a `report.html`, a
    `runs.csv`) nor another command's (`compare --out` into a run folder would replace its report).

    Args:
        path: the folder (it need not exist yet).
        kind: the command's kind of folder, a `KINDS` name.
        flag: the option that gave it, for the message.
        force: write into it anyway (its files stay, except those of the same names).
        example: a folder to suggest.

    Returns:
        `path` as a Path.

    Raises:
        HarnessError: `path` cannot be written (`check_folder`), its marker or lock is a folder,
            or it holds files that are not a `kind` folder's and `force` is not set.
    """
    path = check_folder(path, flag, example)
    if not path.is_dir():
        return path
    check_markers(path, flag)
    if force or kind in kinds_of(path):
        return path
    names = sorted(p.name for p in path.iterdir() if not p.name.startswith("."))
    if not names:
        return path
    other = sorted(kinds_of(path))
    what = (f"is a harness {' and '.join(other)} folder, not a {kind} folder" if other else
            f"holds files that no harness {kind} wrote ({', '.join(names[:3])}"
            f"{', ...' if len(names) > 3 else ''})")
    raise HarnessError(f"{flag} {path}: the folder {what}, which the {kind} could overwrite; "
                       "give a new or empty folder, or add --force to write into it anyway")


def mark_ours(path: str | os.PathLike, kind: str, only: bool = False) -> Path:
    """Creates the folder `path` if needed and marks it as a `kind` folder (`check_ours`).

    A folder the harness creates is noted in its parent's marker too (when the parent is
    marked), so that clearing the parent can remove it once it is empty.

    Args:
        path: the folder.
        kind: a `KINDS` name.
        only: the folder is now a `kind` folder and nothing else (a rerun that cleared it):
            the marker says what is there now, not what was.
    """
    path = Path(path)
    if not path.is_dir():
        note_written(path)
        path.mkdir(parents=True, exist_ok=True)
    marker = read_marker(path) or {"kinds": [], "files": []}
    kinds = [kind] if only else [*marker["kinds"], kind]
    if set(kinds) != set(marker["kinds"]) or not (path / MARKER).is_file():
        write_marker(path, kinds, marker["files"])
    return path


def remove_ours(path: str | os.PathLike, names, what: str = "an earlier result") -> list[str]:
    """Removes the files `names` of folder `path` that its marker records as the harness's.

    The one function that deletes results (with `clear_ours`): a name the marker does not
    record is never touched, whatever it is called. A recorded folder is cleared by its own
    marker and removed once empty. Files go in the reverse of the order they were first
    written, so the status file written last (`summary.json`) goes first: if one cannot be
    removed, no status claims what is no longer there.

    Args:
        path: the folder.
        names: the file names to remove, if the harness wrote them.
        what: what the files are, for the message.

    Returns:
        The names removed (or already gone).

    Raises:
        HarnessError: a file cannot be removed (permissions, an immutable file); the ones
            before it in the order are gone, and the marker says which are left.
    """
    path = Path(path)
    marker = read_marker(path)
    if marker is None:
        return []
    wanted = set(names)
    removed = []
    try:
        for name in reversed(marker["files"]):
            if name in wanted:
                _remove(path / name, what)
                removed.append(name)
    finally:
        if removed:
            left = [f for f in marker["files"] if f not in removed]
            write_marker(path, marker["kinds"], left)
    return removed


def clear_ours(path: str | os.PathLike, what: str = "an earlier result") -> list[str]:
    """Removes every file and folder the marker of `path` records (`remove_ours`), and the
    temporary files of those names that a write cut short by a kill left (`.<name>.*.tmp`)."""
    marker = read_marker(path)
    if not marker:
        return []
    for name in marker["files"]:
        for temporary in Path(path).glob(f".{glob.escape(name)}.*.tmp"):
            remove_temporary(temporary)
    return remove_ours(path, marker["files"], what)


def _remove(item: Path, what: str) -> None:
    try:
        if item.is_dir() and not item.is_symlink():
            if read_marker(item) is not None:
                clear_ours(item, what)
            if not any(p for p in item.iterdir() if p.name not in (MARKER, LOCK)):
                for name in (MARKER, LOCK):
                    (item / name).unlink(missing_ok=True)
                item.rmdir()
        else:
            item.unlink(missing_ok=True)
    except OSError as e:
        raise HarnessError(f"{item}: cannot remove this file of {what} ({e.strerror or e}); "
                           "the folder no longer holds a finished result (its status file is "
                           "removed first); make the file removable (chmod, chattr -i) or give "
                           "another folder") from None
