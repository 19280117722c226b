"""kolmo.sde.study_convergence, kolmo.grid, kolmo.compare, the reverse-time samplers, Langevin
chains and kolmo.verify from Python.

Statistical assertions state their seed and tolerance: a z-score at 5 sigma against the exact
value's Monte Carlo standard error, or an order's confidence interval. Grid results are held to
the scheme's truncation scale h² + Δt² (second order in space and time); the orders themselves
are verified by the C++ suite.
"""

import math

import numpy as np
import pytest

import kolmo

G = kolmo.grid


def gbm_study(threads=1):
    gbm = kolmo.process.GeometricBrownianMotion(lam=1.5, mu=1.0)
    return kolmo.sde.study_convergence(
        gbm.sde(), [1.0], 0.0, 1.0, scheme="milstein", dts=[1 / 8, 1 / 16, 1 / 32, 1 / 64], paths=4000, seed=7,
        exact=gbm, functionals={"x": lambda x: x[:, 0]}, threads=threads)


def test_a_convergence_study_recovers_milsteins_strong_order_and_is_thread_invariant():
    study = gbm_study()
    assert study.status.ok and study.reference == "exact"
    assert study.strong_order.status.ok and study.advertised_strong_order == 1.0
    assert [r.steps for r in study.resolutions] == [8, 16, 32, 64]
    # Milstein has strong order 1. The straight-line fit over all four steps is biased by the
    # pre-asymptotic curvature (0.92 here), so the claim is tested, as the C++ suite does, by the
    # local order of the finest pair with its drift bound and jackknife margins (seed 7, 95%).
    lo, hi = study.strong_local.interval(0.95)
    assert lo <= 1.0 <= hi, (lo, hi)
    other = gbm_study(threads=2)
    assert [r.strong.mean for r in other.resolutions] == [r.strong.mean for r in study.resolutions]


def test_a_python_exact_solution_gives_the_same_study_as_the_catalogues():
    gbm = kolmo.process.GeometricBrownianMotion(lam=1.5, mu=1.0)
    by_hand = kolmo.sde.study_convergence(
        gbm.sde(), [1.0], 0.0, 1.0, scheme="euler-maruyama", dts=[1 / 8, 1 / 16, 1 / 32], paths=500, seed=3,
        exact=lambda t0, t1, x0, w: x0 * np.exp((1.5 - 0.5) * (t1 - t0) + w))
    catalogue = kolmo.sde.study_convergence(
        gbm.sde(), [1.0], 0.0, 1.0, scheme="euler-maruyama", dts=[1 / 8, 1 / 16, 1 / 32], paths=500, seed=3, exact=gbm)
    for a, b in zip(by_hand.resolutions, catalogue.resolutions):
        assert a.strong.mean == pytest.approx(b.strong.mean, rel=1e-13)


def test_study_bad_input():
    gbm = kolmo.process.GeometricBrownianMotion(1.5, 1.0)
    with pytest.raises(kolmo.Error, match="exact"):
        kolmo.sde.study_convergence(gbm.sde(), [1.0], 0.0, 1.0, scheme="milstein", dts=[0.5, 0.25], paths=10, seed=1,
                                    exact="gbm")
    with pytest.raises(kolmo.Error, match="functional 'f'"):
        kolmo.sde.study_convergence(gbm.sde(), [1.0], 0.0, 1.0, scheme="milstein", dts=[0.5, 0.25], paths=10, seed=1,
                                    exact=gbm, functionals={"f": 3})
    with pytest.raises(kolmo.Error, match="scheme"):
        kolmo.sde.study_convergence(gbm.sde(), [1.0], 0.0, 1.0, scheme="rk4", dts=[0.5, 0.25], paths=10, seed=1, exact=gbm)
    with pytest.raises(kolmo.Error, match="reference"):  # neither an exact solution nor a reference step
        kolmo.sde.study_convergence(gbm.sde(), [1.0], 0.0, 1.0, scheme="milstein", dts=[0.5, 0.25], paths=10, seed=1)


