#!/usr/bin/env python3
"""NumPy and SciPy peers of benchmarks/ode_ensemble_benchmark.cpp.

The same work: the probability-flow ODE dx/dt = f x - (1/2) g^2 s(x, t) of the 2-D bimodal
mixture 0.35 N((-1.5, 1), [[0.5, 0.4], [0.4, 0.5]]) + 0.65 N((1.2, -0.4), [[0.17, -0.15],
[-0.15, 0.17]]) under VP-linear(0.1, 20) (f = -beta/2, g^2 = beta, alpha = exp(-(1/2) int beta),
sigma^2 = 1 - alpha^2), with its exact score, for `paths` start points drawn from N(0, I),
from t = 1 to t = 1e-3. Written the way a NumPy user writes it well: the whole batch as one
array, the score vectorised over it.

  rk4    classical RK4 with `steps` fixed steps on the (paths x 2) array;
  scipy  scipy.integrate.solve_ivp(method="RK45") on the flattened batch (what the reference
         implementation of score-based models does for its likelihoods), at each rtol given
         (atol = rtol), its error measured against solve_ivp(DOP853, rtol = atol = 1e-13) on
         the same points.
Each prints one line per run: method, paths, seconds, paths per second (and for scipy the
tolerance, the max |x - x_ref| and the number of function evaluations). Runs on one core
(NumPy's elementwise kernels are single-threaded).
Usage: /usr/bin/python3 numpy_probability_flow.py rk4 [paths] [steps]
       /usr/bin/python3 numpy_probability_flow.py scipy [paths] [rtol ...]
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

WEIGHTS = np.array([0.35, 0.65])
MEANS = np.array([[-1.5, 1.0], [1.2, -0.4]])
COVARIANCES = np.array([[[0.5, 0.4], [0.4, 0.5]], [[0.17, -0.15], [-0.15, 0.17]]])
BETA_MIN, BETA_MAX = 0.1, 20.0
T_MAX, T_MIN = 1.0, 1e-3


def beta(t: float) -> float:
    return BETA_MIN + (BETA_MAX - BETA_MIN) * t


def log_alpha(t: float) -> float:
    return -0.5 * (BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t)


def score(t: float, x: np.ndarray) -> np.ndarray:
    """Exact score of the noised mixture: components N(alpha m_k, alpha^2 C_k + sigma^2 I), with
    the 2 x 2 precisions written out so that every operation is one pass over the batch."""
    la = log_alpha(t)
    a = np.exp(la)
    s2 = -np.expm1(2.0 * la)
    x0, x1 = x[:, 0], x[:, 1]
    logits, gradients = [], []
    for k in range(2):
        c = a * a * COVARIANCES[k] + s2 * np.eye(2)
        det = c[0, 0] * c[1, 1] - c[0, 1] * c[1, 0]
        p00, p01, p11 = c[1, 1] / det, -c[0, 1] / det, c[0, 0] / det
        d0 = x0 - a * MEANS[k, 0]
        d1 = x1 - a * MEANS[k, 1]
        g0 = -(p00 * d0 + p01 * d1)
        g1 = -(p01 * d0 + p11 * d1)
        logits.append(np.log(WEIGHTS[k]) + 0.5 * (d0 * g0 + d1 * g1) - 0.5 * np.log(det))
        gradients.append((g0, g1))
    # Posterior weight of component 0: a logistic function of the logit difference.
    r0 = 1.0 / (1.0 + np.exp(logits[1] - logits[0]))
    r1 = 1.0 - r0
    return np.stack((r0 * gradients[0][0] + r1 * gradients[1][0], r0 * gradients[0][1] + r1 * gradients[1][1]), axis=1)


def velocity(t: float, x: np.ndarray) -> np.ndarray:
    b = beta(t)
    return -0.5 * b * x - 0.5 * b * score(t, x)


def rk4(x: np.ndarray, steps: int) -> np.ndarray:
    h = (T_MIN - T_MAX) / steps
    t = T_MAX
    for _ in range(steps):
        k1 = velocity(t, x)
        k2 = velocity(t + 0.5 * h, x + 0.5 * h * k1)
        k3 = velocity(t + 0.5 * h, x + 0.5 * h * k2)
        k4 = velocity(t + h, x + h * k3)
        x = x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        t += h
    return x


def flattened(t: float, y: np.ndarray) -> np.ndarray:
    return velocity(t, y.reshape(-1, 2)).reshape(-1)


def scipy_solve(x0: np.ndarray, method: str, rtol: float):
    solution = solve_ivp(flattened, (T_MAX, T_MIN), x0.reshape(-1), method=method, rtol=rtol, atol=rtol)
    return solution.y[:, -1].reshape(-1, 2), solution.nfev


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "rk4"
    paths = int(sys.argv[2]) if len(sys.argv) > 2 else 65536
    x0 = np.random.default_rng(11).standard_normal((paths, 2))
    if mode == "rk4":
        steps = int(sys.argv[3]) if len(sys.argv) > 3 else 50
        start = time.perf_counter()
        x = rk4(x0, steps)
        seconds = time.perf_counter() - start
        print(f"numpy-rk4 paths={paths} steps={steps} seconds={seconds:.3f} "
              f"paths_per_second={paths / seconds:.4g} mean={x.mean():.4f}")
        return
    tolerances = [float(r) for r in sys.argv[3:]] or [1e-5, 1e-6, 1e-8]
    reference, _ = scipy_solve(x0, "DOP853", 1e-13)
    for rtol in tolerances:
        start = time.perf_counter()
        x, evaluations = scipy_solve(x0, "RK45", rtol)
        seconds = time.perf_counter() - start
        print(f"scipy-rk45 paths={paths} tolerance={rtol:g} seconds={seconds:.3f} "
              f"paths_per_second={paths / seconds:.4g} max_error={np.abs(x - reference).max():.3g} "
              f"evaluations={evaluations}")


if __name__ == "__main__":
    main()
