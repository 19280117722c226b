"""The kolmo Python module: NumPy in and out, errors, and bit-identity with the C++ engine.

Statistical assertions state their seed and tolerance (a z-score against the exact law's standard
error at 5 sigma, or the exact value to rounding).
"""

import math

import numpy as np
import pytest

import kolmo


def test_version_and_error_type():
    assert kolmo.__version__.count(".") == 2
    assert issubclass(kolmo.Error, ValueError)


def test_bad_input_raises_kolmo_error_naming_the_parameter():
    with pytest.raises(kolmo.Error, match="sigma"):
        kolmo.process.OrnsteinUhlenbeck(theta=1.0, mu=0.0, sigma=-1.0)
    ou = kolmo.process.OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde()
    with pytest.raises(kolmo.Error, match="scheme"):
        kolmo.sde.solve(ou, [0.0], 0.0, 1.0, dt=0.1, paths=10, seed=1, scheme="runge-kutta-9")
    with pytest.raises(kolmo.Error, match="paths"):
        kolmo.sde.solve(ou, [0.0], 0.0, 1.0, dt=0.1, paths=0, seed=1)
    with pytest.raises(kolmo.Error):
        kolmo.distribution.GaussianMixture([0.5, 0.6], [np.zeros(1), np.ones(1)], [np.eye(1), np.eye(1)])


