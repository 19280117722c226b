"""Kolmo: cross-checked numerics for diffusion processes.

The C++ core with NumPy in and out: rows of an array are paths or points, float64 throughout.
Bad input raises kolmo.Error (a ValueError) naming the parameter, the value and what was
expected; a numerical failure is a Status inside the result, never an exception.
"""

from . import _kolmo
from ._kolmo import (Error, Status, __version__, compare, distribution, grid, likelihood, process, random, sampling,
                     schedule, score, sde)

__all__ = [
    "Error",
    "Status",
    "__version__",
    "compare",
    "distribution",
    "grid",
    "likelihood",
    "process",
    "random",
    "sampling",
    "schedule",
    "score",
    "sde",
]

if hasattr(_kolmo, "verify"):  # built with the verification cases (KOLMO_BUILD_CLI)
    from ._kolmo import verify
    __all__ += ["verify"]

