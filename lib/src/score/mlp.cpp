#include "kolmo/score/mlp.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>
#include <utility>

#include "kolmo/core/error.hpp"
#include "kolmo/core/validate.hpp"
#include "kolmo/core/validate_array.hpp"
#include "kolmo/random/normal.hpp"

namespace kolmo::score {
namespace {

constexpr const char* class_name = "kolmo::score::Mlp";
constexpr int file_version = 1;

using Matrix = Eigen::MatrixXd;

// SiLU φ = z σ(z): φ' = σ (1 + z (1 − σ)), φ'' = σ (1 − σ) (2 + z (1 − 2σ)).
// tanh: φ' = 1 − tanh², φ'' = −2 tanh (1 − tanh²).
// Each writes into `out` (and the scratch `work`), whose storage a thread's tape keeps from chunk
// to chunk: training allocates nothing per step once the shapes are seen.
void activate(Activation a, const Matrix& z, Matrix& out) {
  if (a == Activation::tanh) {
    out = z.array().tanh().matrix();
  } else {
    out = (z.array() / (1.0 + (-z.array()).exp())).matrix();
  }
}

void first_derivative(Activation a, const Matrix& z, Matrix& out, Matrix& work) {
  if (a == Activation::tanh) {
    out = (1.0 - z.array().tanh().square()).matrix();
    return;
  }
  work = (1.0 / (1.0 + (-z.array()).exp())).matrix();
  out = (work.array() * (1.0 + z.array() * (1.0 - work.array()))).matrix();
}

void second_derivative(Activation a, const Matrix& z, Matrix& out, Matrix& work) {
  if (a == Activation::tanh) {
    work = z.array().tanh().matrix();
    out = (-2.0 * work.array() * (1.0 - work.array().square())).matrix();
    return;
  }
  work = (1.0 / (1.0 + (-z.array()).exp())).matrix();
  out = (work.array() * (1.0 - work.array()) * (2.0 + z.array() * (1.0 - 2.0 * work.array()))).matrix();
}

// dst = lhs · rhs, or dst += lhs · rhs, by blocks of at most 64 rows of lhs and 64 columns of
// rhs. With depths up to a few hundred, Eigen's packing buffers
// (≤ 64 × kc and kc × 64 doubles) then fit its 128 KiB stack allowance: a larger product
// malloc's and frees them on every call, and glibc hands that memory back to the system and
// page-faults it in again — measured at 3× the arithmetic of a width-256 training step.
constexpr Eigen::Index product_block_rows = 64;

template <class Lhs, class Rhs, class Dst>
void multiply(const Lhs& lhs, const Rhs& rhs, Dst& dst, bool accumulate) {
  for (Eigen::Index col = 0; col < rhs.cols(); col += product_block_rows) {
    const Eigen::Index cols = std::min(product_block_rows, rhs.cols() - col);
    for (Eigen::Index row = 0; row < lhs.rows(); row += product_block_rows) {
      const Eigen::Index rows = std::min(product_block_rows, lhs.rows() - row);
      auto block = dst.block(row, col, rows, cols);
      if (accumulate) {
        block.noalias() += lhs.middleRows(row, rows) * rhs.middleCols(col, cols);
      } else {
        block.noalias() = lhs.middleRows(row, rows) * rhs.middleCols(col, cols);
      }
    }
  }
}

template <class Lhs, class Rhs>
void assign_product(const Lhs& lhs, const Rhs& rhs, Matrix& dst) {
  dst.resize(lhs.rows(), rhs.cols());
  multiply(lhs, rhs, dst, false);
}

std::string shape_text(Eigen::Index rows, Eigen::Index cols) { return describe_value(rows) + "x" + describe_value(cols); }

Parameterisation parameterisation_from(const std::string& text, const std::string& file) {
  for (auto p : {Parameterisation::score, Parameterisation::epsilon, Parameterisation::data, Parameterisation::velocity}) {
    if (text == to_string(p)) return p;
  }
  throw Error("kolmo::score::Mlp::load: file " + file + ": output '" + text +
              "' is not a parameterisation (expected score, epsilon, data or velocity)");
}

}  // namespace

const char* to_string(Activation activation) { return activation == Activation::tanh ? "tanh" : "silu"; }

// One pass's activations and adjoints. A thread keeps its tape (thread_local) so that repeated
// passes reuse the storage instead of allocating — and page-faulting — megabytes per step.
struct Mlp::Tape {
  std::vector<Matrix> h, z, h_dot, z_dot;  ///< h[0] the input; z[l], h[l] of hidden layer l ≥ 1
  Matrix out, out_dot;
  Matrix slope, curvature, work;           ///< φ'(z), φ''(z), scratch
  Matrix adjoint_h, adjoint_h_dot, adjoint_z, adjoint_z_dot;
};

struct Mlp::Coefficients {
  Eigen::ArrayXd scale, shift;  ///< per row: s = scale · y + shift · x
};

Mlp::Mlp(MlpArchitecture architecture, process::NoiseSchedule schedule, std::uint64_t seed)
    : architecture_(std::move(architecture)), schedule_(std::move(schedule)) {
  require_at_least(class_name, "architecture.dimension", architecture_.dimension, 1);
  require(!architecture_.hidden_widths.empty(), class_name, "architecture.hidden_widths", std::string_view("empty"),
          "at least one hidden layer");
  for (std::size_t l = 0; l < architecture_.hidden_widths.size(); ++l) {
    require_at_least(class_name, "architecture.hidden_widths[" + describe_value(l) + "]", architecture_.hidden_widths[l], 1);
  }
  require(std::isfinite(architecture_.max_frequency) && architecture_.max_frequency >= 1.0, class_name,
          "architecture.max_frequency", architecture_.max_frequency, "a finite value >= 1");

  const auto m = static_cast<Eigen::Index>(architecture_.time_frequencies);
  frequencies_.resize(m);
  for (Eigen::Index k = 0; k < m; ++k) {
    frequencies_[k] = m == 1 ? 1.0 : std::pow(architecture_.max_frequency, static_cast<double>(k) / static_cast<double>(m - 1));
  }

  Eigen::Index inputs = input_width(), offset = 0;
  std::vector<std::size_t> widths = architecture_.hidden_widths;
  widths.push_back(architecture_.dimension);
  for (const std::size_t width : widths) {
    const auto outputs = static_cast<Eigen::Index>(width);
    layers_.push_back({inputs, outputs, offset});
    offset += outputs * inputs + outputs;
    inputs = outputs;
  }
  parameters_ = Eigen::VectorXd::Zero(offset);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const auto count = static_cast<std::size_t>(layer.outputs * layer.inputs);
    random::fill_normals({seed, random::Purpose::initialisation, 0, l, 1, count, 0},
                         std::span<double>(parameters_.data() + layer.offset, count),
                         1.0 / std::sqrt(static_cast<double>(layer.inputs)));
  }
}

