#include "kolmo/stats/local_orders.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/expect_error.hpp"

namespace kolmo::stats {
namespace {

std::vector<double> errors(const std::vector<double>& h, double p, double c, double q) {
  std::vector<double> e;
  for (double step : h) e.push_back(std::pow(step, p) * (1 + c * std::pow(step, q)));
  return e;
}

const std::vector<double> halvings{0.2, 0.1, 0.05, 0.025, 0.0125};

TEST(LocalOrders, AreTheSlopesBetweenNeighboursInAnyInputOrder) {
  const std::vector<double> h{0.025, 0.1, 0.05};
  const std::vector<double> e{0.025 * 0.025, 0.1 * 0.1 * 2, 0.05 * 0.05 * 2};
  const LocalOrders local = local_orders(h, e);
  ASSERT_TRUE(local.status.ok());
  ASSERT_EQ(local.orders.size(), 2u);
  EXPECT_NEAR(local.orders[0], 2.0, 1e-12);             // 0.1 → 0.05
  EXPECT_NEAR(local.orders[1], 3.0, 1e-12);             // 0.05 → 0.025: the factor 2 drops
  EXPECT_NEAR(local.refinement_ratio, 0.5, 1e-15);
  EXPECT_NEAR(local.drift_bound, 1.0 + local.uncertainty_term, 1e-12);  // |Δ| ρ/(1 − ρ) with ρ = 1/2
}

TEST(LocalOrders, TheDriftBoundContainsTheAsymptoticOrderForCorrectionsOfOrderAtLeastOne) {
  for (double q : {1.0, 2.0}) {
    for (double c : {-3.0, 0.5, 4.0}) {
      const LocalOrders local = local_orders(halvings, errors(halvings, 2.0, c, q));
      ASSERT_TRUE(local.status.ok()) << local.status.message;
      EXPECT_LE(local.lower(), 2.0) << "q = " << q << ", c = " << c;
      EXPECT_GE(local.upper(), 2.0) << "q = " << q << ", c = " << c;
      EXPECT_LT(local.drift_bound, 0.25);
    }
  }
}

TEST(LocalOrders, ASlowerCorrectionIsSeenInTheObservedRatio) {
  // q = 1/2: ρ = 2^{-1/2} ≈ 0.71 > r = 1/2; the observed ratio takes over and still bounds it.
  const LocalOrders local = local_orders(halvings, errors(halvings, 1.0, 1.0, 0.5));
  ASSERT_TRUE(local.status.ok());
  EXPECT_GT(local.observed_ratio, 0.6);
  EXPECT_EQ(local.ratio, local.observed_ratio);
  EXPECT_LE(local.lower(), 1.0);
  EXPECT_GE(local.upper(), 1.0);
}

using Values = std::vector<double>;

TEST(LocalOrders, RefusalsAndMisuse) {
  EXPECT_EQ(local_orders(halvings, Values{1e-2, 1e-3, 0.0, 1e-5, 1e-6}).status.code, StatusCode::within_noise);
  EXPECT_EQ(local_orders(Values{0.1, 0.05, 0.025, 0.0125}, Values{1e-2, 2e-3, 8e-4, 1e-4}).status.code,
            StatusCode::not_converged);
  KOLMO_EXPECT_THROW_NAMING((void)local_orders(Values{0.1, 0.05}, Values{1e-2, 1e-3}), "h.size()");
  KOLMO_EXPECT_THROW_NAMING((void)local_orders(Values{0.1, 0.05, 0.05}, Values{1e-2, 1e-3, 1e-4}), "h");
  KOLMO_EXPECT_THROW_NAMING((void)local_orders(Values{0.1, 0.05, 0.025}, Values{1e-2, 1e-3}), "error.size()");
  KOLMO_EXPECT_THROW_NAMING((void)local_orders(Values{0.1, 0.05, 0.025}, Values{1e-2, NAN, 1e-4}), "error");
  KOLMO_EXPECT_THROW_NAMING((void)local_orders(Values{0.1, 0.05, 0.025}, Values{1e-2, 1e-3, 1e-4}, -1.0),
                            "error_uncertainty");
}

TEST(LocalOrderInterval, IsTheDriftBoundWithRhoFromTheoryWidenedByTheJackknife) {
  // Four groups of errors e = h (1 + √h) times a group factor 1 ± noise (1 + i/10): without noise
  // every replicate equals the mean, so the ends are exactly estimate ∓ |Δ| ρ/(1 − ρ) with
  // ρ = (1/2)^{1/2}; with noise the jackknife margins widen them.
  const std::vector<std::size_t> sizes{10, 10, 10, 10};
  const auto study = [&](double noise) {
    std::vector<std::vector<double>> groups(4);
    Values mean(halvings.size(), 0.0);
    for (std::size_t g = 0; g < 4; ++g) {
      for (std::size_t i = 0; i < halvings.size(); ++i) {
        const double h = halvings[i];
        groups[g].push_back(h * (1 + std::sqrt(h)) * (1 + noise * (g % 2 == 0 ? 1.0 : -1.0) * (1 + 0.1 * static_cast<double>(i))));
        mean[i] += groups[g].back() / 4;
      }
    }
    return local_order_interval(halvings, mean, groups, sizes, [](double m) { return m; }, 0.5);
  };
  const LocalOrderInterval quiet = study(0.0), noisy = study(0.02);
  ASSERT_TRUE(quiet.status.ok());
  const double rho = std::sqrt(0.5);
  EXPECT_NEAR(quiet.local.ratio, rho, 1e-15);
  const double last = quiet.local.orders.back(), change = last - quiet.local.orders[quiet.local.orders.size() - 2];
  EXPECT_NEAR(quiet.lower_end, last - std::abs(change) * rho / (1 - rho), 1e-12);
  EXPECT_NEAR(quiet.upper_end, last + std::abs(change) * rho / (1 - rho), 1e-12);
  EXPECT_EQ(quiet.lower_standard_error, 0.0);
  EXPECT_EQ(quiet.interval(0.95).first, quiet.lower_end);
  ASSERT_TRUE(noisy.status.ok());
  EXPECT_GT(noisy.lower_standard_error, 0.0);
  EXPECT_LT(noisy.interval(0.95).first, noisy.lower_end);
  EXPECT_LT(noisy.interval(0.999).first, noisy.interval(0.95).first);  // a smaller α widens it
  KOLMO_EXPECT_THROW_NAMING((void)local_order_interval(halvings, halvings, {}, {}, [](double m) { return m; }, 0.5),
                            "group_means.size()");
  KOLMO_EXPECT_THROW_NAMING(
      (void)local_order_interval(halvings, halvings, std::vector<std::vector<double>>(4, halvings), sizes,
                                 [](double m) { return m; }, 0.0),
      "correction_order");
}

}  // namespace
}  // namespace kolmo::stats