def ou_fokker_planck():
    ou = kolmo.process.OrnsteinUhlenbeck(theta=1.0, mu=0.0, sigma=1.0)
    grid = G.Grid([G.Axis(-5.0, 5.0, 200)])
    start = G.DensityField.of_mixture(kolmo.distribution.GaussianMixture.gaussian([2.0], [[0.09]]), grid)
    return ou, start, G.solve_fokker_planck(ou.sde(), start, 1.0, dt=0.01, snapshot_times=[0.5])


def test_fokker_planck_of_ou_has_the_exact_transition_moments():
    ou, start, solution = ou_fokker_planck()
    assert solution.status.ok and solution.stats.linear_solver == "tridiagonal"
    assert [s.time for s in solution.snapshots] == [0.5]
    scale = 0.05**2 + 0.01**2  # h² + Δt²
    for field, t in [(solution.snapshots[0], 0.5), (solution.density, 1.0)]:
        assert field.mass == pytest.approx(1.0, abs=1e-12)
        assert abs(field.mean[0] - ou.transition_mean(2.0, t)) < scale
        exact_variance = ou.transition_variance(t) + 0.09 * math.exp(-2 * t)
        assert abs(field.covariance[0, 0] - exact_variance) < scale


def test_particles_agree_with_the_grid_and_a_wrong_law_is_rejected():
    ou, start, solution = ou_fokker_planck()
    start_law = kolmo.distribution.GaussianMixture.gaussian([2.0], [[0.09]])
    particles = kolmo.sde.solve(ou.sde(), start_law, 0.0, 1.0, dt=0.01, paths=4000, seed=11).terminal
    same = kolmo.compare.samples(particles, solution.density, grid_error=1e-3)
    assert same.test == "kolmogorov-smirnov" and same.p_value > 1e-4  # seed 11
    wrong = kolmo.compare.samples(particles, start_law)
    assert wrong.p_value < 1e-10
    both = kolmo.compare.two_sample(particles[:1000], particles[1000:2000], seed=1)
    assert both.kolmogorov_smirnov is not None and both.energy.p_value > 1e-4


def test_density_fields_shapes_marginals_and_distances():
    grid = G.Grid([G.Axis(-3.0, 3.0, 30), G.Axis(-2.0, 2.0, 20)])
    field = G.DensityField.at_cell_centers(grid, lambda x: np.exp(-x[:, 0] ** 2 - 2 * x[:, 1] ** 2))
    assert field.array().shape == (30, 20)
    centers = grid.centers()
    assert field.array()[4, 7] == field.values[4 + 30 * 7]
    assert centers[4 + 30 * 7, 0] == pytest.approx(grid.axis_centers(0)[4])
    marginal = field.marginal([1])
    assert marginal.values.shape == (20,) and marginal.mass == pytest.approx(1.0, abs=1e-13)
    assert kolmo.compare.fields(field, field).l1 == 0.0
    with pytest.raises(kolmo.Error, match="boundary"):
        G.Axis(0.0, 1.0, 10, "reflecting")
    with pytest.raises(kolmo.Error, match="scheme"):
        G.solve_fokker_planck(kolmo.process.OrnsteinUhlenbeck(1, 0, 1).sde(), marginal, 1.0, dt=0.1, scheme="rk4")


def test_continuity_transports_mass_along_the_flow():
    grid = G.Grid([G.Axis(-5.0, 5.0, 400)])
    start = G.DensityField.of_mixture(kolmo.distribution.GaussianMixture.gaussian([2.0], [[0.09]]), grid)
    # v = −x contracts: X_t = X_0 e^{−t}, so the mean is 2e^{−1} and the variance 0.09 e^{−2}.
    solution = G.solve_continuity(lambda t, x: -x, start, 1.0, autonomous=True)
    assert solution.status.ok and solution.stats.step_control == "adaptive"
    h = 10.0 / 400
    assert abs(solution.density.mean[0] - 2 * math.exp(-1)) < h**2
    assert abs(solution.density.covariance[0, 0] - 0.09 * math.exp(-2)) < 4 * h**2


def bimodal():
    return kolmo.distribution.GaussianMixture([0.4, 0.6], [np.array([-1.5]), np.array([1.0])],
                                              [np.eye(1) * 0.2, np.eye(1) * 0.3])