Eigen::Index Mlp::input_width() const {
  return static_cast<Eigen::Index>(architecture_.dimension) + 1 + 2 * frequencies_.size();
}

void Mlp::set_parameters(const Eigen::VectorXd& parameters) {
  require(parameters.size() == parameters_.size(), "kolmo::score::Mlp::set_parameters", "parameters",
          describe_value(parameters.size()) + " values", describe_value(parameters_.size()) + " (the architecture's count)");
  require_all_finite("kolmo::score::Mlp::set_parameters", "parameters", parameters.array());
  parameters_ = parameters;  // into the existing storage
}

void Mlp::check_batch(const Eigen::ArrayXd& t, const process::StateView& x, const char* where) const {
  const auto d = static_cast<Eigen::Index>(architecture_.dimension);
  require(x.cols() == d, where, "x", shape_text(x.rows(), x.cols()), "d = " + describe_value(d) + " columns");
  require(t.size() == x.rows(), where, "t", describe_value(t.size()) + " times", "one per row of x, " + describe_value(x.rows()));
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    if (!(t[i] >= 0.0 && t[i] <= schedule_.horizon())) {
      require_closed_interval(where, "t(" + describe_value(i) + ")", t[i], 0.0, schedule_.horizon());
    }
  }
}

Eigen::MatrixXd Mlp::features(const Eigen::ArrayXd& t, const process::StateView& x) const {
  const auto d = x.cols(), m = frequencies_.size();
  Matrix in(input_width(), x.rows());
  in.topRows(d) = x.matrix().transpose();
  const Eigen::ArrayXd tau = t / schedule_.horizon();
  in.row(d) = tau.matrix().transpose();
  for (Eigen::Index k = 0; k < m; ++k) {
    in.row(d + 1 + k) = (frequencies_[k] * tau).sin().matrix().transpose();
    in.row(d + 1 + m + k) = (frequencies_[k] * tau).cos().matrix().transpose();
  }
  return in;
}

