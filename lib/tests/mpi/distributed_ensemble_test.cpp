// Ensembles split over MPI ranks (ensemble/distributed.hpp, mpi/communicator.hpp). ctest runs this
// program under mpiexec with 1, 2 and 3 ranks; every test compares the distributed run with the
// same run in one process (no communicator, computed on each rank), bit for bit — equal to one
// rank-independent result, so the results of any two rank counts are equal too.
//
// Every rank runs every test and calls the collectives in the same order: the tests use EXPECT
// (never ASSERT, whose early return would leave the other ranks waiting in a collective).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "kolmo/core/error.hpp"
#include "kolmo/mpi/communicator.hpp"
#include "kolmo/sde/ensemble.hpp"
#include "kolmo/sde/euler_maruyama.hpp"
#include "kolmo/sde/milstein.hpp"
#include "kolmo/distribution/law.hpp"
#include "kolmo/sampling/dpm_solver_multistep.hpp"
#include "kolmo/sampling/langevin_mcmc.hpp"
#include "kolmo/sampling/sde_dpm_solver.hpp"
#include "kolmo/score/mixture_score.hpp"
#include "kolmo/process/geometric_brownian_motion.hpp"
#include "kolmo/sde/convergence.hpp"
#include "kolmo/ode/ensemble.hpp"
#include "kolmo/sampling/forward_process.hpp"
#include "kolmo/sampling/reverse_sde.hpp"
#include "support/bimodal_mixture.hpp"

