#include "kolmo/process/ornstein_uhlenbeck.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kolmo/core/error.hpp"
#include "kolmo/random/normal.hpp"
#include "support/expect_error.hpp"

namespace kolmo::process {
namespace {

TEST(OrnsteinUhlenbeck, TransitionMomentsMatchClosedForms) {
  const OrnsteinUhlenbeck ou(2.0, 1.0, 0.5);
  EXPECT_DOUBLE_EQ(ou.transition_mean(3.0, 0.0), 3.0);
  EXPECT_DOUBLE_EQ(ou.transition_mean(3.0, 0.5), 1.0 + 2.0 * std::exp(-1.0));
  EXPECT_DOUBLE_EQ(ou.stationary_variance(), 0.25 / 4.0);
  EXPECT_DOUBLE_EQ(ou.transition_variance(0.5), 0.0625 * (1.0 - std::exp(-2.0)));
  EXPECT_EQ(ou.transition_variance(0.0), 0.0);
  // Small t: variance ≈ σ² t to first order, kept to full relative accuracy by expm1.
  EXPECT_NEAR(ou.transition_variance(1e-12) / (0.25 * 1e-12), 1.0, 1e-11);
  // Large t: the stationary law.
  EXPECT_DOUBLE_EQ(ou.transition_variance(100.0), ou.stationary_variance());
  EXPECT_DOUBLE_EQ(ou.transition_mean(-7.0, 100.0), 1.0);
}

// The variance solves the moment ODE dv/dt = −2θ v + σ²: check it by a centred difference,
// whose error is (h²/6) |v'''| ≤ (h²/6) 8θ³ v_∞.
TEST(OrnsteinUhlenbeck, VarianceSolvesItsMomentOde) {
  const OrnsteinUhlenbeck ou(1.5, 0.0, 0.8);
  const double h = 1e-4;
  for (double t : {0.1, 0.5, 2.0}) {
    const double dv = (ou.transition_variance(t + h) - ou.transition_variance(t - h)) / (2 * h);
    const double bound = h * h / 6 * 8 * std::pow(1.5, 3) * ou.stationary_variance() + 1e-10;
    EXPECT_NEAR(dv, -2 * 1.5 * ou.transition_variance(t) + 0.64, bound) << "t = " << t;
  }
}

TEST(OrnsteinUhlenbeck, BatchSamplingUsesTheAddressedNormals) {
  const OrnsteinUhlenbeck ou(1.0, -1.0, 2.0);
  const std::vector<double> x0{0.0, 1.0, 2.0, 3.0, 4.0};
  std::vector<double> one(5), two(5);
  ou.sample_transitions(x0, 0.3, 99, 10, 4, one, 1);
  ou.sample_transitions(x0, 0.3, 99, 10, 4, two, 2);
  EXPECT_EQ(one, two);
  for (std::size_t i = 0; i < x0.size(); ++i) {
    const double z = random::standard_normal({99, random::Purpose::brownian, 10 + i, 4, 0});
    EXPECT_NEAR(one[i], ou.sample_transition(x0[i], 0.3, z), 1e-14);
  }
}

TEST(OrnsteinUhlenbeck, RejectsBadParameters) {
  KOLMO_EXPECT_THROW_NAMING(OrnsteinUhlenbeck(0.0, 0.0, 1.0), "theta");
  KOLMO_EXPECT_THROW_NAMING(OrnsteinUhlenbeck(1.0, std::nan(""), 1.0), "mu");
  KOLMO_EXPECT_THROW_NAMING(OrnsteinUhlenbeck(1.0, 0.0, -1.0), "sigma");
  const OrnsteinUhlenbeck ou(1.0, 0.0, 1.0);
  KOLMO_EXPECT_THROW_NAMING((void)ou.transition_variance(-0.1), "t");
  std::vector<double> x0(3), out(2);
  KOLMO_EXPECT_THROW_NAMING(ou.sample_transitions(x0, 1.0, 1, 0, 0, out), "out.size()");
  std::vector<double> none;
  KOLMO_EXPECT_THROW_NAMING(ou.sample_transitions(none, 1.0, 1, 0, 0, none), "x0.size()");
  std::vector<double> with_nan{0.0, std::nan(""), 1.0}, out3(3);
  KOLMO_EXPECT_THROW_NAMING(ou.sample_transitions(with_nan, 1.0, 1, 0, 0, out3), "x0[1]");
  KOLMO_EXPECT_THROW_NAMING(ou.sample_transitions(x0, -1.0, 1, 0, 0, out3), "t");
}

}  // namespace
}  // namespace kolmo::process