Mlp::Coefficients Mlp::coefficients(const Eigen::ArrayXd& t) const {
  Coefficients c{Eigen::ArrayXd(t.size()), Eigen::ArrayXd(t.size())};
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    if (i > 0 && t[i] == t[i - 1]) {
      c.scale[i] = c.scale[i - 1];
      c.shift[i] = c.shift[i - 1];
      continue;
    }
    const ScoreMap map = score_map(architecture_.output, schedule_, t[i]);
    c.scale[i] = map.scale;
    c.shift[i] = map.shift;
  }
  return c;
}

void Mlp::forward(Tape& tape, const Eigen::MatrixXd* tangent) const {
  const std::size_t hidden = layers_.size() - 1;
  tape.h.resize(hidden + 1);
  tape.z.resize(hidden + 1);
  if (tangent) {
    tape.h_dot.resize(hidden + 1);
    tape.z_dot.resize(hidden + 1);
    tape.h_dot[0] = *tangent;
  }
  for (std::size_t l = 1; l <= layers_.size(); ++l) {
    const Layer& layer = layers_[l - 1];
    const Eigen::Map<const Matrix> w(parameters_.data() + layer.offset, layer.outputs, layer.inputs);
    const Eigen::Map<const Eigen::VectorXd> b(parameters_.data() + layer.offset + layer.outputs * layer.inputs,
                                              layer.outputs);
    Matrix& z = l <= hidden ? tape.z[l] : tape.out;
    assign_product(w, tape.h[l - 1], z);
    z.colwise() += b;
    if (tangent) {
      Matrix& z_dot = l <= hidden ? tape.z_dot[l] : tape.out_dot;
      assign_product(w, tape.h_dot[l - 1], z_dot);
    }
    if (l <= hidden) {
      activate(architecture_.activation, z, tape.h[l]);
      if (tangent) {
        first_derivative(architecture_.activation, z, tape.slope, tape.work);
        tape.h_dot[l] = tape.slope.cwiseProduct(tape.z_dot[l]);
      }
    }
  }
}

Eigen::ArrayXXd Mlp::predict(const Eigen::ArrayXd& t, const process::StateView& x) const {
  check_batch(t, x, "kolmo::score::Mlp::predict");
  Eigen::ArrayXXd y(x.rows(), x.cols());
  for (Eigen::Index first = 0; first < x.rows(); first += chunk_rows) {
    const Eigen::Index rows = std::min(chunk_rows, x.rows() - first);
    thread_local Tape tape;
    if (tape.h.empty()) tape.h.resize(1);
    tape.h[0] = features(t.segment(first, rows), x.middleRows(first, rows));
    forward(tape, nullptr);
    y.middleRows(first, rows) = tape.out.transpose().array();
  }
  return y;
}

Eigen::ArrayXXd Mlp::score(const Eigen::ArrayXd& t, const process::StateView& x) const {
  const Eigen::ArrayXXd y = predict(t, x);
  const Coefficients c = coefficients(t);
  return y.colwise() * c.scale + x.colwise() * c.shift;
}

