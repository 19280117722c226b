#include "batch_kernels.hpp"

#include <cstddef>

#include "kolmo/core/vector_clones.hpp"  // compiled with -ffp-contract=off: no clone fuses f·h + g·dw

namespace kolmo::sde::detail {

KOLMO_VECTOR_CLONES
void euler_step(std::span<const double> x, std::span<const double> f, double h, double g,
                std::span<const double> dw, std::span<double> next) {
  for (std::size_t i = 0; i < x.size(); ++i) next[i] = x[i] + (f[i] * h + g * dw[i]);
}

KOLMO_VECTOR_CLONES
void euler_step(std::span<const double> x, std::span<const double> f, double h, std::span<const double> g,
                std::span<const double> dw, std::span<double> next) {
  for (std::size_t i = 0; i < x.size(); ++i) next[i] = x[i] + (f[i] * h + g[i] * dw[i]);
}

}  // namespace kolmo::sde::detail
