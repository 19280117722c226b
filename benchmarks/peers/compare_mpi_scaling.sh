#!/usr/bin/env bash
# Strong scaling of distributed ensembles on this machine: the same Euler-Maruyama (2^22 paths x
# 100 steps, moments only) and DPM-Solver++(2M) (2^20 paths x 20 steps, samples gathered to rank 0
# or kept on their ranks) runs on
# 1 rank x 1 thread, 1 rank x 2 threads and 2 ranks x 1 thread (benchmarks/mpi_scaling_benchmark.cpp).
# Prints each throughput and the parallel efficiencies: speed-up over 1 x 1 divided by 2.
# Usage: benchmarks/peers/compare_mpi_scaling.sh [build-dir]   (default build/release)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build/release}"
bench="$build/benchmarks/kolmo_mpi_benchmarks"
[ -x "$bench" ] || { echo "kolmo: build with kolmo::mpi first (scripts/install-deps.sh; cmake --build --preset release)" >&2; exit 2; }
# --bind-to none: Open MPI would pin a lone rank to one core, and its 2 threads with it.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
one="$(mktemp)" two="$(mktemp)"
trap 'rm -f "$one" "$two"' EXIT
mpiexec -n 1 --bind-to none "$bench" --benchmark_format=json --benchmark_out="$one" --benchmark_out_format=json >/dev/null
mpiexec -n 2 --oversubscribe --bind-to none "$bench" --benchmark_filter='/1/iterations' --benchmark_format=json \
  --benchmark_out="$two" --benchmark_out_format=json >/dev/null
/usr/bin/python3 - "$one" "$two" <<'PY'
import json, sys
one = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
two = {b["name"]: b for b in json.load(open(sys.argv[2]))["benchmarks"]}
for base in ("BM_DistributedEulerMaruyama/4194304/100", "BM_DistributedDpmSolver/1048576/1",
             "BM_DistributedDpmSolver/1048576/0"):
    rate = lambda runs, threads: next(b["items_per_second"] for n, b in runs.items() if n.startswith(f"{base}/{threads}/"))
    serial, threads, ranks = rate(one, 1), rate(one, 2), rate(two, 1)
    label = base.split('/')[0][3:] + {"/1": " (samples gathered)", "/0": " (samples kept)"}.get(base[-2:], "")
    print(f"{label}: 1 rank x 1 thread {serial:.4g} path-steps/s; "
          f"1 rank x 2 threads {threads:.4g} (efficiency {threads / serial / 2:.0%}); "
          f"2 ranks x 1 thread {ranks:.4g} (efficiency {ranks / serial / 2:.0%}, {ranks / threads:.2f}x the threads)")
PY