Eigen::ArrayXXd Mlp::score_jacobian_product(const Eigen::ArrayXd& t, const process::StateView& x,
                                            const process::StateView& v) const {
  constexpr const char* where = "kolmo::score::Mlp::score_jacobian_product";
  check_batch(t, x, where);
  require(v.rows() == x.rows() && v.cols() == x.cols(), where, "v", shape_text(v.rows(), v.cols()),
          "the shape of x, " + shape_text(x.rows(), x.cols()));
  const Coefficients c = coefficients(t);
  Eigen::ArrayXXd product(x.rows(), x.cols());
  for (Eigen::Index first = 0; first < x.rows(); first += chunk_rows) {
    const Eigen::Index rows = std::min(chunk_rows, x.rows() - first);
    thread_local Tape tape;
    if (tape.h.empty()) tape.h.resize(1);
    tape.h[0] = features(t.segment(first, rows), x.middleRows(first, rows));
    Matrix tangent = Matrix::Zero(input_width(), rows);
    tangent.topRows(x.cols()) = v.middleRows(first, rows).matrix().transpose();
    forward(tape, &tangent);
    product.middleRows(first, rows) = tape.out_dot.transpose().array().colwise() * c.scale.segment(first, rows) +
                                      v.middleRows(first, rows).colwise() * c.shift.segment(first, rows);
  }
  return product;
}

Eigen::ArrayXXd Mlp::score_divergence(const Eigen::ArrayXd& t, const process::StateView& x) const {
  Eigen::ArrayXXd divergence = Eigen::ArrayXXd::Zero(x.rows(), 1);
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    Eigen::ArrayXXd basis = Eigen::ArrayXXd::Zero(x.rows(), x.cols());
    basis.col(j).setOnes();
    divergence.col(0) += score_jacobian_product(t, x, basis).col(j);
  }
  return divergence;
}

ScoreModel Mlp::score_model(std::string name) const {
  auto copy = std::make_shared<const Mlp>(*this);
  if (name.empty()) {
    name = "mlp(" + describe_value(architecture_.dimension) + "-D, widths";
    for (const std::size_t w : architecture_.hidden_widths) name += " " + describe_value(w);
    name += ", " + std::string(to_string(architecture_.activation)) + ", " + to_string(architecture_.output) + ")";
  }
  return ScoreModel(std::move(name), architecture_.dimension,
                    [copy](double t, const process::StateView& x) -> Eigen::ArrayXXd {
                      return copy->score(Eigen::ArrayXd::Constant(x.rows(), t), x);
                    })
      .with_row_times([copy](const Eigen::ArrayXd& t, const process::StateView& x) { return copy->score(t, x); })
      .with_divergence([copy](double t, const process::StateView& x) -> Eigen::ArrayXXd {
        return copy->score_divergence(Eigen::ArrayXd::Constant(x.rows(), t), x);
      })
      .with_jacobian_vector_product([copy](double t, const process::StateView& x, const process::StateView& v) {
        return copy->score_jacobian_product(Eigen::ArrayXd::Constant(x.rows(), t), x, v);
      });
}

