#!/usr/bin/env bash
# Side by side: Kolmo's grid Fokker–Planck steps — 1-D implicit Euler and Crank–Nicolson (2^16
# cells), Douglas ADI in 2-D (512²) and 3-D (128³), the pseudo-spectral ETDRK4 step (2^16, 512²)
# — against the STREAM-like triad measured in the same run, and the 1-D implicit Euler step
# against SciPy's pre-factorised sparse LU on the same problem. A step's time is
# (T_long − T_short) / (steps_long − steps_short) of two runs that include the same set-up;
# its bandwidth counts only the bytes the step must move (derived in pde_benchmark.cpp).
# Usage: benchmarks/peers/compare_fokker_planck.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" scipy \
  'BM_FokkerPlanck1d/65536|BM_FokkerPlanckAdi|BM_SpectralStep|BM_StreamTriad'
scipy_line="$(/usr/bin/python3 "$root/benchmarks/peers/scipy_implicit_euler.py" 65536 1000 3)"
echo "$scipy_line"
/usr/bin/python3 - "$json" "$scipy_line" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
# The solver runs are reported as aggregates of repetitions (their median), the triads as runs.
runs = [b for b in report["benchmarks"] if b.get("run_type") == "iteration" or b.get("aggregate_name") == "median"]
scipy_rate = float(re.search(r"cell_steps_per_second=(\S+)", sys.argv[2]).group(1))
seconds = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

def run(name):
    base = lambda b: re.sub(r"/(repeats:\d+|real_time)", "", b.get("run_name", b["name"]))
    return next(b for b in runs if base(b) == name)

triads = [(size, run(f"BM_StreamTriad/{n}")["bytes_per_second"])
          for size, n in (("3 MB", 1 << 17), ("48 MB", 1 << 21), ("400 MB", 1 << 24))]
for size, rate in triads:
    print(f"triad, {size:6s} working set: {rate / 1e9:6.1f} GB/s")

def step(label, short_name, long_name, scipy=False):
    short, long = run(short_name), run(long_name)
    unit = seconds[long["time_unit"]]
    step_s = (long["real_time"] - short["real_time"]) * unit / (long["steps"] - short["steps"])
    per_cell = step_s / long["cells"]
    bandwidth = long["bytes_per_cell_step"] / per_cell
    setup = short["real_time"] * unit - short["steps"] * step_s
    ratios = ", ".join(f"{rate / bandwidth:.1f}x below the {size} triad" for size, rate in triads)
    line = (f"kolmo {label:24s} {per_cell * 1e9:6.2f} ns/cell-step, {bandwidth / 1e9:5.1f} GB/s of must-move bytes "
            f"({long['bytes_per_cell_step']:.0f} B/cell) = {ratios}; set-up {setup * 1e3:.0f} ms")
    if scipy:
        line += f"; {1 / (scipy_rate * per_cell):.2f}x SciPy"
    print(line)

step("1-D implicit Euler", "BM_FokkerPlanck1d/65536/0/1", "BM_FokkerPlanck1d/65536/0/2001", scipy=True)
step("1-D Crank-Nicolson", "BM_FokkerPlanck1d/65536/1/1", "BM_FokkerPlanck1d/65536/1/2001")
step("2-D ADI (512^2)", "BM_FokkerPlanckAdi/512/2/1", "BM_FokkerPlanckAdi/512/2/41")
step("3-D ADI (128^3)", "BM_FokkerPlanckAdi/128/3/1", "BM_FokkerPlanckAdi/128/3/41")
step("1-D spectral (2^16)", "BM_SpectralStep/65536/1/1", "BM_SpectralStep/65536/1/101")
step("2-D spectral (512^2)", "BM_SpectralStep/512/2/1", "BM_SpectralStep/512/2/21")
print(f"scipy implicit Euler (splu.solve):  {1e9 / scipy_rate:6.2f} ns/cell-step")
PY
