#include "kolmo/sampling/langevin_mcmc.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <span>

#include "../sde/batch_records.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::sampling {
namespace {

enum class Adjustment { none, metropolis };

/// What one batch of chains contributes; merged in batch order.
struct ChainBatch {
  std::uint64_t proposals = 0;
  std::uint64_t accepted = 0;
  std::vector<sde::PathFailure> failures;
  std::exception_ptr error;
};

class ChainRun {
 public:
  ChainRun(const LangevinTarget& target, std::uint64_t seed, double step, Adjustment adjustment)
      : target_(target), seed_(seed), step_(step), adjustment_(adjustment) {}

  /// Advances chains [first_path, first_path + x.rows()) through every iteration, in place.
  void run(Eigen::ArrayXXd& x, std::uint64_t first_path, std::uint64_t iterations, ChainBatch& batch) const {
    const auto count = static_cast<std::size_t>(x.rows());
    std::vector<bool> alive(count, true);
    stop_non_finite(x, alive, first_path, 0, batch);
    const bool metropolis = adjustment_ == Adjustment::metropolis;
    Eigen::ArrayXXd score = metropolis ? target_.score(x) : Eigen::ArrayXXd();  // MALA carries ∇log π(x)
    Eigen::ArrayXd log_density = metropolis ? target_.log_density(x) : Eigen::ArrayXd();
    Eigen::ArrayXXd z(x.rows(), x.cols());
    for (std::uint64_t k = 0; k < iterations; ++k) {
      if (!metropolis) score = target_.score(x);
      random::fill_standard_normals({seed_, random::Purpose::langevin, k, first_path, count,
                                     static_cast<std::size_t>(x.cols())},
                                    std::span<double>(z.data(), static_cast<std::size_t>(z.size())));
      // The Langevin proposal y = x + h ∇log π(x) + √(2h) z (Roberts & Tweedie 1996, eq. 1.5).
      Eigen::ArrayXXd proposal = x + step_ * score + std::sqrt(2.0 * step_) * z;
      if (!metropolis) {
        x = std::move(proposal);
        stop_non_finite(x, alive, first_path, k + 1, batch);
      } else {
        accept_or_reject(x, score, log_density, proposal, z, alive, first_path, k, batch);
      }
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (!alive[i]) x.row(static_cast<Eigen::Index>(i)).setConstant(std::numeric_limits<double>::quiet_NaN());
    }
  }

 private:
  // MALA's accept/reject (Roberts & Tweedie 1996, §1.4): log of the Hastings ratio
  //   log π(y) − log π(x) + log q(x | y) − log q(y | x),
  // with log q(y | x) = −|z|²/2 since y − x − h ∇log π(x) = √(2h) z. A proposal whose target
  // values are not finite has π(y) = 0 in effect and is rejected.
  void accept_or_reject(Eigen::ArrayXXd& x, Eigen::ArrayXXd& score, Eigen::ArrayXd& log_density,
                        const Eigen::ArrayXXd& proposal, const Eigen::ArrayXXd& z, std::vector<bool>& alive,
                        std::uint64_t first_path, std::uint64_t k, ChainBatch& batch) const {
    const auto count = static_cast<std::size_t>(x.rows());
    const Eigen::ArrayXXd proposal_score = target_.score(proposal);
    const Eigen::ArrayXd proposal_log_density = target_.log_density(proposal);
    const Eigen::ArrayXd forward = -0.5 * z.square().rowwise().sum();
    const Eigen::ArrayXd backward =
        -(x - proposal - step_ * proposal_score).square().rowwise().sum() / (4.0 * step_);
    const Eigen::ArrayXd log_ratio = proposal_log_density - log_density + backward - forward;
    std::vector<double> uniforms(count);
    random::fill_uniforms({seed_, random::Purpose::accept_reject, k, first_path, count, 1}, uniforms);
    for (std::size_t i = 0; i < count; ++i) {
      if (!alive[i]) continue;
      ++batch.proposals;
      const auto row = static_cast<Eigen::Index>(i);
      const bool finite = std::isfinite(log_ratio(row)) && proposal_score.row(row).isFinite().all();
      if (finite && std::log(uniforms[i]) < log_ratio(row)) {
        ++batch.accepted;
        x.row(row) = proposal.row(row);
        score.row(row) = proposal_score.row(row);
        log_density(row) = proposal_log_density(row);
      }
    }
  }

  /// Stops every live chain whose state is not finite (recording where) and parks it at 0 so the
  /// target is never evaluated at NaN.
  static void stop_non_finite(Eigen::ArrayXXd& x, std::vector<bool>& alive, std::uint64_t first_path,
                              std::uint64_t iteration, ChainBatch& batch) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const auto index = static_cast<std::size_t>(i);
      if (!alive[index]) continue;
      for (Eigen::Index c = 0; c < x.cols(); ++c) {
        if (std::isfinite(x(i, c))) continue;
        batch.failures.push_back({first_path + index, static_cast<double>(iteration), static_cast<std::size_t>(c),
                                  x(i, c)});
        alive[index] = false;
        x.row(i).setZero();
        break;
      }
    }
  }

  const LangevinTarget& target_;
  std::uint64_t seed_;
  double step_;
  Adjustment adjustment_;
};

