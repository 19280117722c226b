#!/usr/bin/env python3
"""Writes the DPM-Solver parity fixture: end points of the official implementation (Lu et al.,
github.com/LuChengTHU/dpm-solver, dpm_solver_pytorch.py) run in float64 with the exact noise
prediction of a 2-D Gaussian mixture under VP-linear(0.1, 20), from fixed start points, for the
option sets users run (singlestep with order mixing, singlestep of fixed order, multistep, adaptive;
noise and data prediction; logSNR and time-uniform steps). lib/tests/sampling/dpm_solver_reference_test.cpp
runs Kolmo's samplers with the same options and matches every end point to 1e-10 (and the
adaptive solver's NFE, which the reference prints). Nothing of the
reference's code enters this repository: this script imports it from where it was fetched.

Usage: /usr/bin/python3 benchmarks/peers/dpm_solver_reference.py DPM_SOLVER_DIR \\
           lib/tests/sampling/fixtures/dpm_solver_reference.json
(DPM_SOLVER_DIR holds dpm_solver_pytorch.py; Debian's python3-torch and python3-numpy suffice.)
"""

import contextlib
import importlib.util
import io
import json
import pathlib
import subprocess
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

# The 2-D mixture of notebooks/03-reverse-time.ipynb.
WEIGHTS = [0.3, 0.3, 0.4]
MEANS = [[-2.0, 0.0], [1.5, 1.5], [1.0, -1.5]]
COVARIANCES = [[[0.3, 0.2], [0.2, 0.3]], [[0.1, 0.0], [0.0, 0.4]], [[0.2, -0.1], [-0.1, 0.15]]]
BETA_MIN, BETA_MAX, T_START, T_END, POINTS, SEED = 0.1, 20.0, 1.0, 1e-3, 16, 2207


def load_reference(directory):
    spec = importlib.util.spec_from_file_location("dpm_solver_pytorch", pathlib.Path(directory) / "dpm_solver_pytorch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exact_noise_prediction(schedule):
    """ε̂(x, t) = −σ_t ∇log p_t(x), p_t = Σ w_k N(α_t μ_k, α_t² Σ_k + σ_t² I)."""
    w = torch.tensor(WEIGHTS)
    mu = torch.tensor(MEANS)
    cov = torch.tensor(COVARIANCES)

    def model(x, t):
        alpha = schedule.marginal_alpha(t)[:, None]
        sigma = schedule.marginal_std(t)[:, None]
        log_terms, pulls = [], []
        for k in range(len(WEIGHTS)):
            c = alpha[:, :, None] ** 2 * cov[k] + sigma[:, :, None] ** 2 * torch.eye(2)
            diff = x - alpha * mu[k]
            solved = torch.linalg.solve(c, diff[:, :, None])[:, :, 0]
            log_terms.append(torch.log(w[k]) - 0.5 * (diff * solved).sum(1) - 0.5 * torch.logdet(c))
            pulls.append(solved)
        gamma = torch.softmax(torch.stack(log_terms, 1), 1)
        return sigma * sum(gamma[:, k:k + 1] * pulls[k] for k in range(len(WEIGHTS)))

    return model


def configurations():
    runs = []
    for algorithm in ["dpmsolver", "dpmsolver++"]:
        for skip in ["logSNR", "time_uniform"]:
            for order in [1, 2, 3]:
                for steps in [10, 20]:
                    runs.append(dict(method="singlestep", algorithm=algorithm, skip=skip, order=order, steps=steps))
                for steps in [5, 20]:
                    runs.append(dict(method="multistep", algorithm=algorithm, skip=skip, order=order, steps=steps))
            for order in [2, 3]:
                runs.append(dict(method="singlestep_fixed", algorithm=algorithm, skip=skip, order=order, steps=12))
        for order in [2, 3]:
            for atol, rtol in [(0.0078, 0.05), (1e-4, 1e-3)]:
                runs.append(dict(method="adaptive", algorithm=algorithm, skip="logSNR", order=order, steps=0, atol=atol,
                                 rtol=rtol))
    return runs


def main():
    reference = load_reference(sys.argv[1])
    schedule = reference.NoiseScheduleVP("linear", continuous_beta_0=BETA_MIN, continuous_beta_1=BETA_MAX,
                                         dtype=torch.float64)
    model = reference.model_wrapper(exact_noise_prediction(schedule), schedule, model_type="noise")
    rng = np.random.default_rng(SEED)
    start = torch.tensor(rng.standard_normal((POINTS, 2)))  # p_T at T = 1 is N(0, I) to 1e-4; any start serves
    fixture = {"source": "github.com/LuChengTHU/dpm-solver dpm_solver_pytorch.py",
               "reference_commit": subprocess.run(["git", "-C", sys.argv[1], "rev-parse", "HEAD"], capture_output=True,
                                                  text=True).stdout.strip() or "unknown",
               "schedule": {"beta_min": BETA_MIN, "beta_max": BETA_MAX}, "t_start": T_START, "t_end": T_END,
               "mixture": {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
               "start": start.tolist(), "runs": []}
    for run in configurations():
        solver = reference.DPM_Solver(model, schedule, algorithm_type=run["algorithm"])
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):  # the adaptive solver prints its NFE
            end = solver.sample(start.clone(), steps=max(run["steps"], 1), t_start=T_START, t_end=T_END,
                                order=run["order"], skip_type=run["skip"], method=run["method"], lower_order_final=True,
                                atol=run.get("atol", 0.0078), rtol=run.get("rtol", 0.05))
        if run["method"] == "adaptive":
            run["nfe"] = int(printed.getvalue().split("adaptive solver nfe")[1].split()[0])
        fixture["runs"].append(dict(run, end=end.tolist()))
    pathlib.Path(sys.argv[2]).write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{len(fixture['runs'])} runs of {POINTS} points -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
