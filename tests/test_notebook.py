"""The lesson notebook runs top to bottom (nbclient), and runs and sweeps display themselves."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples/activations_lesson.ipynb"


@pytest.mark.slow  # a kernel process that loads TensorFlow and trains three runs and a sweep
def test_the_lesson_notebook_executes_and_shows_runs_and_the_sweep_as_html():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel inherits this process' environment (PYTHONPATH, KERAS_HOME).
    NotebookClient(nb, timeout=300, startup_timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    runs = [h for h in html if h.startswith("<div><h4>Run ")]
    assert len(runs) == 2 and all("vanishing ratio at init" in h for h in runs)
    assert all(h.count('<img src="data:image/png;base64,') == 2 for h in runs)
    sweep = [h for h in html if h.startswith("<div><h4>Sweep lesson_sweep.yaml: 4 runs")]
    assert len(sweep) == 1 and "vanishing ratio init gmean" in sweep[0]  # as the page
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the explorer's figure
