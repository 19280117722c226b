#include "kolmo/verify/provenance.hpp"

#include <fftw3.h>
#include <omp.h>
#include <sys/utsname.h>

#include <Eigen/Core>
#include <boost/version.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <initializer_list>
#include <thread>

#include "build_info.hpp"
#include "git_state.hpp"
#include "kolmo/version.hpp"

namespace kolmo::verify {
namespace {

/// The value of the first line of `file` that starts with `key`, after its separator; "" if none.
std::string read_field(const char* file, const std::string& key, char separator) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto at = line.find(separator);
    if (at == std::string::npos) continue;
    std::string value = line.substr(at + 1);
    value.erase(0, value.find_first_not_of(" \t\""));
    while (!value.empty() && (value.back() == '"' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "";
}

std::string operating_system() {
  std::string os = read_field("/etc/os-release", "PRETTY_NAME=", '=');
  utsname name{};
  if (uname(&name) == 0) {
    if (!os.empty()) os += "; ";
    for (const char* part : std::initializer_list<const char*>{name.sysname, " ", name.release, " ", name.machine}) {
      os += part;
    }
  }
  return os.empty() ? "unknown" : os;
}

std::map<std::string, std::string> dependency_versions() {
  const auto dotted = [](int major, int minor, int patch) {
    char text[48];
    std::snprintf(text, sizeof text, "%d.%d.%d", major, minor, patch);
    return std::string(text);
  };
  return {{"eigen", dotted(EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
          {"boost", dotted(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100)},
          {"fftw", fftw_version},
          {"random123", detail::random123_version},
          {"nlohmann_json",
           dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
          {"openmp", std::to_string(_OPENMP) + " (spec date yyyymm), " + std::to_string(omp_get_max_threads()) +
                         " max threads"}};
}

}  // namespace

Provenance collect_provenance(std::string command_line) {
  Provenance p;
  p.kolmo_version = kolmo::version_string;
  p.git_commit = detail::git_commit;
  p.git_dirty = detail::git_dirty;
  p.build_type = detail::build_type;
  p.compiler = detail::compiler;
  p.compile_flags = detail::compile_flags;
  p.cpu_model = read_field("/proc/cpuinfo", "model name", ':');
  if (p.cpu_model.empty()) p.cpu_model = "unknown";
  p.cores = std::thread::hardware_concurrency();
  p.os = operating_system();
  p.dependencies = dependency_versions();
  p.date_utc = utc_now();
  p.command_line = std::move(command_line);
  return p;
}

std::string utc_now(bool with_time) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, with_time ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &utc);
  return text;
}

nlohmann::json to_json(const Provenance& p) {
  return {{"kolmo_version", p.kolmo_version},
          {"git", {{"commit", p.git_commit}, {"dirty", p.git_dirty}}},
          {"build", {{"type", p.build_type}, {"compiler", p.compiler}, {"flags", p.compile_flags}}},
          {"machine", {{"cpu", p.cpu_model}, {"cores", p.cores}, {"os", p.os}}},
          {"dependencies", p.dependencies},
          {"date_utc", p.date_utc},
          {"command_line", p.command_line}};
}

}  // namespace kolmo::verify
