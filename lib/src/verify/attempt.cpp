#include "attempt.hpp"

#include <chrono>
#include <exception>
#include <limits>

#include "kolmo/core/error.hpp"

namespace kolmo::verify::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// What a case that threw reports: no numbers, not passed.
Outcome failed_outcome() {
  Outcome outcome;
  outcome.measured = outcome.uncertainty = outcome.expected = outcome.tolerance.bound = nan;
  outcome.passed = false;
  return outcome;
}

nlohmann::json encode(const BoundComparison& b) {
  return {{"label", b.label}, {"relation", static_cast<int>(b.relation)}, {"bound", b.bound},
          {"standard_error", b.standard_error}, {"reference", b.reference},
          {"reference_standard_error", b.reference_standard_error}, {"gap_standard_error", b.gap_standard_error}};
}

BoundComparison decode_bound(const nlohmann::json& j) {
  BoundComparison b;
  b.label = j.at("label").get<std::string>();
  b.relation = static_cast<BoundRelation>(j.at("relation").get<int>());
  b.bound = j.at("bound").get<std::vector<double>>();
  b.standard_error = j.at("standard_error").get<std::vector<double>>();
  b.reference = j.at("reference").get<std::vector<double>>();
  b.reference_standard_error = j.at("reference_standard_error").get<std::vector<double>>();
  b.gap_standard_error = j.at("gap_standard_error").get<std::vector<double>>();
  return b;
}

nlohmann::json encode(const IndexedAttempt& run) {
  const Outcome& o = run.attempt.outcome;
  nlohmann::json bounds = nlohmann::json::array();
  for (const BoundComparison& b : o.bounds) bounds.push_back(encode(b));
  return {{"index", run.index},
          {"threw", run.attempt.threw},
          {"error", run.attempt.error},
          {"seconds", run.attempt.seconds},
          {"check", static_cast<int>(o.check)},
          {"measured", o.measured},
          {"uncertainty", o.uncertainty},
          {"expected", o.expected},
          {"rule", o.tolerance.rule},
          {"bound", o.tolerance.bound},
          {"interval_lower", o.interval_lower},
          {"interval_upper", o.interval_upper},
          {"alpha", o.alpha},
          {"p_value", o.p_value},
          {"passed", o.passed},
          {"note", o.note},
          {"details", o.details},
          {"bounds", bounds}};
}

IndexedAttempt decode(const nlohmann::json& j) {
  IndexedAttempt run;
  run.index = j.at("index").get<std::size_t>();
  run.attempt.threw = j.at("threw").get<bool>();
  run.attempt.error = j.at("error").get<std::string>();
  run.attempt.seconds = j.at("seconds").get<double>();
  Outcome& o = run.attempt.outcome;
  o.check = static_cast<Check>(j.at("check").get<int>());
  o.measured = j.at("measured").get<double>();
  o.uncertainty = j.at("uncertainty").get<double>();
  o.expected = j.at("expected").get<double>();
  o.tolerance.rule = j.at("rule").get<std::string>();
  o.tolerance.bound = j.at("bound").get<double>();
  o.interval_lower = j.at("interval_lower").get<double>();
  o.interval_upper = j.at("interval_upper").get<double>();
  o.alpha = j.at("alpha").get<double>();
  o.p_value = j.at("p_value").get<double>();
  o.passed = j.at("passed").get<bool>();
  o.note = j.at("note").get<std::string>();
  o.details = j.at("details");
  for (const nlohmann::json& b : j.at("bounds")) o.bounds.push_back(decode_bound(b));
  return run;
}

}  // namespace

Attempt attempt(const Case& verification_case, const RunContext& context) {
  const auto start = std::chrono::steady_clock::now();
  Attempt result;
  try {
    result.outcome = verification_case.run(context);
  } catch (const std::exception& error) {
    result.threw = true;
    result.error = *error.what() != '\0' ? error.what() : "exception without a message";
  } catch (...) {
    result.threw = true;
    result.error = "unknown exception";
  }
  if (result.threw) result.outcome = failed_outcome();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::vector<Attempt> exchange_attempts(const std::vector<IndexedAttempt>& mine, std::size_t total,
                                       const ensemble::Communicator& communicator) {
  nlohmann::json runs = nlohmann::json::array();
  for (const IndexedAttempt& run : mine) runs.push_back(encode(run));
  const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(runs);
  const std::vector<std::vector<std::byte>> all =
      communicator.all_gather({reinterpret_cast<const std::byte*>(cbor.data()), cbor.size()});
  std::vector<Attempt> result(total);
  std::vector<bool> seen(total, false);
  for (const std::vector<std::byte>& bytes : all) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    for (const nlohmann::json& j : nlohmann::json::from_cbor(data, data + bytes.size())) {
      IndexedAttempt run = decode(j);
      if (run.index >= total || seen[run.index]) {
        throw Error("kolmo::verify: run " + std::to_string(run.index) + " of " + std::to_string(total) +
                    " arrived twice or out of range (ranks disagree on the cases)");
      }
      seen[run.index] = true;
      result[run.index] = std::move(run.attempt);
    }
  }
  for (std::size_t i = 0; i < total; ++i) {
    if (!seen[i]) throw Error("kolmo::verify: no rank ran run " + std::to_string(i) + " of " + std::to_string(total));
  }
  return result;
}

}  // namespace kolmo::verify::detail
