"""Errors the harness reports to the user as one line, without a traceback."""


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