namespace kolmo {
namespace {

const mpi::Communicator& world() {
  static const mpi::Communicator communicator;
  return communicator;
}

template <class A, class B>
bool same_bits(const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b) {
  const auto left = a.derived().eval();
  const auto right = b.derived().eval();
  return left.rows() == right.rows() && left.cols() == right.cols() &&
         std::memcmp(left.data(), right.data(), static_cast<std::size_t>(left.size()) * sizeof(double)) == 0;
}

/// A 2-D SDE with state-dependent diagonal noise, dX = −X dt + (0.5 + 0.1 sin X) dW: 400 000
/// paths are 196 batches of 2048 in 4 waves (the last one partial), so that 2 and 3 ranks own
/// different numbers of waves.
constexpr std::uint64_t paths = 400'000;
process::Sde diagonal_sde() {
  process::Sde sde = process::Sde::diagonal(
      "test-diagonal", 2, [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x; },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0.5 + 0.1 * x.sin(); });
  sde.with_diffusion_derivative([](double, const process::StateView& x) -> Eigen::ArrayXXd { return 0.1 * x.cos(); });
  return sde;
}
const process::Sde sde = diagonal_sde();

sde::EnsembleOptions observed(int threads) {
  sde::EnsembleOptions options{.paths = paths, .threads = threads};
  options.observe.snapshot_times = {0.25};
  options.observe.moment_times = {0.5, 1.0};
  options.observe.histograms = {{1.0, 1, {-2.0, -1.0, 0.0, 1.0, 2.0}}};
  return options;
}

void expect_same_statistics(const ensemble::EnsembleSolution& distributed, const ensemble::EnsembleSolution& single) {
  EXPECT_EQ(distributed.status.code, single.status.code);
  EXPECT_EQ(distributed.status.where, single.status.where);
  for (std::size_t s = 0; s < single.moments.size(); ++s) {
    EXPECT_EQ(distributed.moments[s].moments.count(), single.moments[s].moments.count());
    EXPECT_TRUE(same_bits(distributed.moments[s].moments.mean(), single.moments[s].moments.mean())) << "moments " << s;
    EXPECT_TRUE(same_bits(distributed.moments[s].moments.co_moment(), single.moments[s].moments.co_moment()));
  }
  for (std::size_t s = 0; s < single.histograms.size(); ++s) {
    EXPECT_EQ(distributed.histograms[s].counts, single.histograms[s].counts);
    EXPECT_EQ(distributed.histograms[s].below, single.histograms[s].below);
    EXPECT_EQ(distributed.histograms[s].above, single.histograms[s].above);
  }
  EXPECT_EQ(distributed.failures.size(), single.failures.size());
  EXPECT_EQ(distributed.stats.drift_evaluations, single.stats.drift_evaluations);
  EXPECT_EQ(distributed.stats.diffusion_evaluations, single.stats.diffusion_evaluations);
  EXPECT_EQ(distributed.stats.steps, single.stats.steps);
  EXPECT_EQ(distributed.stats.paths, single.stats.paths);
}

TEST(Distributed, AnEnsembleIsBitIdenticalToTheRunInOneProcess) {
  const sde::SdeProblem problem(sde, ensemble::InitialLaw::gaussian(Eigen::Vector2d(1.0, -0.5), Eigen::Matrix2d::Identity()),
                                0.0, 1.0, 2024);
  sde::EnsembleOptions options = observed(2);
  options.distributed.communicator = &world();
  const auto distributed = sde::solve(problem, sde::Milstein{1.0 / 40}, options);
  const auto single = sde::solve(problem, sde::Milstein{1.0 / 40}, observed(1));
  expect_same_statistics(distributed, single);
  if (world().rank() == 0) {
    EXPECT_TRUE(same_bits(distributed.terminal, single.terminal));
    EXPECT_TRUE(same_bits(distributed.snapshots[0].states, single.snapshots[0].states));
  } else {
    EXPECT_EQ(distributed.terminal.rows(), 0);  // gathered on rank 0
    EXPECT_EQ(distributed.snapshots[0].states.rows(), 0);
  }
}

TEST(Distributed, TerminalStatesLeftDistributedAreEachRanksOwnRows) {
  const sde::SdeProblem problem(sde, ensemble::InitialLaw::point(Eigen::Vector2d(0.3, 0.7)), 0.0, 0.5, 7);
  sde::EnsembleOptions options{.paths = paths, .threads = 2};
  options.distributed = {.communicator = &world(), .terminal = ensemble::TerminalStates::distributed};
  const auto distributed = sde::solve(problem, sde::EulerMaruyama{0.05}, options);
  const auto single = sde::solve(problem, sde::EulerMaruyama{0.05}, {.paths = paths});
  const auto first = static_cast<Eigen::Index>(distributed.first_row);
  EXPECT_LE(distributed.first_row + static_cast<std::uint64_t>(distributed.terminal.rows()), paths);
  EXPECT_TRUE(same_bits(distributed.terminal, single.terminal.middleRows(first, distributed.terminal.rows())));
  // The ranks' rows tile the paths: their counts sum to all of them.
  const std::uint64_t mine = static_cast<std::uint64_t>(distributed.terminal.rows());
  std::uint64_t total = 0;
  for (const auto& bytes : world().all_gather({reinterpret_cast<const std::byte*>(&mine), sizeof mine})) {
    std::uint64_t rows = 0;
    std::memcpy(&rows, bytes.data(), sizeof rows);
    total += rows;
  }
  EXPECT_EQ(total, paths);
}

TEST(Distributed, APathThatFailsOnOneRankIsInEveryRanksStatus) {
  // Path 350 000 lies in the last wave, on the last rank: it starts at 50, where the drift x³
  // (switched on above |x| = 10) sends it to infinity within a few steps.
  Eigen::ArrayXXd starts = Eigen::ArrayXXd::Constant(static_cast<Eigen::Index>(paths), 2, 0.1);
  starts(350'000, 1) = 50.0;
  const process::Sde exploding = process::Sde::diagonal(
      "explodes-above-10", 2,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return -x + (x.abs() > 10.0).cast<double>() * x.cube(); },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 2, 0.5); });
  const sde::SdeProblem problem(exploding, ensemble::InitialLaw::points(starts), 0.0, 1.0, 11);
  sde::EnsembleOptions options = observed(2);
  options.distributed.communicator = &world();
  const auto distributed = sde::solve(problem, sde::EulerMaruyama{0.05}, options);
  const auto single = sde::solve(problem, sde::EulerMaruyama{0.05}, observed(1));
  EXPECT_EQ(distributed.status.code, StatusCode::non_finite);
  EXPECT_NE(distributed.status.where.find("path 350000"), std::string::npos) << distributed.status.where;
  ASSERT_EQ(distributed.failures.size(), 1u);
  EXPECT_EQ(distributed.failures[0].path, 350'000u);
  expect_same_statistics(distributed, single);
}

