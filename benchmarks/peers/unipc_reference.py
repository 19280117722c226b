#!/usr/bin/env python3
"""Writes the UniPC parity fixture: end points of the official implementation (Zhao et al.,
github.com/wl-zhao/UniPC, uni_pc.py) run in float64 with the exact noise prediction of a 2-D
Gaussian mixture under VP-linear(0.1, 20), from fixed start points, for both B(h) variants, both
predictions, orders 1-3, logSNR and time-uniform steps, 5 and 10 steps.
lib/tests/sampling/unipc_reference_test.cpp matches Kolmo's UniPc to every end point within 1e-10.
Nothing of the reference's code enters this repository: this script imports it from a checkout.

Usage: /usr/bin/python3 benchmarks/peers/unipc_reference.py UNIPC_CHECKOUT \\
           lib/tests/sampling/fixtures/unipc_reference.json
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

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from dpm_solver_reference import BETA_MAX, BETA_MIN, COVARIANCES, MEANS, T_END, T_START, WEIGHTS, exact_noise_prediction  # noqa: E402

torch.set_default_dtype(torch.float64)
POINTS, SEED = 16, 3301


def main():
    spec = importlib.util.spec_from_file_location("uni_pc", pathlib.Path(sys.argv[1]) / "uni_pc.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    schedule = reference.NoiseScheduleVP("linear", continuous_beta_0=BETA_MIN, continuous_beta_1=BETA_MAX,
                                         dtype=torch.float64)
    flat = exact_noise_prediction(schedule)
    # The reference contracts model values over image axes: x is (batch, 2, 1, 1) there.
    model = reference.model_wrapper(lambda x, t: flat(x[:, :, 0, 0], t)[:, :, None, None], schedule, model_type="noise")
    start = torch.tensor(np.random.default_rng(SEED).standard_normal((POINTS, 2)))
    fixture = {"source": "github.com/wl-zhao/UniPC uni_pc.py",
               "reference_commit": subprocess.run(["git", "-C", sys.argv[1], "rev-parse", "HEAD"], capture_output=True,
                                                  text=True).stdout.strip() or "unknown",
               "schedule": {"beta_min": BETA_MIN, "beta_max": BETA_MAX}, "t_start": T_START, "t_end": T_END,
               "mixture": {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
               "start": start.tolist(), "runs": []}
    for variant in ["bh1", "bh2"]:
        for algorithm in ["data_prediction", "noise_prediction"]:
            for skip in ["logSNR", "time_uniform"]:
                for order in [1, 2, 3]:
                    for steps in [5, 10]:
                        solver = reference.UniPC(model, schedule, algorithm_type=algorithm, variant=variant)
                        with contextlib.redirect_stdout(io.StringIO()):  # the reference prints every step
                            end = solver.sample(start.clone()[:, :, None, None], steps=steps, t_start=T_START,
                                                t_end=T_END, order=order, skip_type=skip, method="multistep",
                                                lower_order_final=True)
                        fixture["runs"].append(dict(variant=variant, algorithm=algorithm, skip=skip, order=order,
                                                    steps=steps, end=end[:, :, 0, 0].tolist()))
    pathlib.Path(sys.argv[2]).write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{len(fixture['runs'])} runs of {POINTS} points -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
