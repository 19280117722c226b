#!/usr/bin/env bash
# Installs the Debian 12 packages Kolmo builds against, and only those that are missing.
# Idempotent: a second run installs nothing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ cmake make pkg-config          # toolchain (OpenMP: libgomp ships with g++)
  libeigen3-dev                      # Eigen: linear algebra
  libboost-dev                       # Boost: odeint and math (header-only)
  libfftw3-dev                       # FFTW: spectral solvers
  librandom123-dev                   # Random123: Philox counter-based generator
  libgtest-dev libgmock-dev          # GoogleTest
  libbenchmark-dev                   # Google Benchmark
  libcli11-dev                       # CLI11: the command line of kolmo verify and verify::main
  nlohmann-json3-dev                 # nlohmann-json: reports and baselines
  python3-numpy                      # benchmarks/peers: the NumPy baseline of the SDE benchmark
  python3-scipy                      # benchmarks/peers: the SciPy sparse-LU baseline of the grid benchmark
  python3-torch                      # benchmarks/peers and the TorchScript test fixture: PyTorch on the CPU
  libtorch-dev                       # kolmo::torch: TorchScript networks as score models (optional component)
  python3-dev pybind11-dev           # the kolmo Python module (lib/python)
  python3-pytest                     # its test suite, run by ctest
  python3-matplotlib                 # notebooks/: the figures
  python3-nbclient python3-nbformat python3-ipykernel  # notebooks/: executed by ctest and scripts/render-notebooks.sh
  libopenmpi-dev openmpi-bin         # kolmo::mpi: ensembles and `mpirun kolmo verify` over MPI ranks (optional component)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "kolmo: all ${#packages[@]} Debian packages already installed"
  exit 0
fi

echo "kolmo: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "kolmo: error: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "kolmo: installed ${missing[*]}"
