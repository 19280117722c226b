#!/usr/bin/env bash
# Side by side: Kolmo's batched ODE ensembles (benchmarks/ode_ensemble_benchmark.cpp) against
# NumPy (the whole batch as one array, classical RK4) and SciPy (solve_ivp RK45 on the flattened
# batch) on the same problem: the probability-flow ODE of the 2-D bimodal mixture with its exact
# score, 65,536 points from t = 1 to 1e-3. Prints each throughput and the ratios issue #19 asks
# for: fixed steps >= 5x NumPy's RK4 (Kolmo on 2 threads); Dormand-Prince >= 20x SciPy's RK45 at
# matched error (for each SciPy tolerance, the fastest Kolmo run whose max error is not larger).
# Usage: benchmarks/peers/compare_ode_ensembles.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" scipy 'BM_ProbabilityFlow(Rk4|Dopri)/'
peer="$root/benchmarks/peers/numpy_probability_flow.py"
numpy_line="$(/usr/bin/python3 "$peer" rk4 65536 50)"
# The same NumPy script with glibc told to keep its freed arrays (no return to the system and
# page-fault back per temporary; docs/measurements.md): the stronger peer, and the one the target
# is judged against.
numpy_tuned_line="$(MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000 /usr/bin/python3 "$peer" rk4 65536 50)"
scipy_lines="$(/usr/bin/python3 "$peer" scipy 65536 1e-5 1e-6 1e-8)"
echo "$numpy_line"
echo "$numpy_tuned_line (malloc-tuned)"
echo "$scipy_lines"
/usr/bin/python3 - "$json" "$numpy_line" "$scipy_lines" "$numpy_tuned_line" <<'PY'
import json, re, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
field = lambda line, name: float(re.search(name + r"=(\S+)", line).group(1))
numpy_rate = field(sys.argv[2], "paths_per_second")
tuned_rate = field(sys.argv[4], "paths_per_second")
for run in runs:
    if run["name"].startswith("BM_ProbabilityFlowRk4"):
        threads = int(re.search(r"threads:(\d+)", run["name"]).group(1))
        rate = run["items_per_second"]
        print(f"kolmo rk4, {threads} thread(s): {rate:.4g} paths/s = {rate / numpy_rate:.1f}x NumPy's RK4 "
              f"({rate / threads / numpy_rate:.1f}x per core), {rate / tuned_rate:.2f}x the malloc-tuned NumPy")
dopri = [r for r in runs if r["name"].startswith("BM_ProbabilityFlowDopri") and "threads:2" in r["name"]]
for line in sys.argv[3].splitlines():
    error, rate = field(line, "max_error"), field(line, "paths_per_second")
    matched = [r for r in dopri if r["max_error"] <= error]
    if not matched:
        print(f"scipy rk45 at max error {error:.3g}: no Kolmo run as accurate")
        continue
    best = max(matched, key=lambda r: r["items_per_second"])
    print(f"scipy rk45 at max error {error:.3g}: {rate:.4g} paths/s; kolmo dopri5 (2 threads, "
          f"{best['name'].split('/')[1]}) at {best['max_error']:.3g}: {best['items_per_second']:.4g} paths/s "
          f"= {best['items_per_second'] / rate:.1f}x")
PY
