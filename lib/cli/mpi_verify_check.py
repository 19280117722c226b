"""`mpirun -np N kolmo verify` gives the report of `kolmo verify`: run both on the same cases and
seeds, and compare every case's result field by field — all but wall times and the command line.
Exit 0 when they agree. Usage: mpi_verify_check.py KOLMO MPIEXEC RANKS OUTDIR -- VERIFY-ARGS..."""
import json
import os
import subprocess
import sys

kolmo, mpiexec, ranks, out = sys.argv[1:5]
arguments = sys.argv[sys.argv.index("--") + 1:]
os.makedirs(out, exist_ok=True)
single, split = os.path.join(out, "single.json"), os.path.join(out, f"ranks-{ranks}.json")
environment = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
one = subprocess.run([kolmo, "verify", *arguments, "--json", single], env=environment)
many = subprocess.run([mpiexec, "-n", ranks, "--oversubscribe", kolmo, "verify", *arguments, "--json", split],
                      env=environment, capture_output=True, text=True)
print(many.stdout)
print(many.stderr, file=sys.stderr)
if one.returncode != many.returncode:
    sys.exit(f"exit codes differ: {one.returncode} alone, {many.returncode} over {ranks} ranks")
# Rank 0 alone prints: the table appears once.
if many.stdout.count(" passed, ") != 1:
    sys.exit(f"expected one summary line from {ranks} ranks, got {many.stdout.count(' passed, ')}")
a, b = json.load(open(single)), json.load(open(split))
varying = {"seconds"}
cases_a, cases_b = a["cases"], b["cases"]
if [c["name"] for c in cases_a] != [c["name"] for c in cases_b]:
    sys.exit("the two reports hold different cases")
for x, y in zip(cases_a, cases_b):
    for key in x:
        if key not in varying and x[key] != y[key]:
            sys.exit(f"{x['name']}: '{key}' differs: {x[key]!r} alone, {y[key]!r} over {ranks} ranks")
print(f"{len(cases_a)} cases, every result identical alone and over {ranks} ranks")
