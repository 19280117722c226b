#!/usr/bin/env bash
# Side by side: Kolmo's Euler-Maruyama (Google Benchmark, 1 and 2 threads) against the
# NumPy-vectorised version doing the same work, 2^20 paths x 1000 steps of 1-D OU, and the
# normal-variate ceiling. Prints each throughput and the ratios the SDE-engine issue asks for.
# Usage: benchmarks/peers/compare_euler_maruyama.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" numpy 'BM_EulerMaruyamaOu1d/1048576/1000|BM_FillStandardNormals/65536'
numpy_line="$(/usr/bin/python3 "$root/benchmarks/peers/numpy_euler_maruyama.py" 1048576 1000 1)"
echo "$numpy_line"
/usr/bin/python3 - "$json" "$numpy_line" <<'PY'
import json, re, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
numpy_rate = float(re.search(r"path_steps_per_second=(\S+)", sys.argv[2]).group(1))
ceiling = next(b["items_per_second"] for n, b in runs.items() if n.startswith("BM_FillStandardNormals/65536"))
print(f"normal ceiling (1 core):          {ceiling:.4g} normals/s")
for threads in (1, 2):
    name = next(n for n in runs if n.startswith(f"BM_EulerMaruyamaOu1d/1048576/1000/{threads}"))
    rate = runs[name]["items_per_second"]
    print(f"kolmo EM, {threads} thread(s):            {rate:.4g} path-steps/s  "
          f"= {rate / threads / numpy_rate:.2f}x NumPy per core, {rate / threads / ceiling:.0%} of the ceiling per core")
print(f"numpy EM (1 core):                {numpy_rate:.4g} path-steps/s")
PY
