"""`mpirun -np N kolmo verify|converge ...` gives the report of the same command run alone: run
both and compare their JSON field by field, all but wall times (`seconds`, `wall_seconds`) and the
command line's provenance. Exit 0 when they agree.
Usage: mpi_report_check.py KOLMO MPIEXEC RANKS OUTDIR -- verify|converge ARGS..."""
import json
import os
import subprocess
import sys

kolmo, mpiexec, ranks, out = sys.argv[1:5]
command = sys.argv[sys.argv.index("--") + 1:]
os.makedirs(out, exist_ok=True)
single, split = os.path.join(out, "single.json"), os.path.join(out, f"ranks-{ranks}.json")
environment = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
one = subprocess.run([kolmo, *command, "--json", single], env=environment)
many = subprocess.run([mpiexec, "-n", ranks, "--oversubscribe", kolmo, *command, "--json", split],
                      env=environment, capture_output=True, text=True)
print(many.stdout)
print(many.stderr, file=sys.stderr)
if one.returncode != many.returncode:
    sys.exit(f"exit codes differ: {one.returncode} alone, {many.returncode} over {ranks} ranks")
# Rank 0 alone prints: its output appears once.
marker = " passed, " if command[0] == "verify" else "strong order ("
if many.stdout.count(marker) != 1:
    sys.exit(f"expected one '{marker.strip()}' line from {ranks} ranks, got {many.stdout.count(marker)}")
a, b = json.load(open(single)), json.load(open(split))
if command[0] == "verify":  # the run's provenance (command line, times) differs by design
    a, b = a["cases"], b["cases"]


def compare(x, y, where):
    if isinstance(x, dict):
        if set(x) != set(y):
            sys.exit(f"{where}: keys differ")
        for key in x:
            if key not in ("seconds", "wall_seconds"):
                compare(x[key], y[key], f"{where}.{key}")
    elif isinstance(x, list):
        if len(x) != len(y):
            sys.exit(f"{where}: lengths differ")
        for i, (u, v) in enumerate(zip(x, y)):
            compare(u, v, f"{where}[{i}]")
    elif x != y:
        sys.exit(f"{where} differs: {x!r} alone, {y!r} over {ranks} ranks")


compare(a, b, command[0])
print(f"kolmo {command[0]}: every result identical alone and over {ranks} ranks")