def test_gaussian_mixture_density_and_score_match_their_formulas():
    g = kolmo.distribution.GaussianMixture([0.3, 0.7], [np.array([-1.0]), np.array([2.0])], [np.eye(1) * 0.5, np.eye(1) * 2.0])
    x = np.linspace(-3, 4, 9).reshape(-1, 1)

    def normal(x, m, v):
        return np.exp(-((x - m) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)

    p = 0.3 * normal(x[:, 0], -1.0, 0.5) + 0.7 * normal(x[:, 0], 2.0, 2.0)
    np.testing.assert_allclose(g.log_density(x), np.log(p), rtol=1e-12)
    dp = 0.3 * normal(x[:, 0], -1.0, 0.5) * (-(x[:, 0] + 1.0) / 0.5) + 0.7 * normal(x[:, 0], 2.0, 2.0) * (-(x[:, 0] - 2.0) / 2.0)
    np.testing.assert_allclose(g.score(x)[:, 0], dp / p, rtol=1e-10)
    draws = g.sample(seed=3, count=5)
    assert draws.shape == (5, 1)
    np.testing.assert_array_equal(draws, g.sample(seed=3, count=5))
    np.testing.assert_array_equal(draws[2:], g.sample(seed=3, first_path=2, count=3))


def test_ou_terminal_mean_matches_the_exact_law():
    # Seed 7, 20000 paths, Euler-Maruyama at dt = 1/200 (weak bias 1e-3, far under the 5-sigma band).
    ou = kolmo.process.OrnsteinUhlenbeck(theta=1.5, mu=0.5, sigma=0.8)
    solution = kolmo.sde.solve(ou.sde(), [2.0], 0.0, 1.0, dt=1 / 200, paths=20000, seed=7, threads=2)
    assert solution.status.ok and bool(solution.status)
    x = solution.terminal[:, 0]
    mean = 0.5 + (2.0 - 0.5) * math.exp(-1.5)
    variance = 0.64 / 3.0 * (1 - math.exp(-3.0))
    assert abs(x.mean() - mean) < 5 * math.sqrt(variance / x.size)
    assert solution.stats.paths == 20000 and solution.stats.steps == 200


def python_ou(theta, mu, sigma):
    return kolmo.process.Sde.additive("python OU", 1, 1, lambda t, x: theta * (mu - x), np.array([[sigma]]))


def test_a_python_drift_gives_the_same_bits_as_the_built_in_process():
    # The same arithmetic θ(μ − x) in NumPy and in C++, the same draws: bit-identical ensembles.
    built_in = kolmo.process.OrnsteinUhlenbeck(1.5, 0.5, 0.8).sde()
    for scheme in ["euler-maruyama", "milstein", "platen-weak2"]:
        a = kolmo.sde.solve(built_in, [2.0], 0.0, 1.0, dt=0.01, paths=5000, seed=11, scheme=scheme)
        b = kolmo.sde.solve(python_ou(1.5, 0.5, 0.8), [2.0], 0.0, 1.0, dt=0.01, paths=5000, seed=11, scheme=scheme)
        np.testing.assert_array_equal(a.terminal, b.terminal)


def test_bit_identical_for_any_thread_count_with_a_python_callable():
    sde = kolmo.process.Sde.diagonal("python GBM", 2, lambda t, x: 0.1 * x, lambda t, x: 0.3 * x)
    one = kolmo.sde.solve(sde, np.array([1.0, 2.0]), 0.0, 1.0, dt=0.01, paths=9000, seed=5, threads=1)
    two = kolmo.sde.solve(sde, np.array([1.0, 2.0]), 0.0, 1.0, dt=0.01, paths=9000, seed=5, threads=2)
    np.testing.assert_array_equal(one.terminal, two.terminal)


def test_a_failing_python_callable_is_a_kolmo_error_with_its_message():
    def broken(t, x):
        raise RuntimeError("no drift today")

    sde = kolmo.process.Sde.additive("broken", 1, 1, broken, [[1.0]])
    with pytest.raises(kolmo.Error, match="no drift today"):
        kolmo.sde.solve(sde, [0.0], 0.0, 1.0, dt=0.1, paths=10, seed=1)
    wrong_shape = kolmo.process.Sde.additive("wrong shape", 1, 1, lambda t, x: np.zeros((3, 3)), [[1.0]])
    with pytest.raises(kolmo.Error, match="shape"):
        kolmo.sde.solve(wrong_shape, [0.0], 0.0, 1.0, dt=0.1, paths=10, seed=1)


def test_a_numerical_failure_is_a_status_not_an_exception():
    # dX = X^3 dt + dW from 3 explodes: the failed paths are NaN rows, named in the status.
    def cube(t, x):
        with np.errstate(over="ignore", invalid="ignore"):
            return x**3

    sde = kolmo.process.Sde.additive("explosive", 1, 1, cube, [[1.0]])
    solution = kolmo.sde.solve(sde, [3.0], 0.0, 1.0, dt=0.05, paths=100, seed=2)
    assert not solution.status.ok
    assert solution.status.code == "non_finite"
    assert len(solution.failed_paths) > 0
    assert np.isnan(solution.terminal[solution.failed_paths[0], 0])


def test_initial_laws_point_states_and_mixture():
    ou = kolmo.process.OrnsteinUhlenbeck(1.0, 0.0, 1.0).sde()
    states = np.linspace(-1, 1, 7).reshape(-1, 1)
    by_state = kolmo.sde.solve(ou, states, 0.0, 0.5, dt=0.1, paths=7, seed=4)
    assert by_state.terminal.shape == (7, 1)
    mixture = kolmo.distribution.GaussianMixture.gaussian(np.zeros(1), np.eye(1))
    by_law = kolmo.sde.solve(ou, mixture, 0.0, 0.5, dt=0.1, paths=50, seed=4)
    assert by_law.terminal.shape == (50, 1)


def bimodal():
    return kolmo.distribution.GaussianMixture(
        [0.4, 0.6], [np.array([-1.5]), np.array([1.2])], [np.array([[0.09]]), np.array([[0.16]])]
    )


def test_schedules_are_vectorised_and_variance_preserving():
    vp = kolmo.schedule.NoiseSchedule.vp_linear()
    t = np.linspace(0.01, 1.0, 50)
    np.testing.assert_allclose(vp.alpha(t) ** 2 + vp.sigma(t) ** 2, 1.0, rtol=1e-13)
    np.testing.assert_allclose(vp.snr(t), vp.alpha(t) ** 2 / vp.sigma(t) ** 2, rtol=1e-12)


def test_the_exact_mixture_score_is_the_marginals_score():
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), kolmo.schedule.NoiseSchedule.vp_linear())
    score = kolmo.score.mixture_score(diffused)
    x = np.linspace(-3, 3, 11).reshape(-1, 1)
    np.testing.assert_allclose(score(0.3, x), diffused.marginal(0.3).score(x), rtol=1e-12)