def test_reverse_sde_and_probability_flow_reach_the_exact_marginal():
    schedule = kolmo.schedule.NoiseSchedule.vp_linear()
    diffused = kolmo.schedule.DiffusedMixture(bimodal(), schedule)
    score = kolmo.score.mixture_score(diffused)
    t_min, n = 1e-3, 4000
    exact = diffused.marginal(t_min)
    exact_mean = sum(w * m[0] for w, m in zip(exact.weights, exact.means))
    exact_second = sum(w * (c[0, 0] + m[0] ** 2) for w, m, c in zip(exact.weights, exact.means, exact.covariances))
    sd = math.sqrt(exact_second - exact_mean**2)
    flow = kolmo.sampling.probability_flow(score, schedule, diffused.marginal(1.0), t_max=1.0, t_min=t_min,
                                           method="dormand-prince", tolerance=1e-8, paths=n, seed=5)
    reverse = kolmo.sde.solve(kolmo.sampling.reverse_sde(schedule, score), diffused.marginal(1.0), 1.0, t_min,
                              dt=-(1.0 - t_min) / 500, paths=n, seed=6)
    for samples in (flow.samples, reverse.terminal):
        z = (samples.mean() - exact_mean) / (sd / math.sqrt(n))
        assert abs(z) < 5  # seeds 5 and 6; the discretisation bias is far below sd/√n here
    assert flow.velocity_evaluations > 0
    with pytest.raises(kolmo.Error, match="method"):
        kolmo.sampling.probability_flow(score, schedule, diffused.marginal(1.0), t_max=1.0, t_min=t_min, method="rk45",
                                        paths=10)


def test_mala_is_exact_and_ula_has_its_known_bias_on_a_gaussian():
    target = kolmo.distribution.GaussianMixture.gaussian([0.0], [[1.0]])
    n, h = 20000, 0.5
    ula = kolmo.sampling.langevin(target, [0.0], seed=1, method="ula", step=h, iterations=200, paths=n)
    mala = kolmo.sampling.langevin(target, [0.0], seed=1, method="mala", step=h, iterations=200, paths=n)
    ula_variance = kolmo.sampling.langevin(lambda x: -x, [0.0], seed=1, method="ula", step=h, iterations=200,
                                           paths=n, dimension=1).samples.var()
    assert ula_variance == ula.samples.var()  # the same chains: the callable is the mixture's score
    exact_ula = 1.0 / (1.0 - h / 2)  # s²/(1 − h/(2s²)): Roberts & Tweedie's AR(1) recursion
    for samples, expected in [(ula.samples, exact_ula), (mala.samples, 1.0)]:
        se = expected * math.sqrt(2.0 / n)  # SE of a Gaussian sample variance
        assert abs(samples.var() - expected) < 5 * se  # seed 1
    assert 0.5 < mala.acceptance_rate < 1.0 and ula.acceptance_rate == 1.0
    with pytest.raises(kolmo.Error, match="method"):
        kolmo.sampling.langevin(target, [0.0], seed=1, method="hmc", step=h, iterations=2, paths=2)
    with pytest.raises(kolmo.Error, match="log_density|log density"):
        kolmo.sampling.langevin(lambda x: -x, [0.0], seed=1, method="mala", step=h, iterations=2, paths=2, dimension=1)


@pytest.mark.skipif(not hasattr(kolmo, "verify"), reason="built without the verification cases")
def test_verify_run_returns_the_report_as_python_data():
    names = [c["name"] for c in kolmo.verify.cases(filter="^ou/")]
    assert names and all(n.startswith("ou/") for n in names)
    report = kolmo.verify.run("^ou/", threads=2)
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] == len(names)
    assert {c["name"] for c in report["cases"]} == set(names)
    assert all(c["verdict"] == "pass" for c in report["cases"])
    with pytest.raises(kolmo.Error, match="tier"):
        kolmo.verify.run("^ou/", tier="slow")
    with pytest.raises(kolmo.Error, match="threads"):
        kolmo.verify.run("^ou/", threads=0)
