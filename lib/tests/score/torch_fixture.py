#!/usr/bin/env python3
"""Trains a tiny score network in PyTorch and saves it for lib/tests/score/torch_score_test.cpp.

A 2-D eps-prediction MLP (input [x, t, sin(w_k t), cos(w_k t)], widths 32, 32, SiLU, float64)
trained for 400 Adam steps on the eps-loss of the 2-D bimodal mixture of
lib/tests/support/bimodal_mixture.hpp under VP-linear(0.1, 20), then saved with
torch.jit.script + torch.jit.save. Writes, next to the model, reference outputs that the C++
test must reproduce: rows "t x0 x1 y0 y1" of the network's predictions at fixed points.
Usage: /usr/bin/python3 torch_fixture.py OUTPUT_DIR
"""
import pathlib
import sys

import torch


class EpsilonNetwork(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("frequencies", torch.tensor([1.0, 4.0, 16.0], dtype=torch.float64))
        self.body = torch.nn.Sequential(
            torch.nn.Linear(2 + 1 + 6, 32), torch.nn.SiLU(),
            torch.nn.Linear(32, 32), torch.nn.SiLU(),
            torch.nn.Linear(32, 2))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        tau = t.unsqueeze(1)
        phase = tau * self.frequencies
        return self.body(torch.cat([x, tau, torch.sin(phase), torch.cos(phase)], dim=1))


def vp_linear(t: torch.Tensor):
    integral = 0.1 * t + 0.5 * (20.0 - 0.1) * t * t
    return torch.exp(-0.5 * integral), torch.sqrt(-torch.expm1(-integral))


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    weights = torch.tensor([0.35, 0.65], dtype=torch.float64)
    means = torch.tensor([[-1.5, 1.0], [1.2, -0.4]], dtype=torch.float64)
    roots = torch.linalg.cholesky(torch.tensor([[[0.5, 0.4], [0.4, 0.5]], [[0.17, -0.15], [-0.15, 0.17]]],
                                               dtype=torch.float64))
    network = EpsilonNetwork().to(torch.float64)
    optimiser = torch.optim.Adam(network.parameters(), lr=3e-3)
    for _ in range(400):
        component = torch.multinomial(weights, 256, replacement=True)
        x0 = means[component] + torch.einsum("nij,nj->ni", roots[component], torch.randn(256, 2, dtype=torch.float64))
        t = 1e-3 + (1 - 1e-3) * torch.rand(256, dtype=torch.float64)
        alpha, sigma = vp_linear(t)
        eps = torch.randn(256, 2, dtype=torch.float64)
        loss = 0.5 * ((network(alpha[:, None] * x0 + sigma[:, None] * eps, t) - eps) ** 2).sum(1).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    scripted = torch.jit.script(network)
    torch.jit.save(scripted, str(out / "epsilon_network.pt"))
    points = torch.tensor([[-1.5, 1.0], [1.2, -0.4], [0.0, 0.3], [2.5, 1.9], [-3.0, 3.5]], dtype=torch.float64)
    with torch.no_grad(), open(out / "epsilon_network_outputs.txt", "w") as f:
        for t in (0.05, 0.3, 0.9):
            y = network(points, torch.full((5,), t, dtype=torch.float64))
            for p, q in zip(points.tolist(), y.tolist()):
                f.write(f"{t!r} {p[0]!r} {p[1]!r} {q[0]!r} {q[1]!r}\n")
    print(f"saved {out / 'epsilon_network.pt'} (final eps-loss {loss.item():.4f})")


if __name__ == "__main__":
    main()
