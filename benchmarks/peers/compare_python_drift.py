#!/usr/bin/env python3
"""Side by side: an ensemble driven by a Python callable drift through the kolmo module, against
the same Euler-Maruyama ensemble in pure NumPy (what the user would write instead), and the
built-in process in C++ — issue #21's speed targets: >= 3x NumPy on 2 threads at batches of
4096 paths (the module's batch size for d = 1), built-ins at C++ speed.

OU dX = 1.5 (0.5 - X) dt + 0.8 dW from 2 to T = 1, 200 steps, 200,000 paths; best of 3 runs each.
Usage: PYTHONPATH=build/release/python /usr/bin/python3 benchmarks/peers/compare_python_drift.py
"""

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
