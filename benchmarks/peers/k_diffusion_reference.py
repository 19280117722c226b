#!/usr/bin/env python3
"""Writes the EDM / Euler-ancestral parity fixture: end points of k-diffusion's samplers
(github.com/crowsonkb/k-diffusion, k_diffusion/sampling.py: sample_heun, EDM's Algorithms 1 and 2,
sample_euler_ancestral, sample_dpmpp_2m_sde and sample_dpmpp_2s_ancestral) run in float64 with the exact denoiser of a 2-D Gaussian mixture in
EDM's variables (x = x_0 + σ n, σ from 80 to 0.002), from fixed start points. The stochastic runs
take their noise from Kolmo's own draws (kolmo.random.normals at (seed, brownian, path, step)), so
that lib/tests/sampling/k_diffusion_reference_test.cpp can run Kolmo's samplers with the same seed
and match every end point to 1e-10. Nothing of the reference's code enters this repository: the
script loads sampling.py from where it was fetched (with stubs for its progress-bar and ODE/SDE
imports, which these samplers do not use).

Usage: PYTHONPATH=build/release/python /usr/bin/python3 benchmarks/peers/k_diffusion_reference.py \\
           K_DIFFUSION_CHECKOUT lib/tests/sampling/fixtures/k_diffusion_reference.json
"""

import importlib.util
import json
import pathlib
import subprocess
import sys
import types

import numpy as np
import torch

import kolmo

torch.set_default_dtype(torch.float64)

WEIGHTS = [0.3, 0.3, 0.4]
MEANS = [[-2.0, 0.0], [1.5, 1.5], [1.0, -1.5]]
COVARIANCES = [[[0.3, 0.2], [0.2, 0.3]], [[0.1, 0.0], [0.0, 0.4]], [[0.2, -0.1], [-0.1, 0.15]]]
SIGMA_MAX, SIGMA_MIN, POINTS, SEED = 80.0, 0.002, 16, 4401


def load_sampling(checkout):
    """k_diffusion/sampling.py alone, with stubs for the imports these samplers never call."""
    class Progress:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def update(self, n=1):
            pass

    tqdm_auto = types.ModuleType("tqdm.auto")
    tqdm_auto.trange = lambda *args, **kwargs: range(*args)
    tqdm_auto.tqdm = Progress
    tqdm = types.ModuleType("tqdm")
    tqdm.auto = tqdm_auto
    for name, module in [("tqdm", tqdm), ("tqdm.auto", tqdm_auto), ("torchdiffeq", types.ModuleType("torchdiffeq")),
                         ("torchsde", types.ModuleType("torchsde"))]:
        sys.modules[name] = module
    sys.modules["torchdiffeq"].odeint = None
    sys.modules["torchsde"].BrownianTree = None
    package = types.ModuleType("k_diffusion")
    package.__path__ = []
    utils = types.ModuleType("k_diffusion.utils")
    utils.append_dims = lambda x, n: x[(...,) + (None,) * (n - x.ndim)]
    package.utils = utils
    sys.modules["k_diffusion"], sys.modules["k_diffusion.utils"] = package, utils
    spec = importlib.util.spec_from_file_location("k_diffusion.sampling",
                                                  pathlib.Path(checkout) / "k_diffusion" / "sampling.py")
    sampling = importlib.util.module_from_spec(spec)
    sys.modules["k_diffusion.sampling"] = sampling
    spec.loader.exec_module(sampling)
    return sampling


def exact_denoiser(x, sigma):
    """D(x; σ) = x + σ² ∇log p_σ(x), p_σ = Σ w_k N(μ_k, Σ_k + σ² I)."""
    s = sigma[:, None]
    log_terms, pulls = [], []
    for w, mu, cov in zip(WEIGHTS, MEANS, COVARIANCES):
        c = torch.tensor(cov)[None] + (s**2)[:, :, None] * torch.eye(2)
        diff = x - torch.tensor(mu)
        solved = torch.linalg.solve(c, diff[:, :, None])[:, :, 0]
        log_terms.append(np.log(w) - 0.5 * (diff * solved).sum(1) - 0.5 * torch.logdet(c))
        pulls.append(solved)
    gamma = torch.softmax(torch.stack(log_terms, 1), 1)
    return x - s**2 * sum(gamma[:, k:k + 1] * pulls[k] for k in range(len(WEIGHTS)))


class KolmoNoise:
    """The normals Kolmo's sampler draws at step i: (seed, brownian, path, i, component)."""

    def __init__(self, seed):
        self.seed, self.step = seed, 0

    def __call__(self, *args):
        z = torch.tensor(kolmo.random.normals(self.seed, self.step, POINTS, 2))
        self.step += 1
        return z