void check_arguments(const LangevinTarget& target, const sde::InitialLaw& initial, double step,
                     std::uint64_t iterations, const ChainOptions& options, Adjustment adjustment) {
  constexpr const char* where = "kolmo::sampling::run_chains";
  require_positive(where, "step", step);
  require_at_least(where, "iterations", iterations, 1);
  require_at_least(where, "options.paths", options.paths, 1);
  require_at_least(where, "options.threads", static_cast<std::uint64_t>(std::max(options.threads, 0)), 1);
  require(static_cast<bool>(target.score), where, "target.score", std::string_view("(empty)"), "a score function");
  require(adjustment == Adjustment::none || static_cast<bool>(target.log_density), where, "target.log_density",
          std::string_view("(empty)"), "a log-density function (MALA's acceptance needs it)");
  require(initial.dimension() == target.dimension, where, "initial.dimension()", initial.dimension(),
          "the target's dimension " + std::to_string(target.dimension));
  require(initial.fixed_paths() == 0 || initial.fixed_paths() == options.paths, where, "options.paths",
          options.paths, "the " + std::to_string(initial.fixed_paths()) + " paths the initial law fixes");
}

ChainResult run(const LangevinTarget& target, const sde::InitialLaw& initial, std::uint64_t seed, double step,
                std::uint64_t iterations, const ChainOptions& options, Adjustment adjustment) {
  check_arguments(target, initial, step, iterations, options, adjustment);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t d = target.dimension;
  const std::size_t batch = sde::detail::batch_size(d);
  const auto paths = static_cast<std::size_t>(options.paths);
  const std::size_t batches = (paths + batch - 1) / batch;
  ChainResult result;
  result.method = adjustment == Adjustment::none ? "ula" : "mala";
  result.samples.resize(static_cast<Eigen::Index>(paths), static_cast<Eigen::Index>(d));
  std::vector<ChainBatch> records(batches);
  const ChainRun chains(target, seed, step, adjustment);
#pragma omp parallel for schedule(dynamic, 1) num_threads(options.threads)
  for (std::size_t b = 0; b < batches; ++b) {
    try {
      const std::size_t first = b * batch;
      const std::size_t count = std::min(batch, paths - first);
      Eigen::ArrayXXd x = initial.sample(seed, options.first_path + first, count);
      chains.run(x, options.first_path + first, iterations, records[b]);
      result.samples.middleRows(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(count)) = x;
    } catch (...) {
      records[b].error = std::current_exception();
    }
  }
  std::uint64_t proposals = 0;
  std::uint64_t accepted = 0;
  for (ChainBatch& record : records) {
    if (record.error) std::rethrow_exception(record.error);
    proposals += record.proposals;
    accepted += record.accepted;
    result.failures.insert(result.failures.end(), record.failures.begin(), record.failures.end());
  }
  if (adjustment == Adjustment::metropolis) {
    result.acceptance_rate = proposals == 0 ? 0.0 : static_cast<double>(accepted) / static_cast<double>(proposals);
  }
  std::sort(result.failures.begin(), result.failures.end(),
            [](const sde::PathFailure& a, const sde::PathFailure& b) { return a.path < b.path; });
  if (!result.failures.empty()) {
    const sde::PathFailure& first = result.failures.front();
    result.status = Status::failure(StatusCode::non_finite,
                                    "chain " + std::to_string(first.path) + " at iteration " +
                                        describe_value(first.time) + ", component " + std::to_string(first.component),
                                    std::to_string(result.failures.size()) + " chain(s) reached a non-finite state");
  }
  const bool metropolis = adjustment == Adjustment::metropolis;
  result.stats = {iterations, iterations + (metropolis ? 1 : 0), metropolis ? iterations + 1 : 0, options.paths,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  return result;
}

}  // namespace

ChainResult run_chains(const LangevinTarget& target, const sde::InitialLaw& initial, std::uint64_t seed,
                       const Ula& method, const ChainOptions& options) {
  return run(target, initial, seed, method.step, method.iterations, options, Adjustment::none);
}

ChainResult run_chains(const LangevinTarget& target, const sde::InitialLaw& initial, std::uint64_t seed,
                       const Mala& method, const ChainOptions& options) {
  return run(target, initial, seed, method.step, method.iterations, options, Adjustment::metropolis);
}

// x' = (1 − h/s²) x + √(2h) z has stationary variance v with v = (1 − h/s²)² v + 2h, i.e.
// v = 2h / (1 − (1 − h/s²)²) = s² / (1 − h/(2s²)); it exists for 0 < h < 2 s².
double ula_gaussian_stationary_variance(double target_variance, double step) {
  constexpr const char* where = "kolmo::sampling::ula_gaussian_stationary_variance";
  require_positive(where, "target_variance", target_variance);
  require_open_interval(where, "step", step, 0.0, 2.0 * target_variance);
  return target_variance / (1.0 - step / (2.0 * target_variance));
}

}  // namespace kolmo::sampling
