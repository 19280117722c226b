// An Euler–Maruyama ensemble split over MPI ranks (kolmo::mpi): Ornstein–Uhlenbeck
// dX = −X dt + dW from X0 = 1 to t = 1, its mean and variance against the exact ones. Every rank
// gets the same moments, bit for bit, whatever the rank count; rank 0 prints.
//   mpirun -np 2 ./kolmo_consumer_distributed [paths]
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <kolmo/mpi/communicator.hpp>
#include <kolmo/process/ornstein_uhlenbeck.hpp>
#include <kolmo/sde/ensemble.hpp>
#include <kolmo/sde/euler_maruyama.hpp>

int main(int argc, char** argv) {
  using namespace kolmo;
  mpi::Environment environment(argc, argv);
  const mpi::Communicator world;
  const std::uint64_t paths = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1 << 22;

  const process::OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);  // θ = 1, μ = 0, σ = 1
  const sde::SdeProblem problem(ou.sde(), ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, 2026);
  sde::EnsembleOptions options{.paths = paths, .threads = 1};
  options.observe.terminal = false;  // moments only: no rank holds the paths
  options.observe.moment_times = {1.0};
  options.distributed.communicator = &world;
  const double start = MPI_Wtime();
  const ensemble::EnsembleSolution solution = sde::solve(problem, sde::EulerMaruyama{0.01}, options);
  const double seconds = MPI_Wtime() - start;

  // Euler–Maruyama's own moments at t = 1 (100 steps of x ← (1 − h) x + √h z), exact for the chain.
  const double decay = std::pow(0.99, 100);
  const double mean = decay, variance = 0.01 * (1.0 - decay * decay) / (1.0 - 0.99 * 0.99);
  const stats::RunningCovariance& m = solution.moments[0].moments;
  const double z_mean = (m.mean()(0) - mean) / m.standard_error()(0);
  if (world.rank() == 0) {
    std::printf("%d rank(s), %llu paths x 100 steps in %.2f s (%.3g path-steps/s)\n", world.size(),
                static_cast<unsigned long long>(paths), seconds, static_cast<double>(paths) * 100.0 / seconds);
    std::printf("mean %.6f (chain's exact %.6f, z = %+.2f), variance %.6f (exact %.6f)\n", m.mean()(0), mean, z_mean,
                m.covariance()(0, 0), variance);
  }
  return solution.status.ok() && std::abs(z_mean) < 4.5 ? 0 : 1;
}
