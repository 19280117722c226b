#!/usr/bin/env python3
"""SciPy baseline for the grid benchmark (benchmarks/pde_benchmark.cpp, BM_FokkerPlanck1d).

The same 1-D problem: Fokker-Planck of dX = -X dt + dW on [-5, 5] with `cells` cells, zero-flux
walls, exponentially fitted (Scharfetter-Gummel) fluxes, implicit Euler with dt = 1e-3, written
the way a SciPy user writes it well: the matrix I - dt L assembled once in CSC form, factorised
once with scipy.sparse.linalg.splu (SuperLU), then `steps` calls of the pre-factorised solve.
Only the solve loop is timed. Prints one line with the cell-steps per second.
Usage: /usr/bin/python3 scipy_implicit_euler.py [cells] [steps] [repeats]
"""
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def bernoulli(z: np.ndarray) -> np.ndarray:
    small = np.abs(z) < 1e-4
    safe = np.where(small, 1.0, z)
    return np.where(small, 1.0 - z / 2 + z * z / 12, safe / np.expm1(safe))


def system_matrix(cells: int, dt: float) -> sp.csc_matrix:
    lower, upper = -5.0, 5.0
    h = (upper - lower) / cells
    diffusion = 0.5
    faces = lower + h * np.arange(1, cells)  # interior faces
    a_h = -faces / diffusion * h              # a = f / D at the face, f(x) = -x
    alpha = bernoulli(-a_h) * diffusion / h   # J = alpha p_i - beta p_{i+1}
    beta = bernoulli(a_h) * diffusion / h
    main = np.zeros(cells)
    main[:-1] -= alpha / h
    main[1:] -= beta / h
    op = sp.diags([alpha / h, main, beta / h], [-1, 0, 1], format="csc")
    return (sp.identity(cells, format="csc") - dt * op).tocsc()


def main() -> None:
    cells = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 16
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    lu = spla.splu(system_matrix(cells, 1e-3))
    x = np.linspace(-5, 5, cells)
    best = float("inf")
    for _ in range(repeats):
        p = np.exp(-((x - 1.0) ** 2) / 0.2)
        start = time.perf_counter()
        for _ in range(steps):
            p = lu.solve(p)
        best = min(best, time.perf_counter() - start)
    print(f"scipy cells={cells} steps={steps} seconds={best:.4f} "
          f"cell_steps_per_second={cells * steps / best:.4g} mass={p.sum() * 10.0 / cells:.6f}")


if __name__ == "__main__":
    main()
