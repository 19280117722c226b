#include "kolmo/random/philox.hpp"

#include "kolmo/core/validate.hpp"

namespace kolmo::random {

void check_address(const DrawAddress& address, const char* where) {
  require(address.path <= max_path, where, "path", address.path, "at most 2^49 - 1");
  require(address.step <= max_step, where, "step", address.step, "at most 2^32 - 1");
  require(address.component <= max_component, where, "component", address.component, "at most 2^32 - 1");
}

void check_batch(const BatchAddress& address, std::size_t out_size, const char* where) {
  require_at_least(where, "paths", address.paths, 1);
  require_at_least(where, "components", address.components, 1);
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
