"""Errors the harness reports to the user as one line, without a traceback."""

import errno


class HarnessError(Exception):
    """A problem the user can fix; its message says where and how.

    The CLI prints `error: <message>` and exits with code 2. Characters that would break the line
    (a newline in a key or a file name the message quotes) are shown escaped, as `\\n`.
    """

    def __init__(self, message: str = "", *args):
        if isinstance(message, str) and not message.isprintable():
            message = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                              for c in message)
        super().__init__(message, *args)


class ConfigError(HarnessError):
    """A config file, an `extends` chain or a `--set` override is invalid."""


class DataError(HarnessError):
    """A dataset cannot be found, read or generated."""


# A write the system refused for want of room or rights: errno -> the way out, for one line.
_DISK_FIXES = {
    errno.ENOSPC: "the disk is full: free some space or give --out on another disk",
    errno.EDQUOT: "over your disk quota: free some space or give --out on another disk",
    errno.EROFS: "the disk is read-only: give --out on a writable disk",
    errno.EACCES: "check the permissions of the folder and its files, or give another --out",
    errno.EPERM: ("not permitted: check the permissions of the folder and its files (and their "
                  "`lsattr` flags), or give another --out"),
}


def disk_fix(error: BaseException) -> str | None:
    """The way out of a write the disk refused, for the one `error:` line that reports it.

    Args:
        error: any exception.

    Returns:
        What to do (free space, raise the file-size limit, check permissions...), or None when
        `error` is not such an `OSError`.
    """
    if not isinstance(error, OSError):
        return None
    if error.errno == errno.EFBIG:  # `ulimit -f`: the shell's limit, not the disk
        import resource

        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        now = "" if limit == resource.RLIM_INFINITY else f", now {limit // 1024} KB"
        return (f"a file reached this shell's file-size limit (`ulimit -f`{now}); raise it "
                "(`ulimit -f unlimited`) and run the command again")
    return _DISK_FIXES.get(error.errno)
