#include "kolmo/core/error.hpp"

namespace kolmo {

void throw_bad_argument(std::string_view where, std::string_view parameter, std::string_view value,
                        std::string_view expected) {
  std::string message;
  message.reserve(where.size() + parameter.size() + value.size() + expected.size() + 32);
  message.append(where).append(": parameter '").append(parameter).append("' = ");
  message.append(value).append("; expected ").append(expected);
  throw Error(message);
}

}  // namespace kolmo
