#include "kolmo/sampling/langevin_mcmc.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <span>

#include "kolmo/ensemble/batches.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/random/normal.hpp"
#include "kolmo/random/uniform.hpp"

namespace kolmo::sampling {
namespace {

enum class Adjustment { none, metropolis };

/// Proposals and acceptances of one batch of chains (integers: their sum is order-independent).
struct AcceptanceCount {
  std::uint64_t proposals = 0;
  std::uint64_t accepted = 0;
};

/// Advances one batch of chains. Non-finite states are stopped, recorded and frozen by the SDE
/// engine's BatchObserver (ensemble/batches.hpp), with the iteration as the failure's time.
class ChainRun {
 public:
  ChainRun(const LangevinTarget& target, std::uint64_t seed, double step, Adjustment adjustment)
      : target_(target), seed_(seed), step_(step), adjustment_(adjustment) {}

  /// Advances chains [first_path, first_path + x.rows()) through every iteration, in place.
  void run(Eigen::ArrayXXd& x, std::uint64_t first_path, std::uint64_t iterations, ensemble::BatchObserver& observer,
           AcceptanceCount& count) const {
    observer.stop_failed(x, x, 0.0, first_path);  // a non-finite initial state is parked at zero
    const bool metropolis = adjustment_ == Adjustment::metropolis;
    Eigen::ArrayXXd score = metropolis ? target_.score(x) : Eigen::ArrayXXd();  // MALA carries ∇log π(x)
    Eigen::ArrayXd log_density = metropolis ? target_.log_density(x) : Eigen::ArrayXd();
    Eigen::ArrayXXd z(x.rows(), x.cols());
    for (std::uint64_t k = 0; k < iterations; ++k) {
      if (!metropolis) score = target_.score(x);
      random::fill_standard_normals({seed_, random::Purpose::langevin, k, first_path, static_cast<std::size_t>(x.rows()),
                                     static_cast<std::size_t>(x.cols())},
                                    std::span<double>(z.data(), static_cast<std::size_t>(z.size())));
      // The Langevin proposal y = x + h ∇log π(x) + √(2h) z (Roberts & Tweedie 1996, eq. 1.5).
      Eigen::ArrayXXd proposal = x + step_ * score + std::sqrt(2.0 * step_) * z;
      if (!metropolis) {
        std::swap(x, proposal);  // proposal now holds the previous state
        observer.stop_failed(x, proposal, static_cast<double>(k + 1), first_path);
      } else {
        accept_or_reject(x, score, log_density, proposal, z, observer.alive(), first_path, k, count);
      }
    }
  }

 private:
  // MALA's accept/reject (Roberts & Tweedie 1996, §1.4): log of the Hastings ratio
  //   log π(y) − log π(x) + log q(x | y) − log q(y | x),
  // with log q(y | x) = −|z|²/2 since y − x − h ∇log π(x) = √(2h) z. A proposal whose target
  // values are not finite has π(y) = 0 in effect and is rejected, so MALA's state stays finite.
  void accept_or_reject(Eigen::ArrayXXd& x, Eigen::ArrayXXd& score, Eigen::ArrayXd& log_density,
                        const Eigen::ArrayXXd& proposal, const Eigen::ArrayXXd& z, const std::vector<bool>& alive,
                        std::uint64_t first_path, std::uint64_t k, AcceptanceCount& count) const {
    const auto paths = static_cast<std::size_t>(x.rows());
    const Eigen::ArrayXXd proposal_score = target_.score(proposal);
    const Eigen::ArrayXd proposal_log_density = target_.log_density(proposal);
    const Eigen::ArrayXd forward = -0.5 * z.square().rowwise().sum();
    const Eigen::ArrayXd backward =
        -(x - proposal - step_ * proposal_score).square().rowwise().sum() / (4.0 * step_);
    const Eigen::ArrayXd log_ratio = proposal_log_density - log_density + backward - forward;
    std::vector<double> uniforms(paths);
    random::fill_uniforms({seed_, random::Purpose::accept_reject, k, first_path, paths, 1}, uniforms);
    for (std::size_t i = 0; i < paths; ++i) {
      if (!alive[i]) continue;
      ++count.proposals;
      const auto row = static_cast<Eigen::Index>(i);
      const bool finite = std::isfinite(log_ratio(row)) && proposal_score.row(row).isFinite().all();
      if (finite && std::log(uniforms[i]) < log_ratio(row)) {
        ++count.accepted;
        x.row(row) = proposal.row(row);
        score.row(row) = proposal_score.row(row);
        log_density(row) = proposal_log_density(row);
      }
    }
  }