TEST(Distributed, AModelThatThrowsOnOneRankStopsEveryRank) {
  // The drift throws for the batch holding the marked start (path 300 000, in the third wave).
  Eigen::ArrayXXd starts = Eigen::ArrayXXd::Constant(static_cast<Eigen::Index>(paths), 2, 0.1);
  starts(300'000, 0) = 42.0;
  const process::Sde throwing = process::Sde::diagonal(
      "throws-at-42", 2,
      [](double, const process::StateView& x) -> Eigen::ArrayXXd {
        if ((x.col(0) == 42.0).any()) throw std::runtime_error("the user's drift refused x = 42");
        return -x;
      },
      [](double, const process::StateView& x) -> Eigen::ArrayXXd { return Eigen::ArrayXXd::Constant(x.rows(), 2, 0.5); });
  const sde::SdeProblem problem(throwing, ensemble::InitialLaw::points(starts), 0.0, 0.5, 3);
  sde::EnsembleOptions options{.paths = paths, .threads = 2};
  options.distributed.communicator = &world();
  std::string message;
  try {
    (void)sde::solve(problem, sde::EulerMaruyama{0.05}, options);
  } catch (const Error& e) {
    message = e.what();
  }
  const int owner = world().size() == 1 ? 0 : world().size() == 2 ? 1 : 2;  // the rank with wave 2 of 4
  EXPECT_NE(message.find("rank " + std::to_string(owner) + " of " + std::to_string(world().size())), std::string::npos)
      << message;
  EXPECT_NE(message.find("the user's drift refused x = 42"), std::string::npos) << message;
}

/// DPM-Solver++(2M) (deterministic) and SDE-DPM-Solver++(2M) (noise at Purpose::brownian) on the
/// 2-D mixture from exact p_T draws: 300 000 paths, 147 batches in 3 waves.
template <class Method>
void expect_sampler_bit_identical(const Method& method) {
  const distribution::DiffusedMixture law = test_support::bimodal_vp_linear();
  const sampling::SamplingProblem problem(score::mixture_score(law), law.schedule(),
                                          ensemble::InitialLaw::from(distribution::Law::mixture(law.marginal(1.0))), 1.0,
                                          1e-3, 99);
  constexpr std::uint64_t sampled = 300'000;
  sampling::SamplerOptions options{.paths = sampled, .threads = 2};
  options.observe.moment_times = {1e-3};
  options.distributed.communicator = &world();
  const sampling::SampleSolution distributed = sampling::sample(problem, method, options);
  sampling::SamplerOptions alone{.paths = sampled};
  alone.observe.moment_times = {1e-3};
  const sampling::SampleSolution single = sampling::sample(problem, method, alone);
  EXPECT_EQ(distributed.stats.model_evaluations, single.stats.model_evaluations);
  EXPECT_TRUE(same_bits(distributed.moments[0].moments.mean(), single.moments[0].moments.mean()));
  EXPECT_TRUE(same_bits(distributed.moments[0].moments.co_moment(), single.moments[0].moments.co_moment()));
  if (world().rank() == 0) {
    EXPECT_TRUE(same_bits(distributed.samples, single.samples)) << distributed.sampler;
  } else {
    EXPECT_EQ(distributed.samples.rows(), 0);
  }
}

TEST(Distributed, SamplersAreBitIdenticalToTheRunInOneProcess) {
  expect_sampler_bit_identical(sampling::DpmSolverMultistep{.order = 2, .steps = 20, .prediction = sampling::Prediction::data});
  expect_sampler_bit_identical(sampling::SdeDpmSolverPlusPlus2M{.steps = 20});
}

/// MALA chains on the 2-D bimodal mixture (a Metropolis step per iteration, so the acceptance
/// rate is a count over every rank's chains): final states, failures and acceptance rate as in one
/// process, the states gathered to rank 0.
TEST(Distributed, LangevinChainsAreBitIdenticalToTheRunInOneProcess) {
  const distribution::GaussianMixture mixture = test_support::bimodal_mixture();
  const sampling::LangevinTarget target{"bimodal", 2,
                                        [mixture](const process::StateView& x) -> Eigen::ArrayXXd { return mixture.score(x); },
                                        [mixture](const process::StateView& x) -> Eigen::ArrayXd { return mixture.log_density(x); }};
  const auto initial = ensemble::InitialLaw::from(distribution::Law::gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)));
  constexpr std::uint64_t chains = 270'000;  // 3 waves of 2-D batches (2048 paths each)
  sampling::ChainOptions options{.paths = chains, .threads = 2};
  options.distributed.communicator = &world();
  const sampling::Mala mala{.step = 0.05, .iterations = 20};
  const sampling::ChainSolution distributed = sampling::run_chains(target, initial, 17, mala, options);
  const sampling::ChainSolution single = sampling::run_chains(target, initial, 17, mala, {.paths = chains, .threads = 2});
  EXPECT_EQ(std::memcmp(&distributed.acceptance_rate, &single.acceptance_rate, sizeof(double)), 0)
      << distributed.acceptance_rate << " vs " << single.acceptance_rate;
  EXPECT_GT(single.acceptance_rate, 0.3);
  EXPECT_LT(single.acceptance_rate, 1.0);
  EXPECT_EQ(distributed.failures.size(), single.failures.size());
  if (world().rank() == 0) {
    EXPECT_TRUE(same_bits(distributed.samples, single.samples));
  } else {
    EXPECT_EQ(distributed.samples.rows(), 0);
  }
}