def test_samplers_reach_the_exact_marginal_and_a_python_score_gives_the_same_bits():
    # DDIM with 200 steps from the exact p_T (seed 3, 20000 paths): mean and variance of the samples
    # against the exact p_tmin within 5 SE (the sampler's bias at 200 steps is ~1e-3, under 0.1 SE).
    schedule = kolmo.schedule.NoiseSchedule.vp_linear()
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), schedule)
    exact = kolmo.score.mixture_score(diffused)
    p_T = diffused.marginal(1.0)
    run = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=3, sampler="ddim", steps=200, paths=20000, threads=2)
    assert run.status.ok and run.model_evaluations == 200
    x = run.samples[:, 0]
    target = diffused.marginal(1e-3)
    mean = sum(w * m[0] for w, m in zip(target.weights, target.means))
    second = sum(w * (c[0, 0] + m[0] ** 2) for w, m, c in zip(target.weights, target.means, target.covariances))
    variance = second - mean**2
    assert abs(x.mean() - mean) < 5 * math.sqrt(variance / x.size)
    assert abs(x.var() - variance) < 5 * variance * math.sqrt(2.5 / x.size)  # kurtosis of a bimodal law < 3.5
    python = kolmo.score.from_callable("python exact", 1, lambda t, y: exact(t, y))
    for sampler in ["ddpm", "ddim", "dpm-solver++"]:
        a = kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=4, sampler=sampler, steps=10, paths=3000)
        b = kolmo.sampling.sample(python, schedule, p_T, t_max=1.0, t_min=1e-3, seed=4, sampler=sampler, steps=10, paths=3000, threads=2)
        np.testing.assert_array_equal(a.samples, b.samples)
    with pytest.raises(kolmo.Error, match="sampler"):
        kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=1e-3, seed=4, sampler="euler", steps=10, paths=10)
    with pytest.raises(kolmo.Error, match="t_min"):
        kolmo.sampling.sample(exact, schedule, p_T, t_max=1.0, t_min=2.0, seed=4, sampler="ddim", steps=10, paths=10)


def test_likelihoods_and_bounds_of_the_exact_score():
    # Exact score, prior p_T: the PF-ODE log-likelihood is log p_tmin within its ODE error estimate
    # (x10, the estimate's own safety), the ELBO within 5 SE of it, and the VDM bound of data below
    # log p_data within 5 SE (seeds 5, 6).
    schedule = kolmo.schedule.NoiseSchedule.vp_linear()
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), schedule)
    exact = kolmo.score.mixture_score(diffused)
    p_T = diffused.marginal(1.0)
    x = diffused.marginal(1e-3).sample(seed=2, count=20)
    log_p = diffused.marginal(1e-3).log_density(x)
    ode = kolmo.likelihood.ode_log_likelihood(schedule, exact, p_T, x, t_min=1e-3, tolerance=1e-7)
    assert ode.status.ok
    assert np.all(np.abs(ode.log_likelihood - log_p) <= 10 * ode.ode_error + 1e-9)
    elbo = kolmo.likelihood.continuous_elbo(schedule, exact, p_T, x, t_min=1e-3, draws=2000, seed=5)
    assert abs(np.mean(elbo.elbo - log_p)) < 5 * np.sqrt(np.sum(elbo.standard_error**2)) / x.shape[0]
    data = bimodal().sample(seed=3, count=20)
    standard = kolmo.distribution.GaussianMixture.gaussian(np.zeros(1), np.eye(1))
    vdm = kolmo.likelihood.vdm_bound(schedule, exact, standard, data, t_min=1e-3, draws=2000, seed=6)
    assert np.mean(vdm.bound - bimodal().log_density(data)) < 5 * np.sqrt(np.sum(vdm.standard_error**2)) / data.shape[0]
    python = kolmo.score.from_callable("no divergence", 1, lambda t, y: exact(t, y))
    with pytest.raises(kolmo.Error, match="divergence"):
        kolmo.likelihood.continuous_elbo(schedule, python, p_T, x, seed=1)
