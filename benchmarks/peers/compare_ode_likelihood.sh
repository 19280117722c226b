#!/usr/bin/env bash
# Side by side: Kolmo's ode_log_likelihood (benchmarks/likelihood_benchmark.cpp, 2 threads) against
# SciPy's solve_ivp(RK45) on the flattened batch with the same exact score in NumPy
# (scipy_ode_likelihood.py, one core), on points of the 2-D bimodal mixture whose exact
# log-likelihood is known. For each configuration: both throughputs, both errors against the
# exact answer, and the ratio issue #19 §4 asks for (target >= 20x at matched tolerance and error).
# Usage: benchmarks/peers/compare_ode_likelihood.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" scipy 'BM_OdeLogLikelihood/'
peer="$root/benchmarks/peers/scipy_ode_likelihood.py"
lines="$(/usr/bin/python3 "$peer" 10000 0 1e-5 1e-7; /usr/bin/python3 "$peer" 100000 0 1e-5;
         /usr/bin/python3 "$peer" 10000 1 1e-5; /usr/bin/python3 "$peer" 10000 10 1e-5)"
echo "$lines"
/usr/bin/python3 - "$json" "$lines" <<'PY'
import json, re, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
field = lambda line, name: float(re.search(name + r"=(\S+)", line).group(1))
for line in sys.argv[2].splitlines():
    points, probes, tolerance = int(field(line, "points")), int(field(line, "probes")), field(line, "tolerance")
    exponent = round(-__import__("math").log10(tolerance))
    name = f"BM_OdeLogLikelihood/points:{points}/probes:{probes}/tolerance_exponent:{exponent}/real_time"
    run = next((r for r in runs if r["name"] == name), None)
    if run is None:
        continue
    rate = field(line, "points_per_second")
    print(f"{points} points, {'exact divergence' if probes == 0 else f'Hutchinson K = {probes}'}, tolerance {tolerance:g}: "
          f"kolmo {run['items_per_second']:.4g} points/s (max error {run['max_error']:.2g}, mean {run['mean_error']:.2g}), "
          f"scipy {rate:.4g} (max {field(line, 'max_error'):.2g}, mean {field(line, 'mean_error'):.2g}) "
          f"= {run['items_per_second'] / rate:.1f}x")
    # At matched error: the fastest Kolmo run of the same points and probes whose largest and
    # mean errors are both no larger than SciPy's.
    error, mean = field(line, "max_error"), field(line, "mean_error")
    prefix = f"BM_OdeLogLikelihood/points:{points}/probes:{probes}/"
    matched = [r for r in runs if r["name"].startswith(prefix) and r["max_error"] <= error and r["mean_error"] <= mean]
    if probes == 0 and matched:
        best = max(matched, key=lambda r: r["items_per_second"])
        print(f"  at matched error: kolmo {best['name'].split('/')[3]} {best['items_per_second']:.4g} points/s "
              f"(max error {best['max_error']:.2g}, mean {best['mean_error']:.2g}) = {best['items_per_second'] / rate:.1f}x")
PY
