#!/usr/bin/env bash
# Side by side: Kolmo's grid Fokker–Planck steps — 1-D implicit Euler and Crank–Nicolson (2^16
# cells), Douglas ADI in 2-D (512²) and 3-D (128³), the pseudo-spectral ETDRK4 step (2^16, 512²)
# — against the STREAM-like triad measured in the same run, and the 1-D implicit Euler step
# against SciPy's pre-factorised sparse LU on the same problem. A step's time is
# (T_long − T_short) / (steps_long − steps_short) of two runs that include the same set-up;
# its bandwidth counts only the bytes the step must move (derived in pde_benchmark.cpp). The
# 1-D set and the ADI/spectral set run as two processes, each beside its own triads, since the
# machine's bandwidth drifts over the minutes the whole takes.
# Usage: benchmarks/peers/compare_fokker_planck.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" scipy 'BM_StreamTriad|BM_FokkerPlanck1d/65536'
grids="$(mktemp)"
trap 'rm -f "$json" "$grids"' EXIT
"$bench" --benchmark_filter='BM_StreamTriad|BM_FokkerPlanckAdi|BM_SpectralStep' --benchmark_format=json \
  --benchmark_out="$grids" --benchmark_out_format=json >/dev/null
scipy_line="$(/usr/bin/python3 "$root/benchmarks/peers/scipy_implicit_euler.py" 65536 1000 3)"
echo "$scipy_line"
/usr/bin/python3 - "$json" "$grids" "$scipy_line" <<'PY'
import json, re, sys
scipy_rate = float(re.search(r"cell_steps_per_second=(\S+)", sys.argv[3]).group(1))
seconds = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

def load(path):
    """The runs of one report: medians of the repeated benchmarks, by name without decorations."""
    runs = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type") == "iteration" or b.get("aggregate_name") == "median":
            runs[re.sub(r"/(repeats:\d+|real_time)", "", b.get("run_name", b["name"]))] = b
    return runs

def triads(runs, label):
    found = [(size, runs[f"BM_StreamTriad/{n}"]["bytes_per_second"])
             for size, n in (("3 MB", 1 << 17), ("48 MB", 1 << 21), ("400 MB", 1 << 24))]
    print(f"triads beside the {label}: " + ", ".join(f"{size} {rate / 1e9:.1f} GB/s" for size, rate in found))
    return found

def step(runs, triad, label, short_name, long_name, scipy=False):
    short, long = runs[short_name], runs[long_name]
    unit = seconds[long["time_unit"]]
    step_s = (long["real_time"] - short["real_time"]) * unit / (long["steps"] - short["steps"])
    per_cell = step_s / long["cells"]
    bandwidth = long["bytes_per_cell_step"] / per_cell
    setup = short["real_time"] * unit - short["steps"] * step_s
    ratios = ", ".join(f"{rate / bandwidth:.1f}x below the {size} triad" for size, rate in triad)
    line = (f"kolmo {label:24s} {per_cell * 1e9:6.2f} ns/cell-step, {bandwidth / 1e9:5.1f} GB/s of must-move bytes "
            f"({long['bytes_per_cell_step']:.0f} B/cell) = {ratios}; set-up {setup * 1e3:.0f} ms")
    if scipy:
        line += f"; {1 / (scipy_rate * per_cell):.2f}x SciPy"
    print(line)

one_d = load(sys.argv[1])
triad = triads(one_d, "1-D runs")
step(one_d, triad, "1-D implicit Euler", "BM_FokkerPlanck1d/65536/0/1", "BM_FokkerPlanck1d/65536/0/2001", scipy=True)
step(one_d, triad, "1-D Crank-Nicolson", "BM_FokkerPlanck1d/65536/1/1", "BM_FokkerPlanck1d/65536/1/2001")
grids = load(sys.argv[2])
triad = triads(grids, "ADI and spectral runs")
step(grids, triad, "2-D ADI (512^2)", "BM_FokkerPlanckAdi/512/2/1", "BM_FokkerPlanckAdi/512/2/201")
step(grids, triad, "3-D ADI (128^3)", "BM_FokkerPlanckAdi/128/3/1", "BM_FokkerPlanckAdi/128/3/41")
step(grids, triad, "1-D spectral (2^16)", "BM_SpectralStep/65536/1/1", "BM_SpectralStep/65536/1/101")
step(grids, triad, "2-D spectral (512^2)", "BM_SpectralStep/512/2/1", "BM_SpectralStep/512/2/41")
print(f"scipy implicit Euler (splu.solve):  {1e9 / scipy_rate:6.2f} ns/cell-step")
PY
