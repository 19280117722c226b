// The README's example, compiled and run by ctest against the installed package
// (consumer.find_package_kolmo). Exact OU transitions from a far start, checked against the
// closed-form mean with a 4-sigma Monte Carlo tolerance; every draw addressed by (seed, path).
#include <cmath>
#include <cstdio>
#include <vector>

#include <kolmo/process/ornstein_uhlenbeck.hpp>
#include <kolmo/stats/running_moments.hpp>
#include <kolmo/version.hpp>

int main() {
  const kolmo::process::OrnsteinUhlenbeck ou(/*theta=*/1.0, /*mu=*/0.0, /*sigma=*/std::sqrt(2.0));
  const std::size_t paths = 100'000;
  const std::vector<double> x0(paths, 5.0);
  std::vector<double> x_t(paths);
  ou.sample_transitions(x0, /*t=*/0.5, /*seed=*/2026, /*first_path=*/0, /*step=*/0, x_t, /*threads=*/2);

  kolmo::stats::RunningMoments moments;
  for (double x : x_t) moments.add(x);

  const double expected = ou.transition_mean(5.0, 0.5);
  const double z = (moments.mean() - expected) / moments.standard_error();
  std::printf("kolmo %s: E[X_0.5] = %.5f +- %.5f (exact %.5f, z = %+.2f)\n", kolmo::version_string,
              moments.mean(), moments.standard_error(), expected, z);
  return std::abs(z) <= 4.0 ? 0 : 1;
}