// One chunk's row losses and the gradient of their SUM (loss_gradient divides by n).
void Mlp::chunk_gradient(const LossBatch& batch, Eigen::Index first, Eigen::Index rows,
                         Eigen::Ref<Eigen::ArrayXd> row_losses, Eigen::Ref<Eigen::VectorXd> gradient) const {
  const auto d = static_cast<Eigen::Index>(architecture_.dimension);
  const bool regression = batch.regression();
  const auto replicas = regression ? Eigen::Index{1} : static_cast<Eigen::Index>(batch.probes.size());
  const Eigen::Index cols = rows * replicas;

  // Columns are replica-major: column k·rows + i is row first + i with probe k.
  const Eigen::ArrayXd t = batch.t.segment(first, rows);
  const Matrix in = features(t, batch.x.middleRows(first, rows));
  const Coefficients c0 = coefficients(t);
  thread_local Tape tape;
  if (tape.h.empty()) tape.h.resize(1);
  tape.h[0] = in.replicate(1, replicas);
  const Eigen::ArrayXd scale = c0.scale.replicate(replicas, 1), shift = c0.shift.replicate(replicas, 1);
  const Matrix x = batch.x.middleRows(first, rows).matrix().transpose().replicate(1, replicas);

  Matrix probes;  // d × cols
  if (!regression) {
    probes.resize(d, cols);
    for (Eigen::Index k = 0; k < replicas; ++k) {
      probes.middleCols(k * rows, rows) = batch.probes[static_cast<std::size_t>(k)].middleRows(first, rows).matrix().transpose();
    }
    Matrix tangent = Matrix::Zero(input_width(), cols);
    tangent.topRows(d) = probes;
    forward(tape, &tangent);
  } else {
    forward(tape, nullptr);
  }

  // s = scale y + shift x, per column.
  const Eigen::ArrayXXd s = tape.out.array().rowwise() * scale.transpose() + x.array().rowwise() * shift.transpose();
  Eigen::ArrayXd column_loss(cols);
  Eigen::ArrayXXd adjoint_s, adjoint_s_dot;
  if (regression) {
    const Eigen::ArrayXXd diff = s - batch.target.middleRows(first, rows).transpose();
    const Eigen::ArrayXd w = batch.weight.segment(first, rows);
    column_loss = 0.5 * w * diff.square().colwise().sum().transpose();
    adjoint_s = diff.rowwise() * w.transpose();
  } else {
    const Eigen::ArrayXXd v = probes.array();
    const Eigen::ArrayXXd s_dot = tape.out_dot.array().rowwise() * scale.transpose() + v.rowwise() * shift.transpose();
    const Eigen::ArrayXd quadratic = (v * s_dot).colwise().sum().transpose();
    const double tw = batch.trace_weight;
    if (batch.trace == TraceEstimator::sliced) {
      const Eigen::ArrayXd projection = (v * s).colwise().sum().transpose();
      column_loss = tw * (quadratic + 0.5 * projection.square());
      adjoint_s = tw * (v.rowwise() * projection.transpose());
    } else {
      const double share = 1.0 / static_cast<double>(replicas);  // ½|s|² once per row over its replicas
      column_loss = tw * quadratic + share * 0.5 * s.square().colwise().sum().transpose();
      adjoint_s = share * s;
    }
    adjoint_s_dot = tw * v;
  }

  row_losses.setZero();
  for (Eigen::Index k = 0; k < replicas; ++k) row_losses += column_loss.segment(k * rows, rows);
  gradient.setZero();

  // Reverse pass. adjoints of the output y and its tangent ẏ: ∂ℓ/∂y = scale ∂ℓ/∂s.
  tape.adjoint_h = (adjoint_s.rowwise() * scale.transpose()).matrix();
  if (!regression) tape.adjoint_h_dot = (adjoint_s_dot.rowwise() * scale.transpose()).matrix();
  const std::size_t hidden = layers_.size() - 1;
  for (std::size_t l = layers_.size(); l >= 1; --l) {
    const Layer& layer = layers_[l - 1];
    const Eigen::Map<const Matrix> w(parameters_.data() + layer.offset, layer.outputs, layer.inputs);
    Eigen::Map<Matrix> grad_w(gradient.data() + layer.offset, layer.outputs, layer.inputs);
    Eigen::Map<Eigen::VectorXd> grad_b(gradient.data() + layer.offset + layer.outputs * layer.inputs, layer.outputs);
    if (l <= hidden) {
      // h = φ(z), ḣ = φ'(z) ż: z̄ = h̄ φ'(z) + ḣ̄ φ''(z) ż, ż̄ = ḣ̄ φ'(z).
      first_derivative(architecture_.activation, tape.z[l], tape.slope, tape.work);
      tape.adjoint_z = tape.adjoint_h.cwiseProduct(tape.slope);
      if (!regression) {
        second_derivative(architecture_.activation, tape.z[l], tape.curvature, tape.work);
        tape.adjoint_z += tape.adjoint_h_dot.cwiseProduct(tape.curvature).cwiseProduct(tape.z_dot[l]);
        tape.adjoint_z_dot = tape.adjoint_h_dot.cwiseProduct(tape.slope);
      }
    } else {
      std::swap(tape.adjoint_z, tape.adjoint_h);
      if (!regression) std::swap(tape.adjoint_z_dot, tape.adjoint_h_dot);
    }
    multiply(tape.adjoint_z, tape.h[l - 1].transpose(), grad_w, true);
    grad_b += tape.adjoint_z.rowwise().sum();
    if (!regression) multiply(tape.adjoint_z_dot, tape.h_dot[l - 1].transpose(), grad_w, true);
    if (l > 1) {
      assign_product(w.transpose(), tape.adjoint_z, tape.adjoint_h);
      if (!regression) assign_product(w.transpose(), tape.adjoint_z_dot, tape.adjoint_h_dot);
    }
  }
}

