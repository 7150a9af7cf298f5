"""Which language the report draws in: English unless `--lang ko`, `HARNESS_LANG=ko` or `lang=`.

The language is a setting of the report only: the training path never reads it. A command line
`--lang` sets `HARNESS_LANG` for the command (`harness.cli.main`), so that every process a command
starts (a sweep's workers, its report helper) draws in the same language; a page builder's `lang=`
holds for the page it builds (`using`).

    with using("ko"):           # every page and figure drawn inside is Korean
        build_report(run_dir)
"""

import os
from contextlib import contextmanager
from contextvars import ContextVar

from harness.errors import HarnessError

LANGUAGES = ("en", "ko")
ENV = "HARNESS_LANG"  # the setting for a shell, a notebook (`%env HARNESS_LANG=ko`) or CI
_chosen: ContextVar[str | None] = ContextVar("harness_report_lang", default=None)


def checked(lang: str, where: str = "--lang") -> str:
    """`lang` when it is one of `LANGUAGES`; otherwise a `HarnessError` naming `where`."""
    if lang not in LANGUAGES:
        raise HarnessError(f"{where}: unknown language {lang!r}; choose one of "
                           f"{', '.join(LANGUAGES)} (e.g. {ENV}=ko)")
    return lang


def current() -> str:
    """The language in force: the innermost `using`, else `HARNESS_LANG`, else English."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    value = os.environ.get(ENV, "").strip()
    return checked(value, ENV) if value else "en"


@contextmanager
def using(lang: str | None):
    """Draws everything inside in `lang` (`None`: the setting, `current()`, fixed for the block).

    Yields:
        The language in force inside the block.
    """
    token = _chosen.set(checked(lang) if lang is not None else current())
    try:
        yield _chosen.get()
    finally:
        _chosen.reset(token)