  const LangevinTarget& target_;
  std::uint64_t seed_;
  double step_;
  Adjustment adjustment_;
};

AcceptanceCount sum_over_ranks(const AcceptanceCount& mine, const ensemble::Communicator& communicator) {
  const std::uint64_t counts[2] = {mine.proposals, mine.accepted};
  AcceptanceCount total;
  for (const std::vector<std::byte>& bytes : communicator.all_gather(std::as_bytes(std::span(counts)))) {
    std::uint64_t of_rank[2];
    std::memcpy(of_rank, bytes.data(), sizeof(of_rank));
    total.proposals += of_rank[0];
    total.accepted += of_rank[1];
  }
  return total;
}

void check_arguments(const LangevinTarget& target, const ensemble::InitialLaw& initial, double step,
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

ChainSolution run(const LangevinTarget& target, const ensemble::InitialLaw& initial, std::uint64_t seed, double step,
                std::uint64_t iterations, const ChainOptions& options, Adjustment adjustment) {
  check_arguments(target, initial, step, iterations, options, adjustment);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t d = target.dimension;
  const ensemble::Observations terminal_only{};
  ensemble::EnsembleSolution solution;  // the SDE engine's batch bookkeeping: final states, failures
  ensemble::prepare_observations(solution, terminal_only, options.paths, d, options.distributed);
  const std::size_t batch = ensemble::batch_size(d);
  std::vector<AcceptanceCount> counts((options.paths + batch - 1) / batch);
  const ChainRun chains(target, seed, step, adjustment);
  ensemble::run_in_waves(counts.size(), options.threads, solution,
                            [&](std::size_t index, ensemble::BatchRecord& record) {
                              const std::size_t first_row = index * batch;
                              const std::size_t count = std::min<std::uint64_t>(batch, options.paths - first_row);
                              ensemble::BatchObserver observer(terminal_only, d, first_row, count, record);
                              Eigen::ArrayXXd x = initial.sample(seed, options.first_path + first_row, count);
                              chains.run(x, options.first_path + first_row, iterations, observer, counts[index]);
                              observer.snapshot(solution.terminal, x);
                            }, options.distributed);
  ensemble::set_failure_status(solution, "reached a non-finite state (time = iteration)");

  const bool metropolis = adjustment == Adjustment::metropolis;
  ChainSolution result;
  result.status = std::move(solution.status);
  result.method = metropolis ? "mala" : "ula";
  result.samples = std::move(solution.terminal);
  result.failures = std::move(solution.failures);
  result.first_row = solution.first_row;
  if (metropolis) {
    // Counts of this process's batches (the others are 0), then every rank's: integer sums, the
    // same in any order.
    AcceptanceCount total;
    for (const AcceptanceCount& count : counts) {
      total.proposals += count.proposals;
      total.accepted += count.accepted;
    }
    if (options.distributed.communicator != nullptr) total = sum_over_ranks(total, *options.distributed.communicator);
    result.acceptance_rate =
        total.proposals == 0 ? 0.0 : static_cast<double>(total.accepted) / static_cast<double>(total.proposals);
  }
  result.stats = {iterations, iterations + (metropolis ? 1 : 0), metropolis ? iterations + 1 : 0, options.paths,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  return result;
}

}  // namespace

ChainSolution run_chains(const LangevinTarget& target, const ensemble::InitialLaw& initial, std::uint64_t seed,
                       const Ula& method, const ChainOptions& options) {
  return run(target, initial, seed, method.step, method.iterations, options, Adjustment::none);
}

ChainSolution run_chains(const LangevinTarget& target, const ensemble::InitialLaw& initial, std::uint64_t seed,
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