LossGradient Mlp::loss_gradient(const LossBatch& batch, int threads) const {
  LossGradient result;
  loss_gradient(batch, result, threads);
  return result;
}

void Mlp::loss_gradient(const LossBatch& batch, LossGradient& out, int threads) const {
  constexpr const char* where = "kolmo::score::Mlp::loss_gradient";
  require(threads >= 1, where, "threads", threads, "at least 1");
  const Eigen::Index n = batch.rows();
  require(n >= 1, where, "batch", std::string_view("no rows"), "at least one row");
  check_batch(batch.t, batch.x, where);
  const auto d = static_cast<Eigen::Index>(architecture_.dimension);
  if (batch.regression()) {
    require(batch.target.rows() == n && batch.target.cols() == d, where, "batch.target",
            shape_text(batch.target.rows(), batch.target.cols()), "the shape of batch.x, " + shape_text(n, d));
    require(batch.weight.size() == n, where, "batch.weight", describe_value(batch.weight.size()) + " values",
            "one per row, " + describe_value(n));
  } else {
    require(!batch.probes.empty(), where, "batch.probes", std::string_view("none"), "at least one probe (ISM)");
    for (const auto& v : batch.probes) {
      require(v.rows() == n && v.cols() == d, where, "batch.probes", shape_text(v.rows(), v.cols()),
              "the shape of batch.x, " + shape_text(n, d));
    }
  }

  // One gradient column per chunk, summed in chunk order afterwards; the columns live in a
  // per-thread buffer that later calls reuse (no per-step allocation of parameters × chunks).
  const Eigen::Index chunks = (n + chunk_rows - 1) / chunk_rows;
  thread_local Matrix buffer;
  if (buffer.rows() != parameters_.size() || buffer.cols() < chunks) buffer.resize(parameters_.size(), chunks);
  Matrix& parts = buffer;  // the calling thread's buffer (inside the region, `buffer` would be each thread's own)
  out.row_losses.resize(n);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (Eigen::Index k = 0; k < chunks; ++k) {
    const Eigen::Index first = k * chunk_rows, rows = std::min(chunk_rows, n - first);
    chunk_gradient(batch, first, rows, out.row_losses.segment(first, rows), parts.col(k));
  }
  out.gradient = parts.col(0);
  for (Eigen::Index k = 1; k < chunks; ++k) out.gradient += parts.col(k);
  out.gradient /= static_cast<double>(n);
}

// --- files ------------------------------------------------------------------------------------

void Mlp::save(const std::filesystem::path& file) const {
  std::ofstream out(file);
  if (!out) throw Error("kolmo::score::Mlp::save: cannot open " + file.string() + " for writing");
  out << "kolmo-mlp " << file_version << "\n";
  out << "dimension " << architecture_.dimension << "\n";
  out << "hidden_widths " << architecture_.hidden_widths.size();
  for (const std::size_t w : architecture_.hidden_widths) out << " " << w;
  out << "\nactivation " << to_string(architecture_.activation) << "\n";
  out << "time_frequencies " << architecture_.time_frequencies << "\n";
  char buffer[64];
  const auto write_double = [&](double value) {
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round-trip form
    out.write(buffer, result.ptr - buffer);
  };
  out << "max_frequency ";
  write_double(architecture_.max_frequency);
  out << "\noutput " << to_string(architecture_.output) << "\n";
  out << "schedule " << schedule_.name() << "\n";
  out << "parameters " << parameters_.size() << "\n";
  for (Eigen::Index i = 0; i < parameters_.size(); ++i) {
    write_double(parameters_[i]);
    out << "\n";
  }
  if (!out) throw Error("kolmo::score::Mlp::save: writing " + file.string() + " failed");
}

