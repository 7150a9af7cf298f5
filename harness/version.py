"""The harness's version: one place, read by `pyproject.toml` and written into every `meta.json`.

Its own module, importing nothing, so that `harness.base.backend` can name it without importing the
package's `__init__` (which reaches the runner, the sweeps and the reports).
"""

__version__ = "0.1.0"
