#!/usr/bin/env python3
"""NumPy-vectorised Euler-Maruyama for the peer comparison of benchmarks/sde_benchmark.cpp.

The same work as BM_EulerMaruyamaOu1d: dX = -theta X dt + sigma dW (theta = 1, sigma = 1) over
[0, 1] from X0 = 1, for `paths` paths and `steps` steps, keeping the terminal states. Written the
way a NumPy user writes it well: one preallocated normal buffer filled in place by the
Generator's ziggurat sampler (PCG64), in-place updates, no per-path Python loop.
Prints one line: paths, steps, seconds, path-steps per second. Runs on one core (NumPy's
elementwise kernels and its generator are single-threaded).
Usage: /usr/bin/python3 numpy_euler_maruyama.py [paths] [steps] [repeats]
"""
import sys
import time

import numpy as np


def euler_maruyama(paths: int, steps: int, seed: int) -> np.ndarray:
    theta, sigma, t1 = 1.0, 1.0, 1.0
    dt = t1 / steps
    rng = np.random.default_rng(seed)
    x = np.ones(paths)
    noise = np.empty(paths)
    decay = 1.0 - theta * dt
    scale = sigma * np.sqrt(dt)
    for _ in range(steps):
        rng.standard_normal(out=noise)
        noise *= scale
        x *= decay          # x + f(x) dt with f(x) = -theta x
        x += noise          # + g dW
    return x


def main() -> None:
    paths = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 20
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    best = float("inf")
    for r in range(repeats):
        start = time.perf_counter()
        x = euler_maruyama(paths, steps, seed=7 + r)
        best = min(best, time.perf_counter() - start)
    # E[X_1] = e^{-theta} (1 - theta dt)^steps... printed so the work cannot be skipped.
    print(f"numpy paths={paths} steps={steps} seconds={best:.3f} "
          f"path_steps_per_second={paths * steps / best:.4g} mean={x.mean():.4f}")


if __name__ == "__main__":
    main()