namespace {

/// Reads "key value…" lines of a saved MLP, each checked against the expected key.
class MlpFileReader {
 public:
  explicit MlpFileReader(const std::filesystem::path& file) : name_(file.string()), in_(file) {
    if (!in_) throw Error("kolmo::score::Mlp::load: cannot open " + name_);
  }
  /// The rest of the next line after `key `.
  std::string field(const std::string& key) {
    std::string line;
    if (!std::getline(in_, line)) fail(key, "the end of the file");
    if (line.rfind(key + " ", 0) != 0) fail(key, "'" + line + "'");
    return line.substr(key.size() + 1);
  }
  /// The next line, whole.
  std::string line(const std::string& key) {
    std::string text;
    if (!std::getline(in_, text)) fail(key, "the end of the file");
    return text;
  }
  template <class Number>
  Number number(const std::string& key, const std::string& text) {
    Number value{};
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size()) fail(key, "'" + text + "'");
    return value;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& found) const {
    throw Error("kolmo::score::Mlp::load: file " + name_ + ": expected the field '" + key + "', found " + found);
  }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::ifstream in_;
};

}  // namespace

Mlp Mlp::load(const std::filesystem::path& file, process::NoiseSchedule schedule) {
  MlpFileReader reader(file);
  const int version = reader.number<int>("kolmo-mlp", reader.field("kolmo-mlp"));
  if (version != file_version) {
    throw Error("kolmo::score::Mlp::load: file " + reader.name() + " has format version " + describe_value(version) +
                "; this Kolmo reads version " + describe_value(file_version));
  }
  MlpArchitecture architecture;
  architecture.dimension = reader.number<std::size_t>("dimension", reader.field("dimension"));
  {
    std::istringstream widths(reader.field("hidden_widths"));
    std::size_t count = 0;
    widths >> count;
    architecture.hidden_widths.assign(count, 0);
    for (auto& w : architecture.hidden_widths) widths >> w;
    if (!widths) reader.fail("hidden_widths", "a malformed list");
  }
  const std::string activation = reader.field("activation");
  if (activation != "silu" && activation != "tanh") reader.fail("activation", "'" + activation + "'");
  architecture.activation = activation == "tanh" ? Activation::tanh : Activation::silu;
  architecture.time_frequencies = reader.number<std::size_t>("time_frequencies", reader.field("time_frequencies"));
  architecture.max_frequency = reader.number<double>("max_frequency", reader.field("max_frequency"));
  architecture.output = parameterisation_from(reader.field("output"), reader.name());
  const std::string schedule_name = reader.field("schedule");
  if (schedule_name != schedule.name()) {
    throw Error("kolmo::score::Mlp::load: file " + reader.name() + " was trained for the schedule " + schedule_name +
                ", not " + schedule.name());
  }
  Mlp model(std::move(architecture), std::move(schedule), 0);
  const auto count = reader.number<std::size_t>("parameters", reader.field("parameters"));
  if (count != model.parameter_count()) {
    throw Error("kolmo::score::Mlp::load: file " + reader.name() + " holds " + describe_value(count) +
                " parameters; its architecture has " + describe_value(model.parameter_count()));
  }
  Eigen::VectorXd values(static_cast<Eigen::Index>(count));
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    const std::string key = "parameter " + describe_value(i);
    values[i] = reader.number<double>(key, reader.line(key));
  }
  model.set_parameters(std::move(values));
  return model;
}

}  // namespace kolmo::score
