#!/usr/bin/env python3
"""SciPy peer of benchmarks/likelihood_benchmark.cpp: the probability-flow ODE log-likelihood
the way the reference implementation of score-based models computes it (score_sde's
likelihood.py: scipy.integrate.solve_ivp(RK45) on the flattened batch, state and log-density
together), with the same exact score written in NumPy.

The problem: points of the 2-D bimodal mixture 0.35 N((-1.5, 1), [[0.5, 0.4], [0.4, 0.5]]) +
0.65 N((1.2, -0.4), [[0.17, -0.15], [-0.15, 0.17]]) at t_min = 1e-3 under VP-linear(0.1, 20),
integrated to T = 1 where the prior is the exact p_T, so log p_ODE(x) = log p_{t_min}(x) exactly
and the error of each log-likelihood is known. The divergence is exact (the mixture's score
divergence) or Hutchinson's with K Rademacher probes fixed along each path (the score's
Jacobian-vector product in closed form). Prints one line per run: points, probes, tolerance
(rtol = atol), seconds, points per second, the max and mean |error|, function evaluations.
Usage: /usr/bin/python3 scipy_ode_likelihood.py points probes tolerance [tolerance ...]
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


def beta(t):
    return BETA_MIN + (BETA_MAX - BETA_MIN) * t


def log_alpha(t):
    return -0.5 * (BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t)


def components(t):
    """Weights, means, precisions and log-normalisers of p_t's components."""
    a2 = np.exp(2.0 * log_alpha(t))
    s2 = -np.expm1(2.0 * log_alpha(t))
    out = []
    for k in range(2):
        c = a2 * COVARIANCES[k] + s2 * np.eye(2)
        out.append((np.log(WEIGHTS[k]) - 0.5 * np.log(np.linalg.det(c)) - np.log(2.0 * np.pi),
                    np.sqrt(a2) * MEANS[k], np.linalg.inv(c)))
    return out


def mixture_terms(t, x):
    """Posterior weights r (n x 2) and component scores s_k (2, n, 2); log p (n)."""
    comps = components(t)
    logits = np.empty((x.shape[0], 2))
    scores = np.empty((2, x.shape[0], 2))
    for k, (log_norm, mean, precision) in enumerate(comps):
        diff = x - mean
        s = -diff @ precision
        scores[k] = s
        logits[:, k] = log_norm + 0.5 * np.einsum("ij,ij->i", diff, s)
    top = logits.max(axis=1, keepdims=True)
    r = np.exp(logits - top)
    total = r.sum(axis=1, keepdims=True)
    return r / total, scores, (top + np.log(total))[:, 0], comps


def log_density(t, x):
    return mixture_terms(t, x)[2]


def velocity_and_divergence(t, x, probes):
    r, scores, _, comps = mixture_terms(t, x)
    score = r[:, 0:1] * scores[0] + r[:, 1:2] * scores[1]
    b = beta(t)
    v = -0.5 * b * (x + score)
    if probes is None:
        # div s = sum_k r_k (-tr P_k + |s_k|^2) - |s|^2; div v = -b/2 (d + div s).
        div_s = sum(r[:, k] * (-np.trace(comps[k][2]) + (scores[k] ** 2).sum(axis=1)) for k in range(2))
        div_s -= (score ** 2).sum(axis=1)
        return v, (-0.5 * b * (2.0 + div_s))[:, None]
    # z^T (grad s) z = sum_k r_k (-z^T P_k z + (s_k . z)((s_k - s) . z)), per probe.
    estimates = np.empty((x.shape[0], probes.shape[0]))
    for j, z in enumerate(probes):
        quad = sum(r[:, k] * (-np.einsum("ij,jk,ik->i", z, comps[k][2], z)
                              + (scores[k] * z).sum(axis=1) * ((scores[k] - score) * z).sum(axis=1)) for k in range(2))
        estimates[:, j] = -0.5 * b * ((z * z).sum(axis=1) + quad)
    return v, estimates


def log_likelihood(x0, probes, tolerance):
    n = x0.shape[0]
    k = 1 if probes is None else probes.shape[0]

    def rhs(t, y):
        x = y[: 2 * n].reshape(n, 2)
        v, div = velocity_and_divergence(t, x, probes)
        return np.concatenate([v.reshape(-1), div.reshape(-1)])

    y0 = np.concatenate([x0.reshape(-1), np.zeros(n * k)])
    solution = solve_ivp(rhs, (T_MIN, T_MAX), y0, method="RK45", rtol=tolerance, atol=tolerance)
    y = solution.y[:, -1]
    x_end = y[: 2 * n].reshape(n, 2)
    integral = y[2 * n:].reshape(n, k).mean(axis=1)  # int div v dt, averaged over probes
    return log_density(T_MAX, x_end) + integral, solution.nfev


def main():
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    probe_count = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    tolerances = [float(a) for a in sys.argv[3:]] or [1e-5]
    rng = np.random.default_rng(12)
    # Exact draws of p_{t_min}: component, then its Gaussian.
    comps = components(T_MIN)
    which = rng.random(points) < WEIGHTS[0]
    x0 = np.empty((points, 2))
    for k, mask in enumerate([which, ~which]):
        c = np.linalg.inv(comps[k][2])
        x0[mask] = comps[k][1] + rng.standard_normal((mask.sum(), 2)) @ np.linalg.cholesky(c).T
    truth = log_density(T_MIN, x0)
    probes = None if probe_count == 0 else np.where(rng.random((probe_count, points, 2)) < 0.5, -1.0, 1.0)
    for tolerance in tolerances:
        start = time.perf_counter()
        ll, evaluations = log_likelihood(x0, probes, tolerance)
        seconds = time.perf_counter() - start
        error = np.abs(ll - truth)
        print(f"scipy-rk45 points={points} probes={probe_count} tolerance={tolerance:g} seconds={seconds:.3f} "
              f"points_per_second={points / seconds:.4g} max_error={error.max():.3g} mean_error={error.mean():.3g} "
              f"evaluations={evaluations}")


if __name__ == "__main__":
    main()
