#!/usr/bin/env python3
"""Side by side: an ensemble driven by a Python callable drift through the kolmo module, against
the same Euler-Maruyama ensemble in pure NumPy (what the user would write instead), and the
built-in process from Python against the same ensemble in the C++ benchmark — issue #21's speed
targets: >= 3x NumPy on 2 threads at batches of 4096 paths (the module's batch size for d = 1),
built-ins within 10% of the C++ run.

OU dX = 1.5 (0.5 - X) dt + 0.8 dW from 2 to T = 1, 200 steps, 200,000 paths; best of 3 runs each.
The built-in against C++: BM_EulerMaruyamaOu1d/200000/200/{1,2} (OU with θ = 1, σ = 1 from 1: the
same work) run by the benchmark binary in the same script run, best of 5 against its real time.
Usage: PYTHONPATH=build/release/python /usr/bin/python3 benchmarks/peers/compare_python_drift.py \
           [build/release/benchmarks/kolmo_benchmarks]
"""

import json
import subprocess
import sys
import time

import numpy as np

import kolmo

THETA, MU, SIGMA, T, STEPS, PATHS = 1.5, 0.5, 0.8, 1.0, 200, 200_000
DT = T / STEPS


def numpy_euler_maruyama(seed):
    rng = np.random.default_rng(seed)
    x = np.full(PATHS, 2.0)
    for _ in range(STEPS):
        x = x + THETA * (MU - x) * DT + SIGMA * np.sqrt(DT) * rng.standard_normal(PATHS)
    return x


def best_of(run, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


python_drift = kolmo.process.Sde.additive("python OU", 1, 1, lambda t, x: THETA * (MU - x), [[SIGMA]])
built_in = kolmo.process.OrnsteinUhlenbeck(THETA, MU, SIGMA).sde()
numpy_seconds = best_of(lambda: numpy_euler_maruyama(1))
print(f"numpy euler-maruyama: {numpy_seconds:.3f} s")
for threads in (1, 2):
    seconds = best_of(lambda: kolmo.sde.solve(python_drift, [2.0], 0, T, dt=DT, paths=PATHS, seed=1, threads=threads))
    print(f"kolmo, python drift, {threads} thread(s): {seconds:.3f} s = {numpy_seconds / seconds:.1f}x NumPy")
for threads in (1, 2):
    seconds = best_of(lambda: kolmo.sde.solve(built_in, [2.0], 0, T, dt=DT, paths=PATHS, seed=1, threads=threads))
    print(f"kolmo, built-in OU, {threads} thread(s): {seconds:.3f} s = {numpy_seconds / seconds:.1f}x NumPy")



def cxx_best(binary, repeats=10):
    """The fastest of `repeats` runs of the C++ benchmark of the same ensemble, per thread count."""
    run = subprocess.run([binary, "--benchmark_filter=BM_EulerMaruyamaOu1d/200000/200/", "--benchmark_format=json",
                          f"--benchmark_repetitions={repeats}"], check=True, capture_output=True, text=True)
    best = {}
    for row in json.loads(run.stdout)["benchmarks"]:
        if row.get("run_type") == "iteration":
            threads = int(row["run_name"].split("/")[3])  # BM_EulerMaruyamaOu1d/paths/steps/threads/real_time
            best[threads] = min(best.get(threads, float("inf")), row["real_time"] / 1000.0)  # ms -> s
    return best


if len(sys.argv) > 1:
    # C++, Python, C++ again: the machine's drift between runs enters both sides' best times.
    same = kolmo.process.OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde()
    before = cxx_best(sys.argv[1])
    python = {threads: best_of(lambda: kolmo.sde.solve(same, [1.0], 0, 1.0, dt=1 / 200, paths=200_000, seed=7,
                                                       threads=threads), repeats=10) for threads in (1, 2)}
    after = cxx_best(sys.argv[1])
    for threads in (1, 2):
        cxx = min(before[threads], after[threads])
        print(f"built-in OU from Python, {threads} thread(s): {python[threads]:.4f} s; C++ benchmark: {cxx:.4f} s "
              f"(best of 20 runs around it); Python / C++ = {python[threads] / cxx:.3f}")
