#!/usr/bin/env python3
"""Executes Kolmo's notebooks with nbclient and writes the executed copies and their figures.

    execute.py [--fast] [--out DIR] [--timeout SECONDS] NOTEBOOK.ipynb ...

Each notebook must be stored without outputs (git keeps sources only); it runs top to bottom in a
fresh kernel of this interpreter (Debian's python3, which sees numpy and matplotlib), with
KOLMO_NOTEBOOK_FAST=1 under --fast (the sizes CI affords, stated in each notebook). The executed
copy goes to DIR/NAME.ipynb and every PNG figure to DIR/NAME-figN.png. A cell that raises — every
notebook ends in a check that can fail — makes the exit status 1 and prints the cell's error.
"""

import argparse
import base64
import json
import os
import pathlib
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def stored_outputs(notebook):
    """Code cells that carry outputs or execution counts: the source must be clean."""
    return [i for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def kernel_spec_dir():
    """A kernel spec that runs this interpreter, so the kernel sees the same packages."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="kolmo-kernel-"))
    spec = root / "kernels" / "kolmo-python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Kolmo)", "language": "python"}))
    return root


def write_figures(notebook, out, stem):
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                count += 1
                (out / f"{stem}-fig{count}.png").write_bytes(base64.b64decode(data["image/png"]))
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("notebooks-executed"))
    parser.add_argument("--fast", action="store_true", help="set KOLMO_NOTEBOOK_FAST=1 (CI sizes)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["JUPYTER_PATH"] = str(kernel_spec_dir()) + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    os.environ["KOLMO_NOTEBOOK_FAST"] = "1" if args.fast else "0"
    # The kernel runs in the output folder: make the module's search path independent of it.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(pathlib.Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    failed = 0
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        dirty = stored_outputs(notebook)
        if dirty:
            print(f"{path}: cells {dirty} carry stored outputs; clear them before committing "
                  "(jupyter nbconvert --clear-output --inplace)", file=sys.stderr)
            failed += 1
            continue
        start = time.monotonic()
        client = NotebookClient(notebook, kernel_name="kolmo-python3", timeout=args.timeout,
                                resources={"metadata": {"path": str(args.out)}})
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as error:
            status = "FAILED"
            failed += 1
            print(f"{path}: a cell failed\n{error}", file=sys.stderr)
        nbformat.write(notebook, args.out / path.name)
        figures = write_figures(notebook, args.out, path.stem)
        print(f"{path.name}: {status} in {time.monotonic() - start:.1f} s, {figures} figures -> {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
