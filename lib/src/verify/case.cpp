#include "kolmo/verify/case.hpp"

namespace kolmo::verify {

std::string_view to_string(Tier tier) { return tier == Tier::fast ? "fast" : "full"; }

std::string_view to_string(CaseKind kind) {
  return kind == CaseKind::statistical ? "statistical" : "deterministic";
}

std::string_view area_of(std::string_view case_name) { return case_name.substr(0, case_name.find('/')); }

}  // namespace kolmo::verify
