#pragma once
// The exact score of a Gaussian-mixture data law under a forward noising process
// (distribution/diffused_mixture.hpp), with its exact divergence: the reference every sampler
// is verified with.

#include "kolmo/distribution/diffused_mixture.hpp"
#include "kolmo/score/score_model.hpp"

namespace kolmo::score {

[[nodiscard]] ScoreModel mixture_score(distribution::DiffusedMixture diffused);

}  // namespace kolmo::score
