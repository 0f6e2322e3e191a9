"""Running the notebooks headless in tests (nbclient, a kernel on this interpreter).

Used by ``tests/test_notebooks.py`` (the notebooks run top to bottom) and by
the output guard (``tests/adversarial/test_adv_output_guard.py``: the
notebooks run on a study full of planted personal data).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "altena-qca-test"


def write_kernel_spec(root: Path) -> Path:
    """A kernel spec ``KERNEL`` under ``root/kernels`` running this interpreter, the checkout importable.

    Point ``JUPYTER_PATH`` at ``root`` to use it.
    """
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "altena-qca (test)", "language": "python",
        "env": {"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}}))
    return root


def run_notebook(path: Path, cwd: Path, *, before: str | None = None, after: str | None = None):
    """Execute the notebook at ``path`` in ``cwd``; return the executed notebook.

    ``before`` and ``after`` are code cells run first and last (set-up and a
    check of what the notebook did); the stored notebook is not changed.
    Raises nbclient's ``CellExecutionError`` on the first failing cell.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if before is not None:
        nb.cells.insert(0, nbformat.v4.new_code_cell(before))
    if after is not None:
        nb.cells.append(nbformat.v4.new_code_cell(after))
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb
