"""The remaining samplers, the grid-oracle score, the DDPM bound and a model's densities on a grid.

Statistical assertions state their seed and their tolerance (5 standard errors); grid results are
held to a Richardson estimate of their own error from a grid with half the cells.
"""

import math

import numpy as np
import pytest

import kolmo


def bimodal():
    return kolmo.distribution.GaussianMixture([0.4, 0.6], [np.array([-1.5]), np.array([1.2])],
                                              [np.array([[0.09]]), np.array([[0.16]])])


def setting():
    schedule = kolmo.schedule.NoiseSchedule.vp_linear()
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), schedule)
    return schedule, diffused, kolmo.score.mixture_score(diffused)


def moments(law):
    mean = sum(w * m[0] for w, m in zip(law.weights, law.means))
    second = sum(w * (c[0, 0] + m[0] ** 2) for w, m, c in zip(law.weights, law.means, law.covariances))
    return mean, second - mean**2


@pytest.mark.parametrize("sampler, options, nfe", [
    ("dpm-solver", dict(order=3, steps=20), 60),
    ("dpm-solver", dict(order=1, steps=100), 100),
    ("predictor-corrector", dict(steps=500, corrector_steps=1, snr=0.16), 1000),
])
def test_every_sampler_reaches_the_exact_marginal_and_a_python_score_gives_its_bits(sampler, options, nfe):
    # Mean of 20000 samples against the exact p_tmin within 5 SE (seed 8); the discretisation
    # bias at these step counts is below 0.1 SE (the C++ suite measures each sampler's order).
    schedule, diffused, exact = setting()
    p_T = diffused.marginal(1.0)
    run = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=8, sampler=sampler, paths=20000,
                                threads=2, **options)
    assert run.status.ok and run.model_evaluations == nfe
    mean, variance = moments(diffused.marginal(1e-3))
    assert abs(run.samples[:, 0].mean() - mean) < 5 * math.sqrt(variance / 20000)
    python = kolmo.score.from_callable("python exact", 1, lambda t, y: exact(t, y))
    a = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=4, sampler=sampler, paths=500, **options)
    b = kolmo.sampling.sample(python, schedule, p_T, t_max=1.0, t_min=1e-3, seed=4, sampler=sampler, paths=500,
                              threads=2, **options)
    np.testing.assert_array_equal(a.samples, b.samples)


def test_annealed_langevin_counts_its_evaluations_and_refuses_bad_input():
    schedule, diffused, exact = setting()
    run = kolmo.sampling.sample(exact, schedule, diffused.marginal(1.0), t_max=1.0, t_min=1e-3, seed=1,
                                sampler="annealed-langevin", steps=10, steps_per_level=5, epsilon=1e-4, paths=100)
    assert run.status.ok and run.model_evaluations == 50
    with pytest.raises(kolmo.Error, match="epsilon|ε"):
        kolmo.sampling.sample(exact, schedule, diffused.marginal(1.0), t_max=1.0, t_min=1e-3, seed=1,
                              sampler="annealed-langevin", steps=10, steps_per_level=5, epsilon=0.0, paths=10)
    with pytest.raises(kolmo.Error, match="predictor"):
        kolmo.sampling.sample(exact, schedule, diffused.marginal(1.0), t_max=1.0, t_min=1e-3, seed=1,
                              sampler="predictor-corrector", steps=10, predictor="heun", paths=10)
    with pytest.raises(kolmo.Error, match="order"):
        kolmo.sampling.sample(exact, schedule, diffused.marginal(1.0), t_max=1.0, t_min=1e-3, seed=1,
                              sampler="dpm-solver", order=4, steps=10, paths=10)


def oracle_error(cells, x, t):
    """The grid-oracle score of the VP forward Fokker–Planck solution, minus the exact score."""
    schedule, diffused, exact = setting()
    grid = kolmo.grid.Grid([kolmo.grid.Axis(-5.0, 5.0, cells)])
    start = kolmo.grid.DensityField.of_mixture(bimodal(), grid)
    times = [0.2 + 0.05 * k for k in range(13)]
    solution = kolmo.grid.solve_fokker_planck(schedule.sde(1), start, times[-1], dt=1e-3, snapshot_times=times)
    assert solution.status.ok
    oracle = kolmo.score.grid_oracle(solution.snapshots)
    return oracle(t, x)[:, 0], exact(t, x)[:, 0]


def test_the_grid_oracle_is_the_exact_score_to_its_grid_error():
    x = np.linspace(-2.0, 2.0, 9).reshape(-1, 1)
    fine, exact = oracle_error(800, x, 0.45)
    coarse, _ = oracle_error(400, x, 0.45)
    # Second order in h: the fine grid's spatial error is about |fine − coarse| / 3; allow twice
    # that, plus 1e-5 for the time interpolation's and Crank–Nicolson's share (halving both the
    # snapshot spacing and dt changes the score by at most 1.3e-6 here).
    assert np.all(np.abs(fine - exact) <= 2 * np.abs(fine - coarse) / 3 + 1e-5), np.abs(fine - exact)
    with pytest.raises(kolmo.Error, match="time_interpolation"):
        kolmo.score.grid_oracle([], time_interpolation="spline")


def test_the_ddpm_bound_is_below_the_data_log_likelihood_on_average():
    # −L ≤ log p_θ(x0) per point, and E_data log p_θ ≤ E_data log p_data (Gibbs): the paired mean
    # of bound − log p_data over 40 data points stays below 5 SE (seed 9).
    discrete = kolmo.schedule.DiscreteSchedule.linear(steps=100, beta_first=1e-3, beta_last=0.2)
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), discrete.as_continuous())
    exact = kolmo.score.mixture_score(diffused)
    data = bimodal().sample(seed=9, count=40)
    standard = kolmo.distribution.GaussianMixture.gaussian(np.zeros(1), np.eye(1))
    for variance in ["beta", "posterior"]:
        bound = kolmo.likelihood.ddpm_bound(discrete, exact, standard, data, variance=variance, draws=400, seed=9)
        assert bound.status.ok and bound.bound.shape == (40,)
        gap = bound.bound - bimodal().log_density(data)
        assert gap.mean() < 5 * gap.std() / math.sqrt(gap.size)
    with pytest.raises(kolmo.Error, match="variance"):
        kolmo.likelihood.ddpm_bound(discrete, exact, standard, data, variance="learned", seed=1)
    with pytest.raises(kolmo.Error):
        kolmo.likelihood.ddpm_bound(discrete, exact, standard, data, variance=[0.1, 0.2], seed=1)


def test_model_densities_of_the_exact_score_are_p_tmin_to_their_grid_error():
    # With the exact score and prior p_T, p_ODE = p_SDE = p_tmin. Both schemes are of order at
    # least one, so the order-1 Richardson estimate |R(fine) − coarse| bounds the fine grid's error.
    schedule, diffused, exact = setting()
    p_T = diffused.marginal(1.0)

    def densities(cells):
        grid = kolmo.grid.Grid([kolmo.grid.Axis(-5.0, 5.0, cells)])
        ode = kolmo.likelihood.ode_model_density(schedule, exact, p_T, grid, t_min=1e-3)
        sde = kolmo.likelihood.sde_model_density(schedule, exact, p_T, grid, t_min=1e-3)
        assert ode.status.ok and sde.status.ok
        return grid, ode.density, sde.density

    grid, ode_fine, sde_fine = densities(400)
    _, ode_coarse, sde_coarse = densities(200)
    target = kolmo.grid.DensityField.of_mixture(diffused.marginal(1e-3), grid)
    for fine, coarse in [(ode_fine, ode_coarse), (sde_fine, sde_coarse)]:
        error = kolmo.compare.fields(fine, target).l1
        assert error <= kolmo.compare.richardson_l1_error(fine, coarse, order=1), error
    x = np.array([[-1.5], [1.2]])
    log_p = kolmo.likelihood.log_density_at(ode_fine, x)
    assert log_p.shape == (2,) and np.all(np.isfinite(log_p))


@pytest.mark.parametrize("sampler, options", [
    ("unipc", dict(order=3, steps=20, variant="bh2")),
    ("sde-dpm-solver++", dict(steps=200, eta=1.0)),
    ("dpm-solver++-2s-ancestral", dict(steps=100)),
    ("dpm-solver-adaptive", dict(order=3, steps=1, absolute_tolerance=1e-4, relative_tolerance=1e-4)),
    ("dpm-solver-multistep", dict(order=3, steps=30)),
    ("dpm-solver-fast", dict(order=3, steps=30, prediction="data")),
])
def test_the_parity_samplers_reach_the_exact_marginal(sampler, options):
    # Mean of 20000 samples against the exact p_tmin within 5 SE (seed 10); each sampler's
    # reference parity is tested in C++ (lib/tests/sampling/*_reference_test.cpp).
    schedule, diffused, exact = setting()
    run = kolmo.sampling.sample(exact, schedule, diffused.marginal(1.0), t_max=1.0, t_min=1e-3, seed=10, sampler=sampler,
                                paths=20000, threads=2, **options)
    assert run.status.ok, run.status
    mean, variance = moments(diffused.marginal(1e-3))
    assert abs(run.samples[:, 0].mean() - mean) < 5 * math.sqrt(variance / 20000)


