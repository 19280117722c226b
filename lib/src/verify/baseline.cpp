#include "kolmo/verify/baseline.hpp"

#include <cmath>
#include <fstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "kolmo/core/error.hpp"
#include "kolmo/verify/case.hpp"

namespace kolmo::verify {
namespace {

[[noreturn]] void bad_file(const std::filesystem::path& file, const std::string& problem) {
  throw Error("kolmo::verify::BaselineStore: baseline file '" + file.string() + "' " + problem);
}

BaselineEntry parse_entry(const std::filesystem::path& file, const std::string& name, const nlohmann::json& value) {
  if (!value.is_object() || !value.contains("measured") || !value["measured"].is_number() ||
      !value.contains("relative_tolerance") || !value["relative_tolerance"].is_number()) {
    bad_file(file, "has an entry '" + name + "' without numeric \"measured\" and \"relative_tolerance\"");
  }
  BaselineEntry entry;
  entry.measured = value["measured"].get<double>();
  entry.relative_tolerance = value["relative_tolerance"].get<double>();
  if (value.contains("recorded") && value["recorded"].is_string()) entry.recorded = value["recorded"].get<std::string>();
  if (value.contains("seed")) {
    if (!value["seed"].is_number_unsigned()) bad_file(file, "has an entry '" + name + "' whose \"seed\" is not an unsigned integer");
    entry.seed = value["seed"].get<std::uint64_t>();
  }
  return entry;
}

}  // namespace

bool within_baseline(const BaselineEntry& entry, double measured) {
  return std::isfinite(measured) &&
         std::abs(measured - entry.measured) <= entry.relative_tolerance * std::abs(entry.measured);
}

BaselineStore BaselineStore::load(const std::filesystem::path& directory) {
  BaselineStore store;
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    throw Error("kolmo::verify::BaselineStore: baselines directory '" + directory.string() +
                "' does not exist or is not a directory (pass --baselines DIR, or --no-baselines to run without "
                "drift checks)");
  }
  std::filesystem::directory_iterator files(directory, ec);
  if (ec) throw Error("kolmo::verify::BaselineStore: baselines directory '" + directory.string() + "' cannot be read: " + ec.message());
  for (const auto& file : files) {
    if (file.path().extension() != ".json") continue;
    std::ifstream in(file.path());
    if (!in) bad_file(file.path(), "cannot be opened for reading");
    nlohmann::json document;
    try {
      in >> document;
    } catch (const nlohmann::json::exception& error) {
      bad_file(file.path(), std::string("is not valid JSON: ") + error.what());
    }
    if (!document.is_object()) bad_file(file.path(), "is not a JSON object of case entries");
    for (const auto& [name, value] : document.items()) store.entries_[name] = parse_entry(file.path(), name, value);
  }
  return store;
}

std::optional<BaselineEntry> BaselineStore::find(const std::string& case_name) const {
  const auto it = entries_.find(case_name);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void BaselineStore::record(const std::string& case_name, const BaselineEntry& entry) { entries_[case_name] = entry; }

void BaselineStore::save(const std::filesystem::path& directory) const {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) bad_file(directory, "(directory) cannot be created: " + ec.message());
  std::map<std::string, nlohmann::ordered_json> files;
  for (const auto& [name, entry] : entries_) {
    nlohmann::ordered_json value;
    value["measured"] = entry.measured;
    value["relative_tolerance"] = entry.relative_tolerance;
    value["recorded"] = entry.recorded;
    if (entry.seed) value["seed"] = *entry.seed;
    files[std::string(area_of(name))][name] = value;
  }
  for (const auto& [area, document] : files) {
    const auto file = directory / (area + ".json");
    std::ofstream out(file);
    out << document.dump(2) << '\n';
    if (!out) bad_file(file, "cannot be written");
  }
}

}  // namespace kolmo::verify
