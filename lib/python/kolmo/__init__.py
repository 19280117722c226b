"""Kolmo: cross-checked numerics for diffusion processes.

The C++ core with NumPy in and out: rows of an array are paths or points, float64 throughout.
Bad input raises kolmo.Error (a ValueError) naming the parameter, the value and what was
expected; a numerical failure is a Status inside the result, never an exception.
"""

from ._kolmo import Error, Status, __version__, distribution, likelihood, process, sampling, schedule, score, sde

__all__ = [
    "Error",
    "Status",
    "__version__",
    "distribution",
    "likelihood",
    "process",
    "sampling",
    "schedule",
    "score",
    "sde",
]
