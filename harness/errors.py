"""Errors the harness reports to the user as one line, without a traceback."""


class HarnessError(Exception):
    """A problem the user can fix; its message says where and how.

    The CLI prints `error: <message>` and exits with code 2.
    """


class ConfigError(HarnessError):
    """A config file, an `extends` chain or a `--set` override is invalid."""


class DataError(HarnessError):
    """A dataset cannot be found, read or generated."""