/// A strong and weak convergence study of Euler–Maruyama on GBM against its exact path solution,
/// 600 000 paths in 1-D (3 waves: with 3 ranks, a wave each; the 100 jackknife groups cut across
/// the waves), and a Milstein study against a reference step (no exact solution used).
TEST(Distributed, ConvergenceStudiesAreBitIdenticalToTheOneProcessStudy) {
  const process::GeometricBrownianMotion gbm(2.0, 1.0);
  const sde::SdeProblem problem(gbm.sde(), ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, 5);
  sde::ConvergenceOptions options;
  options.dts = {1.0 / 8, 1.0 / 16, 1.0 / 32};
  options.paths = 600'000;
  options.threads = 2;
  options.functionals = {{"x", [](const Eigen::ArrayXXd& x) -> Eigen::ArrayXd { return x.col(0); }}};
  options.exact = [gbm](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    return gbm.solution(t0, t1, x0, w);
  };
  const auto compare = [](const sde::ConvergenceStudy& split, const sde::ConvergenceStudy& single) {
    EXPECT_EQ(split.status.code, single.status.code);
    ASSERT_EQ(split.resolutions.size(), single.resolutions.size());
    for (std::size_t k = 0; k < single.resolutions.size(); ++k) {
      const sde::Resolution& a = split.resolutions[k];
      const sde::Resolution& b = single.resolutions[k];
      EXPECT_EQ(std::memcmp(&a.strong.mean, &b.strong.mean, sizeof(double)), 0) << a.strong.mean << " vs " << b.strong.mean;
      EXPECT_EQ(std::memcmp(&a.strong.standard_error, &b.strong.standard_error, sizeof(double)), 0);
      EXPECT_EQ(std::memcmp(&a.strong_rms, &b.strong_rms, sizeof(double)), 0);
      EXPECT_EQ(a.strong_group_means, b.strong_group_means);
      EXPECT_EQ(a.square_group_means, b.square_group_means);
      EXPECT_EQ(a.weak_group_means, b.weak_group_means);
      EXPECT_EQ(std::memcmp(&a.weak[0].mean, &b.weak[0].mean, sizeof(double)), 0);
      EXPECT_EQ(a.drift_evaluations, b.drift_evaluations);
    }
    EXPECT_EQ(std::memcmp(&split.strong_order.slope, &single.strong_order.slope, sizeof(double)), 0)
        << split.strong_order.slope << " vs " << single.strong_order.slope;
    EXPECT_EQ(std::memcmp(&split.strong_local->upper_end, &single.strong_local->upper_end, sizeof(double)), 0);
  };
  sde::ConvergenceOptions split = options;
  split.communicator = &world();
  compare(sde::study_convergence(problem, sde::EulerMaruyama{1.0 / 8}, split),
          sde::study_convergence(problem, sde::EulerMaruyama{1.0 / 8}, options));
  // Held a wave per rank at a time (chunks of R waves; with 2 ranks the last chunk's one wave
  // leaves rank 1 without paths), the split study is still the one-process study.
  split.paths_in_memory = 1;
  compare(sde::study_convergence(problem, sde::EulerMaruyama{1.0 / 8}, split),
          sde::study_convergence(problem, sde::EulerMaruyama{1.0 / 8}, options));

  options.exact = nullptr;
  options.reference_dt = 1.0 / 128;
  options.paths = 300'000;
  split = options;
  split.communicator = &world();
  const process::Sde milstein_gbm = gbm.sde();
  const sde::SdeProblem reference_problem(milstein_gbm, ensemble::InitialLaw::point(Eigen::VectorXd::Ones(1)), 0.0, 1.0, 6);
  compare(sde::study_convergence(reference_problem, sde::Milstein{1.0 / 8}, split),
          sde::study_convergence(reference_problem, sde::Milstein{1.0 / 8}, options));
}

