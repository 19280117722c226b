#pragma once
// Internal: FFTW's double-precision real-to-complex transforms, owned RAII-style.
//
// Plans are made once per solver object (and once per pde::solve run, for the stepper's own
// buffers) and reused for every transform. Planning uses
// FFTW_ESTIMATE: the plan is then a deterministic function of the sizes and of the buffers'
// alignment (always fftw_malloc's), so a run gives the same bits every time — FFTW_MEASURE picks
// among algorithms by timing them, which changes the round-off from run to run (and the
// verification baselines and the thread-invariance check compare round-off-level numbers). It
// would also overwrite the arrays while planning. FFTW's planner is not thread-safe (FFTW 3.3
// manual, §5.4 "Thread safety"); fftw_execute is, so only planning and destroying plans take the
// mutex.
//
// Transforms are unnormalised (FFTW manual §4.8): c2r(r2c(u)) = N u. The c2r transform
// overwrites its complex input (the FFTW default for c2r, and the only choice in 2-D).

#include <fftw3.h>

#include <complex>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace kolmo::pde::detail {

/// An fftw_malloc'd array (aligned for FFTW's SIMD codelets), freed with fftw_free.
template <class T>
class FftwBuffer {
 public:
  explicit FftwBuffer(std::size_t size) : size_(size), data_(static_cast<T*>(fftw_malloc(sizeof(T) * size))) {
    if (data_ == nullptr) throw std::bad_alloc();
  }
  [[nodiscard]] T* data() const { return data_.get(); }
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(T* p) const { fftw_free(p); }
  };
  std::size_t size_;
  std::unique_ptr<T, Free> data_;
};

inline std::mutex& planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// Destroying a plan touches the planner's shared state too (FFTW manual §5.4: only
/// fftw_execute is thread-safe), so it takes the same mutex as planning.
struct PlanDestroy {
  void operator()(fftw_plan_s* plan) const {
    const std::lock_guard<std::mutex> lock(planner_mutex());
    fftw_destroy_plan(plan);
  }
};
using FftwPlan = std::unique_ptr<fftw_plan_s, PlanDestroy>;

/// The pair of plans for a real array of `extents` (FFTW's row-major order: last index
/// fastest) and its half spectrum: the inverse from `spectrum` into `real` out of place, the
/// forward in place in `spectrum`, whose storage then holds the real array padded to
/// 2 (⌊n_last/2⌋ + 1) doubles a row (FFTW manual §4.3.4). At FFTW_ESTIMATE these placements
/// were the faster ones for the spectral solver's sizes (spectral_transport.hpp).
struct RealTransformPlans {
  FftwPlan forward;  ///< r2c in place: padded real → half spectrum
  FftwPlan inverse;  ///< c2r out of place: half spectrum → real (destroys its input)

  RealTransformPlans(const std::vector<int>& extents, std::complex<double>* spectrum, double* real) {
    auto* complex = reinterpret_cast<fftw_complex*>(spectrum);  // layout-compatible (FFTW manual §4.1.1)
    const int rank = static_cast<int>(extents.size());
    const std::lock_guard<std::mutex> lock(planner_mutex());
    forward.reset(fftw_plan_dft_r2c(rank, extents.data(), reinterpret_cast<double*>(complex), complex, FFTW_ESTIMATE));
    inverse.reset(fftw_plan_dft_c2r(rank, extents.data(), complex, real, FFTW_ESTIMATE));
    if (!forward || !inverse) throw std::bad_alloc();  // FFTW returns null only when it cannot plan
  }
};

}  // namespace kolmo::pde::detail
