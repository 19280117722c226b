#include "kolmo/verify/provenance.hpp"

#include <fftw3.h>
#include <omp.h>
#include <sys/utsname.h>

#include <Eigen/Core>
#include <boost/version.hpp>
#include <ctime>
#include <fstream>
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
    os += (os.empty() ? "" : "; ") + std::string(name.sysname) + " " + name.release + " " + name.machine;
  }
  return os.empty() ? "unknown" : os;
}

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::map<std::string, std::string> dependency_versions() {
  const auto dotted = [](auto... parts) {
    std::string text;
    ((text += (text.empty() ? "" : ".") + std::to_string(parts)), ...);
    return text;
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
  p.date_utc = now_utc();
  p.command_line = std::move(command_line);
  return p;
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
