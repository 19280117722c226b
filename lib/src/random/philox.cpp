#include "kolmo/random/philox.hpp"

#include "kolmo/core/validate.hpp"

namespace kolmo::random {

namespace {

void check_purpose(Purpose purpose, const char* where) {
  require(static_cast<std::uint16_t>(purpose) <= max_purpose, where, "purpose", static_cast<std::uint16_t>(purpose),
          "at most 2047 (random/draw_address.hpp: max_purpose)");
}

}  // namespace

void check_address(const DrawAddress& address, const char* where) {
  check_purpose(address.purpose, where);
  require(address.path <= max_path, where, "path", address.path, "at most 2^49 - 1");
  require(address.step <= max_step, where, "step", address.step, "at most 2^32 - 1");
  require(address.component <= max_component, where, "component", address.component, "at most 2^32 - 1");
}

void check_batch(const BatchAddress& address, std::size_t out_size, const char* where) {
  require_at_least(where, "paths", address.paths, 1);
  require_at_least(where, "components", address.components, 1);
  check_purpose(address.purpose, where);
  require(address.step <= max_step, where, "step", address.step, "at most 2^32 - 1");
  require(address.first_path <= max_path && address.paths <= max_path - address.first_path + 1, where,
          "first_path + paths", address.first_path + address.paths, "at most 2^49");
  require(address.first_component <= max_component &&
              address.components <= max_component - address.first_component + 1,
          where, "first_component + components", address.first_component + address.components,
          "at most 2^32");
  if (out_size != address.size()) {  // checked on every batch fill: the message is built only on failure
    throw_bad_argument(where, "out.size()", describe_value(out_size),
                       "paths * components = " + describe_value(address.size()));
  }
}

}  // namespace kolmo::random
