# Every dependency comes from a Debian 12 package; scripts/install-deps.sh installs them.
# Header-only dependencies used in public headers are PUBLIC links of kolmo::kolmo and are
# found again by kolmoConfig.cmake for consumers.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)           # libeigen3-dev
find_package(Boost 1.74 REQUIRED)                     # libboost-dev (odeint, math: header-only)
find_package(Random123 REQUIRED)                      # librandom123-dev (cmake/FindRandom123.cmake)
find_package(FFTW3 REQUIRED)                          # libfftw3-dev (cmake/FindFFTW3.cmake, pkg-config)
find_package(OpenMP REQUIRED COMPONENTS CXX)          # libgomp (gcc)
find_package(nlohmann_json 3.10 REQUIRED)             # nlohmann-json3-dev
find_package(CLI11 2.1 REQUIRED)                      # libcli11-dev (verify::main's command line)
if(KOLMO_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)                   # libgtest-dev
endif()
if(KOLMO_BUILD_BENCHMARKS)
  find_package(benchmark 1.7 REQUIRED)                # libbenchmark-dev
endif()
# Optional: libtorch (libtorch-dev) for the kolmo::torch component (lib/CMakeLists.txt). Found
# here, at the top, so that its imported targets are visible to every directory.
option(KOLMO_TORCH "Build kolmo::torch, TorchScript networks as score models (needs libtorch-dev)" ON)
if(KOLMO_TORCH)
  find_package(Torch QUIET)
  if(NOT Torch_FOUND)
    message(STATUS "kolmo: libtorch not found, kolmo::torch is off (scripts/install-deps.sh installs libtorch-dev)")
    set(KOLMO_TORCH OFF)
  endif()
endif()
# Optional: MPI (libopenmpi-dev, openmpi-bin) for the kolmo::mpi component — ensembles, studies
# and `kolmo verify` split over ranks (ensemble/distributed.hpp). kolmo itself never includes
# <mpi.h>, so it builds without MPI.
option(KOLMO_MPI "Build kolmo::mpi, ensembles and verification sweeps over MPI ranks (needs libopenmpi-dev)" ON)
if(KOLMO_MPI)
  find_package(MPI QUIET COMPONENTS CXX)  # MPI::MPI_CXX: the C API from C++ (the deprecated C++ bindings are skipped)
  if(NOT MPI_CXX_FOUND)
    message(STATUS "kolmo: MPI not found, kolmo::mpi is off (scripts/install-deps.sh installs libopenmpi-dev)")
    set(KOLMO_MPI OFF)
  endif()
endif()
# Optional: the Python module (lib/python) with Debian's interpreter and pybind11 (python3-dev,
# pybind11-dev; python3-numpy and python3-pytest to test it). /usr/bin/python3 is preferred over a
# python3 earlier on PATH (a pyenv or venv interpreter cannot see Debian's numpy).
option(KOLMO_PYTHON "Build the kolmo Python module (needs python3-dev and pybind11-dev)" ON)
if(KOLMO_PYTHON)
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 3.9 QUIET COMPONENTS Interpreter Development.Module)
  find_package(pybind11 2.10 QUIET CONFIG)
  if(NOT Python3_FOUND OR NOT pybind11_FOUND)
    message(STATUS "kolmo: Python 3 development files or pybind11 not found, the Python module is off "
                   "(scripts/install-deps.sh installs python3-dev and pybind11-dev)")
    set(KOLMO_PYTHON OFF)
  endif()
endif()