def main():
    sampling = load_sampling(sys.argv[1])
    start = torch.tensor(SIGMA_MAX * np.random.default_rng(SEED).standard_normal((POINTS, 2)))
    fixture = {"source": "github.com/crowsonkb/k-diffusion k_diffusion/sampling.py",
               "reference_commit": subprocess.run(["git", "-C", sys.argv[1], "rev-parse", "HEAD"], capture_output=True,
                                                  text=True).stdout.strip() or "unknown",
               "schedule": "edm", "sigma_max": SIGMA_MAX, "sigma_min": SIGMA_MIN,
               "mixture": {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
               "start": start.tolist(), "runs": []}
    for levels in [10, 18, 40]:
        sigmas = sampling.get_sigmas_karras(levels, SIGMA_MIN, SIGMA_MAX, rho=7.0)
        end = sampling.sample_heun(exact_denoiser, start.clone(), sigmas, disable=True)
        fixture["runs"].append(dict(sampler="heun", levels=levels, rho=7.0, end=end.tolist()))
    for levels, churn, churn_min, churn_max, s_noise, seed in [(32, 40.0, 0.05, 50.0, 1.003, 11), (24, 10.0, 0.0, 30.0, 1.0, 12)]:
        sigmas = sampling.get_sigmas_karras(levels, SIGMA_MIN, SIGMA_MAX, rho=7.0)
        noise = KolmoNoise(seed)
        torch_randn_like = torch.randn_like
        torch.randn_like = lambda x, *args, **kwargs: noise()  # sample_heun's churn draws, replaced by Kolmo's
        try:
            end = sampling.sample_heun(exact_denoiser, start.clone(), sigmas, disable=True, s_churn=churn,
                                       s_tmin=churn_min, s_tmax=churn_max, s_noise=s_noise)
        finally:
            torch.randn_like = torch_randn_like
        fixture["runs"].append(dict(sampler="heun", levels=levels, rho=7.0, churn=churn, churn_min=churn_min,
                                    churn_max=churn_max, noise_inflation=s_noise, seed=seed, end=end.tolist()))
    for steps, eta, seed in [(20, 1.0, 21), (50, 0.5, 22)]:
        # Kolmo's uniform_time grid of the EDM schedule (σ = t), ending at σ_min.
        sigmas = torch.tensor([SIGMA_MAX + (SIGMA_MIN - SIGMA_MAX) * j / steps for j in range(steps + 1)])
        sigmas[-1] = SIGMA_MIN
        end = sampling.sample_euler_ancestral(exact_denoiser, start.clone(), sigmas, disable=True, eta=eta,
                                              noise_sampler=KolmoNoise(seed))
        fixture["runs"].append(dict(sampler="euler_ancestral", steps=steps, eta=eta, seed=seed, end=end.tolist()))
    for steps, eta, form, s_noise, seed in [(20, 1.0, "midpoint", 1.0, 31), (40, 0.5, "heun", 1.0, 32),
                                            (12, 1.0, "midpoint", 1.01, 33)]:
        sigmas = torch.tensor([SIGMA_MAX + (SIGMA_MIN - SIGMA_MAX) * j / steps for j in range(steps + 1)])
        sigmas[-1] = SIGMA_MIN
        end = sampling.sample_dpmpp_2m_sde(exact_denoiser, start.clone(), sigmas, disable=True, eta=eta, s_noise=s_noise,
                                           noise_sampler=KolmoNoise(seed), solver_type=form)
        fixture["runs"].append(dict(sampler="dpmpp_2m_sde", steps=steps, eta=eta, form=form, noise_inflation=s_noise,
                                    seed=seed, end=end.tolist()))
    for steps, eta, s_noise, seed in [(10, 1.0, 1.0, 41), (25, 0.5, 1.0, 42), (15, 0.0, 1.0, 43)]:
        sigmas = torch.tensor([SIGMA_MAX + (SIGMA_MIN - SIGMA_MAX) * j / steps for j in range(steps + 1)])
        sigmas[-1] = SIGMA_MIN
        end = sampling.sample_dpmpp_2s_ancestral(exact_denoiser, start.clone(), sigmas, disable=True, eta=eta,
                                                 s_noise=s_noise, noise_sampler=KolmoNoise(seed))
        fixture["runs"].append(dict(sampler="dpmpp_2s_ancestral", steps=steps, eta=eta, noise_inflation=s_noise, seed=seed,
                                    end=end.tolist()))
    pathlib.Path(sys.argv[2]).write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{len(fixture['runs'])} runs of {POINTS} points -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