/// An exact solution that throws for one start (path 280 000: in the second of 2 waves of 262 144 paths, on the last
/// rank) stops the study on every rank, naming that rank; in one process the exception passes.
TEST(Distributed, AStudyWhoseExactSolutionThrowsOnOneRankStopsEveryRank) {
  constexpr std::uint64_t study_paths = 300'000;
  Eigen::ArrayXXd starts = Eigen::ArrayXXd::Ones(static_cast<Eigen::Index>(study_paths), 1);
  starts(280'000, 0) = 42.0;
  const process::GeometricBrownianMotion gbm(2.0, 1.0);
  const sde::SdeProblem problem(gbm.sde(), ensemble::InitialLaw::points(starts), 0.0, 1.0, 5);
  sde::ConvergenceOptions options;
  options.dts = {1.0 / 8, 1.0 / 16, 1.0 / 32};
  options.paths = study_paths;
  options.exact = [gbm](double t0, double t1, const process::StateView& x0, const process::StateView& w) {
    if ((x0 == 42.0).any()) throw std::runtime_error("the exact solution refused x0 = 42");
    return gbm.solution(t0, t1, x0, w);
  };
  options.communicator = &world();
  std::string message;
  try {
    (void)sde::study_convergence(problem, sde::EulerMaruyama{1.0 / 8}, options);
  } catch (const Error& e) {
    message = e.what();
  }
  const int last = world().size() - 1;
  EXPECT_NE(message.find("rank " + std::to_string(last) + " of " + std::to_string(world().size()) + " failed"),
            std::string::npos) << message;
  EXPECT_NE(message.find("refused x0 = 42"), std::string::npos) << message;
}

/// The probability-flow ODE of the 2-D mixture by Dormand–Prince with the exact divergence carried
/// along: 140 000 paths (69 batches, 2 waves), states and log-densities gathered to rank 0.
TEST(Distributed, FlowEnsemblesAreBitIdenticalToTheRunInOneProcess) {
  const distribution::DiffusedMixture law = test_support::bimodal_vp_linear();
  const ode::Flow flow = sampling::probability_flow(sampling::ForwardProcess::of(law.schedule(), 2), score::mixture_score(law));
  const ode::FlowProblem problem{flow, ensemble::InitialLaw::from(distribution::Law::mixture(law.marginal(1.0))), 1.0, 1e-3, 8};
  ode::FlowEnsembleOptions options{.paths = 140'000, .threads = 2, .log_density = ode::ExactDivergence{}};
  options.observe.moment_times = {0.5};
  ode::FlowEnsembleOptions alone = options;
  alone.threads = 1;
  options.distributed.communicator = &world();
  const ode::FlowEnsembleSolution distributed = ode::solve(problem, ode::DormandPrince{1e-6, 1e-6}, options);
  const ode::FlowEnsembleSolution single = ode::solve(problem, ode::DormandPrince{1e-6, 1e-6}, alone);
  expect_same_statistics(distributed.ensemble, single.ensemble);
  EXPECT_EQ(distributed.velocity_evaluations, single.velocity_evaluations);
  if (world().rank() == 0) {
    EXPECT_TRUE(same_bits(distributed.ensemble.terminal, single.ensemble.terminal));
    EXPECT_TRUE(same_bits(distributed.log_density_change, single.log_density_change));
    EXPECT_TRUE(same_bits(distributed.log_density_standard_error, single.log_density_standard_error));
  } else {
    EXPECT_EQ(distributed.log_density_change.size(), 0);
  }
}

/// A communicator that claims no ranks at all.
class NoRanks final : public ensemble::Communicator {
 public:
  [[nodiscard]] int rank() const override { return 0; }
  [[nodiscard]] int size() const override { return 0; }
  [[nodiscard]] std::vector<std::vector<std::byte>> all_gather(std::span<const std::byte>) const override { return {}; }
  [[nodiscard]] std::vector<std::vector<std::byte>> gather(std::span<const std::byte>, int) const override { return {}; }
};

TEST(Distributed, BadInputIsNamed) {
  const sde::SdeProblem problem(sde, ensemble::InitialLaw::point(Eigen::Vector2d(0.3, 0.7)), 0.0, 0.5, 7);
  const NoRanks none;
  sde::EnsembleOptions options{.paths = 10};
  options.distributed.communicator = &none;
  try {
    (void)sde::solve(problem, sde::EulerMaruyama{0.05}, options);
    ADD_FAILURE() << "a communicator of size 0 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("communicator.size()"), std::string::npos) << e.what();
  }
  if (world().size() > 1) {  // fewer paths than ranks (every rank refuses before any collective)
    options = {.paths = 1};
    options.distributed.communicator = &world();
    try {
      (void)sde::solve(problem, sde::EulerMaruyama{0.05}, options);
      ADD_FAILURE() << "1 path over " << world().size() << " ranks was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("options.paths"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace kolmo

int main(int argc, char** argv) {
  kolmo::mpi::Environment environment(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (kolmo::world().rank() != 0) {  // one report: rank 0's (a failure elsewhere still fails the exit code)
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
