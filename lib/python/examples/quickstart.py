import numpy as np

import kolmo

# Ornstein-Uhlenbeck from x0 = 2: the built-in process, and the same SDE with a NumPy drift.
ou = kolmo.process.OrnsteinUhlenbeck(theta=1.5, mu=0.5, sigma=0.8)
mine = kolmo.process.Sde.additive("my OU", 1, 1, lambda t, x: 1.5 * (0.5 - x), [[0.8]])
for sde in [ou.sde(), mine]:
    run = kolmo.sde.solve(sde, [2.0], 0.0, 1.0, dt=1 / 200, paths=100_000, seed=7, threads=2)
    x = run.terminal[:, 0]
    print(f"{sde.name:>18}: mean {x.mean():.5f} +- {x.std() / np.sqrt(x.size):.5f}, {run.status}")
print(f"{'exact':>18}: mean {0.5 + 1.5 * np.exp(-1.5):.5f}, Euler at this dt: {0.5 + 1.5 * (1 - 1.5 / 200) ** 200:.5f}")
