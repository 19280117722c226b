#pragma once
// The VDM bound of 1-D Gaussian data N(m, s²) with the exact denoiser, in closed form: with
// v = SNR and A = (x − m)², the denoiser's error is E|x − x̂|² = (A + v s⁴)/(1 + v s²)², so with
// w = 1 + v s² (Kingma et al. 2021, eq. 18: L_∞ = ½ ∫ E|x − x̂|² dv)
//   L_∞(x) = ½ [log w + (s² − A)/(s² w)] from w(SNR_min) to w(SNR_max),
// which depends on the schedule only through its two SNR endpoints.

#include <cmath>

namespace kolmo::test_support {

inline double vdm_gaussian_continuous_loss(double x, double m, double s2, double snr_min, double snr_max) {
  const double a = (x - m) * (x - m);
  const auto antiderivative = [&](double snr) {
    const double w = 1.0 + snr * s2;
    return 0.5 * (std::log(w) + (s2 - a) / (s2 * w));
  };
  return antiderivative(snr_max) - antiderivative(snr_min);
}

}  // namespace kolmo::test_support
