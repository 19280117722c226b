#!/usr/bin/env bash
# Side by side: Kolmo's 1-D Fokker–Planck step (implicit Euler and Crank–Nicolson, 2^16 cells)
# against SciPy's pre-factorised sparse LU on the same problem, and against the STREAM-like
# triad measured in the same run. Prints each throughput and the ratios the grid issue asks for.
# Usage: benchmarks/peers/compare_fokker_planck.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" scipy 'BM_FokkerPlanck1d/65536|BM_StreamTriad'
scipy_line="$(/usr/bin/python3 "$root/benchmarks/peers/scipy_implicit_euler.py" 65536 1000 3)"
echo "$scipy_line"
/usr/bin/python3 - "$json" "$scipy_line" <<'PY'
import json, re, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
scipy_rate = float(re.search(r"cell_steps_per_second=(\S+)", sys.argv[2]).group(1))
def run(prefix):
    return next(b for n, b in runs.items() if n.startswith(prefix))
triad_cache = run("BM_StreamTriad/131072")["bytes_per_second"]
triad_memory = run("BM_StreamTriad/16777216")["bytes_per_second"]
print(f"triad, 3 MB working set:           {triad_cache / 1e9:.1f} GB/s")
print(f"triad, main memory:                {triad_memory / 1e9:.1f} GB/s")
for scheme, label in ((0, "implicit Euler"), (1, "Crank-Nicolson")):
    b = run(f"BM_FokkerPlanck1d/65536/{scheme}")
    rate, bandwidth = b["items_per_second"], b["bytes_per_second"]
    line = (f"kolmo {label:15s} {1e9 / rate:.2f} ns/cell-step, {rate:.3g} cell-steps/s, "
            f"{bandwidth / 1e9:.1f} GB/s of must-move bytes = {triad_cache / bandwidth:.1f}x below the 3 MB triad, "
            f"{triad_memory / bandwidth:.1f}x below the main-memory triad")
    if scheme == 0:
        line += f"; {rate / scipy_rate:.2f}x SciPy"
    print(line)
print(f"scipy implicit Euler (splu.solve): {1e9 / scipy_rate:.2f} ns/cell-step, {scipy_rate:.3g} cell-steps/s")
PY