def test_edm_from_start_points_and_the_noise_it_draws():
    edm = kolmo.schedule.NoiseSchedule.edm(80.0)
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), edm)
    start = 60.0 * kolmo.random.normals(1, 0, 8, 1, purpose="verification")
    run = kolmo.sampling.sample(kolmo.score.mixture_score(diffused), edm, start, t_max=60.0, t_min=0.002, seed=2,
                                sampler="edm", steps=18, churn=10.0, churn_min=0.05, churn_max=50.0, paths=8)
    assert run.status.ok and run.model_evaluations == 35 and run.times[-1] == 0.0
    np.testing.assert_array_equal(kolmo.random.normals(2, 3, 4, 2), kolmo.random.normals(2, 3, 4, 2))
    with pytest.raises(kolmo.Error, match="variant"):
        kolmo.sampling.sample(kolmo.score.mixture_score(diffused), edm, start, t_max=60.0, t_min=0.002, seed=2,
                              sampler="unipc", steps=5, variant="bh3", paths=8)
    with pytest.raises(kolmo.Error, match="purpose"):
        kolmo.random.normals(1, 0, 2, 2, purpose="noise")


def test_defaults_follow_each_sampler_and_times_are_checked(tmp_path):
    schedule, diffused, exact = setting()
    p_T = diffused.marginal(1.0)
    sde = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=1, sampler="sde-dpm-solver++", steps=10,
                                paths=10)
    fast = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=1, sampler="dpm-solver-fast", steps=10,
                                 paths=10)
    adaptive = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=1, sampler="dpm-solver-adaptive",
                                     steps=1, paths=10)
    assert (sde.sampler, fast.sampler, adaptive.sampler) == ("sde-dpm-solver++(2M)", "dpm-solver-fast(3)", "dpm-solver-23")
    with pytest.raises(kolmo.Error, match="t_min"):
        kolmo.sampling.probability_flow(exact, schedule, p_T, t_max=0.1, t_min=0.5, steps=10, paths=4)
    with pytest.raises(kolmo.Error, match="steps"):
        kolmo.sampling.probability_flow(exact, schedule, p_T, t_max=1.0, t_min=1e-3, paths=4)
    mlp = kolmo.score.Mlp(1, schedule, hidden=[8], seed=3)
    mlp.save(str(tmp_path / "model.txt"))
    loaded = kolmo.score.Mlp.load(tmp_path / "model.txt", schedule)
    np.testing.assert_array_equal(loaded.parameters, mlp.parameters)
    if hasattr(kolmo, "verify"):
        with pytest.raises(kolmo.Error, match="filter"):
            kolmo.verify.run("^no-such-case/")


def test_negative_counts_and_seeds_are_kolmo_errors_naming_them():
    schedule, diffused, exact = setting()
    p_T = diffused.marginal(1.0)
    ou = kolmo.process.OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde()
    with pytest.raises(kolmo.Error, match="'paths' = -5"):
        kolmo.sde.solve(ou, [0.0], 0.0, 1.0, dt=0.1, paths=-5, seed=1)
    with pytest.raises(kolmo.Error, match="'seed' = -1"):
        kolmo.sde.solve(ou, [0.0], 0.0, 1.0, dt=0.1, paths=5, seed=-1)
    with pytest.raises(kolmo.Error, match="'steps' = -3"):
        kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=1, sampler="ddim", steps=-3, paths=5)
    with pytest.raises(kolmo.Error, match="'paths' = -2"):
        kolmo.sampling.probability_flow(exact, schedule, p_T, t_max=1.0, t_min=1e-3, steps=5, paths=-2)
    with pytest.raises(kolmo.Error, match="'iterations' = -1"):
        kolmo.sampling.langevin(bimodal(), [0.0], seed=1, method="ula", step=0.1, iterations=-1, paths=2)
    with pytest.raises(kolmo.Error, match="'dimension' = 0"):
        kolmo.sampling.langevin(lambda x: -x, [0.0], seed=1, method="ula", step=0.1, iterations=2, paths=2)
    with pytest.raises(kolmo.Error, match="'step' = -1"):
        kolmo.random.normals(1, -1, 2, 2)
