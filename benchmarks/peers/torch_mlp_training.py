#!/usr/bin/env python3
"""The native MLP's training step in PyTorch, for benchmarks/peers/compare_mlp_training.sh.

The same work as BM_MlpTrainStep (benchmarks/learning_benchmark.cpp), written the way a PyTorch
user writes it, in float64 on the CPU with `threads` intra-op threads:
  data    fresh draws of the 2-D anisotropic bimodal mixture of lib/tests/support/bimodal_mixture.hpp;
  noise   t ~ U[1e-3, 1], eps ~ N(0, I), x_t = alpha(t) x_0 + sigma(t) eps under VP-linear(0.1, 20);
  network input [x_t, tau, sin(w_k tau), cos(w_k tau)], tau = t, 8 frequencies geometric in [1, 32],
          Linear(19, width), SiLU, Linear(width, width), SiLU, Linear(width, 2): an eps prediction;
  loss    (1 - 1e-3) * 0.5 * mean |eps_hat - eps|^2 (the sigma^2-weighted DSM in eps form);
  update  backward, Adam(lr 1e-3), EMA 0.999 of the weights.
Prints one line: batch, width, threads, steps per second (median of 5 timed repeats of 20 steps,
after warm-up).
Usage: /usr/bin/python3 torch_mlp_training.py batch width threads
"""
import math
import sys
import time

import torch


def main() -> None:
    batch, width, threads = (int(a) for a in sys.argv[1:4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    dtype = torch.float64
    weights = torch.tensor([0.35, 0.65], dtype=dtype)
    means = torch.tensor([[-1.5, 1.0], [1.2, -0.4]], dtype=dtype)
    covariances = torch.tensor([[[0.5, 0.4], [0.4, 0.5]], [[0.17, -0.15], [-0.15, 0.17]]], dtype=dtype)
    roots = torch.linalg.cholesky(covariances)
    frequencies = torch.tensor([32.0 ** (k / 7) for k in range(8)], dtype=dtype)

    network = torch.nn.Sequential(
        torch.nn.Linear(2 + 1 + 16, width), torch.nn.SiLU(),
        torch.nn.Linear(width, width), torch.nn.SiLU(),
        torch.nn.Linear(width, 2)).to(dtype)
    optimiser = torch.optim.Adam(network.parameters(), lr=1e-3)
    ema = [p.detach().clone() for p in network.parameters()]

    def step() -> None:
        component = torch.multinomial(weights, batch, replacement=True)
        z = torch.randn(batch, 2, dtype=dtype)
        x0 = means[component] + torch.einsum("nij,nj->ni", roots[component], z)
        t = 1e-3 + (1 - 1e-3) * torch.rand(batch, 1, dtype=dtype)
        integral = 0.1 * t + 0.5 * (20.0 - 0.1) * t * t
        alpha = torch.exp(-0.5 * integral)
        sigma = torch.sqrt(-torch.expm1(-integral))
        eps = torch.randn(batch, 2, dtype=dtype)
        xt = alpha * x0 + sigma * eps
        phase = t * frequencies
        features = torch.cat([xt, t, torch.sin(phase), torch.cos(phase)], dim=1)
        loss = (1 - 1e-3) * 0.5 * ((network(features) - eps) ** 2).sum(dim=1).mean()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        with torch.no_grad():
            for average, p in zip(ema, network.parameters()):
                average.mul_(0.999).add_(p, alpha=0.001)

    for _ in range(20):
        step()
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(20):
            step()
        rates.append(20 / (time.perf_counter() - start))
    rates.sort()
    print(f"torch batch={batch} width={width} threads={threads} steps_per_second={rates[2]:.6g}")


if __name__ == "__main__":
    main()
