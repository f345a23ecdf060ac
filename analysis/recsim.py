"""The link-recommendation simulation of Beautiful and damned §7 (Fig. 12).

Every sampled user *u* receives one recommendation *r* from each method (the rank-1 answer
of :func:`analysis.fof.recommend`); *R* is the list of pairs *(u, r)* a method produced (a
user without any candidate gets none).  The four indicators of §7:

* :math:`b_{recs} = \\frac{1}{|R|}\\sum_{(u,r)\\in R} \\bar b(r)` — average user beauty of the
  recommended contacts;
* :math:`b_{ratio} = \\frac{1}{|R|}\\sum_{(u,r)\\in R} \\bar b(u)/\\bar b(r)` — average beauty
  ratio recipient / recommended (closer to 1 = less imbalance);
* :math:`fav_{recs} = \\frac{1}{|R|}\\sum_{(u,r)\\in R} fav(r)` — average number of favourites
  received by the recommended contacts;
* :math:`p_{forlorn} = \\frac{1}{|R|}\\sum_{(u,r)\\in R} I(r \\in \\text{Forlorn beauty})`.

95 % confidence intervals: normal approximation (mean ± 1.96·s/√n) for the three means and
the Wilson score interval for the proportion.  The paper's comparisons between CN and BB
(CN's picks ≈ 5× more popular, BB reaches ≈ 49 % more Forlorn-beauty users, CN adds ≈ 2.35 %
imbalance) get a paired bootstrap CI over the sampled users (seeded).

As in the paper, whose population are photographers with a beauty score, recipients and
candidates are users with a finite, positive user beauty (so that :math:`b_{ratio}` is
defined); paths may run through any account.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import fof
from analysis.recommend_params import RECOMMEND_DEFAULTS, check_method, check_values

__all__ = [
    "Estimate",
    "MethodMetrics",
    "RecSimResult",
    "PAPER",
    "eligible_users",
    "sample_users",
    "mean_ci",
    "wilson_ci",
    "simulate",
]

_Z95 = 1.959963984540054

#: the paper's findings (§7, text next to Fig. 12)
PAPER: dict[str, float] = {
    "popularity_ratio_cn_bb": 5.0,  # "CN's recommended users are 5 times more popular"
    "forlorn_gain_bb_vs_cn": 0.49,  # "BB±10 suggests 49 % more users in that class"
    "imbalance_increase_cn": 0.0235,  # "higher beauty imbalance (+2.35 %)"
}


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % confidence interval and sample size."""

    value: float
    ci_low: float
    ci_high: float
    n: int

    def to_dict(self) -> dict:
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n}


@dataclass(frozen=True)
class MethodMetrics:
    """The four §7 indicators of one recommender."""

    method: str
    n_recs: int
    b_recs: Estimate
    b_ratio: Estimate
    fav_recs: Estimate
    p_forlorn: Estimate

    def to_dict(self) -> dict:
        return {
            "n_recs": self.n_recs,
            "b_recs": self.b_recs.to_dict(),
            "b_ratio": self.b_ratio.to_dict(),
            "fav_recs": self.fav_recs.to_dict(),
            "p_forlorn": self.p_forlorn.to_dict(),
        }


@dataclass(frozen=True)
class RecSimResult:
    """Result of :func:`simulate`: metrics per method plus the paper's CN-vs-BB comparisons.

    ``pairs[method]`` holds ``(users, recommended)`` node indices of the rank-1 answers;
    ``comparisons`` maps a key of :data:`PAPER` to an :class:`Estimate` (bootstrap CI).
    """

    n_sampled: int
    seed: int
    tolerance: float
    metrics: dict[str, MethodMetrics]
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    comparisons: dict[str, Estimate] = field(default_factory=dict)
    #: why a comparison has no value (a key of ``comparisons`` whose value is NaN)
    reasons: dict[str, str] = field(default_factory=dict)

    def comparison_rows(self) -> dict[str, dict]:
        """Every paper comparison as ``{measured, ci: [low, high], paper, reason}``:
        ``measured`` None (and ``reason`` saying why) when it cannot be computed, a CI
        bound None when the bootstrap gives none; ``reason`` None otherwise."""
        rows = {}
        for key, e in self.comparisons.items():
            finite = bool(np.isfinite(e.value))
            rows[key] = {
                "measured": e.value if finite else None,
                "ci": [_finite_or_none(e.ci_low), _finite_or_none(e.ci_high)],
                "paper": PAPER[key],
                "reason": None if finite else self.reasons.get(key, "not computable"),
            }
        return rows

    def to_frame(self) -> pd.DataFrame:
        """One row per (method, metric) with value, CI and n."""
        rows = []
        for m, mm in self.metrics.items():
            for name in ("b_recs", "b_ratio", "fav_recs", "p_forlorn"):
                e: Estimate = getattr(mm, name)
                rows.append(
                    {
                        "method": m,
                        "metric": name,
                        "value": e.value,
                        "ci_low": e.ci_low,
                        "ci_high": e.ci_high,
                        "n": e.n,
                    }
                )
        return pd.DataFrame(rows, columns=["method", "metric", "value", "ci_low", "ci_high", "n"])

    def to_dict(self) -> dict:
        """``{method: {n_recs, b_recs, b_ratio, fav_recs, p_forlorn}}`` (the CLI's --json)."""
        return {m: mm.to_dict() for m, mm in self.metrics.items()}


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def mean_ci(x: np.ndarray) -> Estimate:
    """Mean with a normal-approximation 95 % CI (NaN bounds for n < 2, NaN mean for n = 0)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    mu = float(x.mean())
    if n < 2:
        return Estimate(mu, float("nan"), float("nan"), n)
    half = _Z95 * float(x.std(ddof=1)) / np.sqrt(n)
    return Estimate(mu, mu - half, mu + half, n)


def wilson_ci(successes: int, n: int) -> Estimate:
    """Proportion ``successes / n`` with the Wilson score 95 % interval."""
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    p = successes / n
    z2 = _Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Estimate(p, float(centre - half), float(centre + half), n)


def eligible_users(beauty: np.ndarray) -> np.ndarray:
    """Boolean mask of photographers with a finite, positive user beauty."""
    b = np.asarray(beauty, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(b) & (b > 0)


def sample_users(eligible: np.ndarray, size: int | None, seed: int) -> np.ndarray:
    """Sorted node indices of ``size`` eligible users drawn without replacement (all of
    them when ``size`` is None or larger than the pool).  Same seed, same sample."""
    checked = check_values(sample=size, seed=seed)  # RecommendParams' rules
    size, seed = checked["sample"], checked["seed"]
    pool = np.flatnonzero(np.asarray(eligible, dtype=bool))
    if size is None or size >= len(pool):
        return pool
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(pool, size=size, replace=False))


def _metrics(
    method: str,
    u: np.ndarray,
    r: np.ndarray,
    beauty: np.ndarray,
    favs: np.ndarray,
    forlorn: np.ndarray,
) -> MethodMetrics:
    forl = forlorn[r]
    return MethodMetrics(
        method=method,
        n_recs=len(u),
        b_recs=mean_ci(beauty[r]),
        b_ratio=mean_ci(beauty[u] / beauty[r]),
        fav_recs=mean_ci(favs[r]),
        p_forlorn=wilson_ci(int(forl.sum()), len(forl)),
    )


def _reasons(per_user: dict[str, dict[str, np.ndarray]], point: dict[str, float]) -> dict[str, str]:
    """Why each comparison whose point estimate is NaN cannot be computed: the recipients
    one recommender served none of, or the zero in a ratio's denominator."""
    cn, bb = per_user["cn"], per_user["bb"]
    served = {m: int(np.isfinite(d["fav"]).sum()) for m, d in (("cn", cn), ("bb", bb))}
    out: dict[str, str] = {}
    if not len(cn["fav"]):
        return {k: "no user was sampled" for k, v in point.items() if not np.isfinite(v)}
    idle = [m.upper() for m, n in served.items() if n == 0]
    none = (
        f"{' and '.join(idle)} recommended nobody to the sampled users (no candidate at "
        "distance two" + (" within BB's beauty window)" if "BB" in idle else ")")
        if idle
        else ""
    )
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fav = {m: float(np.nanmean(d["fav"])) for m, d in (("cn", cn), ("bb", bb))}
        forl = {m: float(np.nanmean(d["forlorn"])) for m, d in (("cn", cn), ("bb", bb))}
    if not np.isfinite(point["popularity_ratio_cn_bb"]):
        out["popularity_ratio_cn_bb"] = none or (
            "neither CN's nor BB's recommended users received a favourite (0/0): the store "
            "holds no FAVORITED on their photos"
            if fav["bb"] == 0 and fav["cn"] == 0
            else "BB's recommended users received no favourite (division by 0)"
        )
    if not np.isfinite(point["forlorn_gain_bb_vs_cn"]):
        out["forlorn_gain_bb_vs_cn"] = none or (
            "neither CN nor BB recommended a Forlorn-beauty user (0/0): no recommended user "
            "is in that class"
            if forl["bb"] == 0 and forl["cn"] == 0
            else "CN recommended no Forlorn-beauty user (division by 0)"
        )
    if not np.isfinite(point["imbalance_increase_cn"]):
        out["imbalance_increase_cn"] = none or "no finite beauty ratio"
    return out


def _comparisons(
    per_user: dict[str, dict[str, np.ndarray]], n_boot: int, seed: int
) -> dict[str, Estimate]:
    """Paper comparisons CN vs BB with a paired bootstrap over the sampled users."""
    if "cn" not in per_user or "bb" not in per_user:
        return {}
    cn, bb = per_user["cn"], per_user["bb"]

    def stats(idx: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            fav_cn, fav_bb = np.nanmean(cn["fav"][idx]), np.nanmean(bb["fav"][idx])
            pf_cn, pf_bb = np.nanmean(cn["forlorn"][idx]), np.nanmean(bb["forlorn"][idx])
            br_cn, br_bb = np.nanmean(cn["ratio"][idx]), np.nanmean(bb["ratio"][idx])
            return np.array(
                [
                    fav_cn / fav_bb,
                    pf_bb / pf_cn - 1.0,
                    abs(1.0 - br_cn) - abs(1.0 - br_bb),
                ]
            )

    n = len(cn["fav"])
    keys = ["popularity_ratio_cn_bb", "forlorn_gain_bb_vs_cn", "imbalance_increase_cn"]
    if n == 0:
        return {k: Estimate(float("nan"), float("nan"), float("nan"), 0) for k in keys}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN resamples → NaN
        point = stats(np.arange(n))
        rng = np.random.default_rng(seed)
        boots = np.array([stats(rng.integers(0, n, n)) for _ in range(n_boot)]) if n_boot else None
    out = {}
    for i, key in enumerate(keys):
        if boots is not None:
            col = boots[:, i][np.isfinite(boots[:, i])]
            lo, hi = np.percentile(col, [2.5, 97.5]) if len(col) else (np.nan, np.nan)
        else:
            lo = hi = np.nan
        out[key] = Estimate(float(point[i]), float(lo), float(hi), n)
    return out


def simulate(
    src: np.ndarray,
    dst: np.ndarray,
    n: int,
    beauty: np.ndarray,
    favs: np.ndarray,
    forlorn: np.ndarray,
    sample: np.ndarray,
    *,
    methods: Sequence[str] = fof.METHODS,
    tolerance: float = RECOMMEND_DEFAULTS.tolerance,
    n_boot: int = RECOMMEND_DEFAULTS.n_boot,
    seed: int = RECOMMEND_DEFAULTS.seed,
    max_paths: int = RECOMMEND_DEFAULTS.max_paths,
) -> RecSimResult:
    """Run the §7 simulation: one recommendation per method for each sampled user.

    Parameters
    ----------
    src, dst, n
        Follow edges as node indices (index order = id order) and the number of users.
    beauty, favs : float arrays of length n
        User beauty :math:`\\bar b` and favourites received per user.
    forlorn : bool array of length n
        Membership of the Forlorn-beauty class (§7, Table 2).
    sample : int array
        Recipients (node indices, e.g. from :func:`sample_users`); users that are not
        eligible (no positive beauty) are rejected with ``ValueError``.
    methods, tolerance
        Recommenders to compare and the BB window (paper: ``cn``, ``bb``; ±0.10).
    n_boot, seed
        Bootstrap resamples for the comparison CIs and their seed.
    max_paths
        Memory bound of :func:`analysis.fof.recommend` (the answers do not depend on it).

    ``tolerance``, ``n_boot``, ``seed`` and ``max_paths`` default to
    :data:`analysis.recommend_params.RECOMMEND_DEFAULTS` and are checked by its rules.
    """
    valid = check_values(tolerance=tolerance, n_boot=n_boot, seed=seed, max_paths=max_paths)
    tolerance, n_boot, seed = valid["tolerance"], valid["n_boot"], valid["seed"]
    for m in methods:
        check_method(m, fof.METHODS)
    beauty = np.asarray(beauty, dtype=float)
    favs = np.asarray(favs, dtype=float)
    forlorn = np.asarray(forlorn, dtype=bool)
    for name, arr in (("beauty", beauty), ("favs", favs), ("forlorn", forlorn)):
        if arr.shape != (n,):
            raise ValueError(f"{name} has shape {arr.shape}, expected ({n},)")
    sample = np.unique(np.asarray(sample, dtype=np.int64))
    eligible = eligible_users(beauty)
    if len(sample) and (sample.min() < 0 or sample.max() >= n):
        raise ValueError(f"sample indices must lie in [0, {n})")
    if len(sample) and not eligible[sample].all():
        raise ValueError(
            f"sampled user index {int(sample[~eligible[sample]][0])} has no positive beauty"
        )
    metrics: dict[str, MethodMetrics] = {}
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    per_user: dict[str, dict[str, np.ndarray]] = {}
    for m in methods:
        rec = fof.recommend(
            src,
            dst,
            n,
            m,
            k=1,
            tolerance=tolerance,
            beauty=beauty,
            users=sample,
            candidate_mask=eligible,
            max_paths=valid["max_paths"],
        )
        u, r = rec.top1()
        pairs[m] = (u, r)
        metrics[m] = _metrics(m, u, r, beauty, favs, forlorn)
        pos = np.searchsorted(sample, u)
        cols = {k: np.full(len(sample), np.nan) for k in ("fav", "forlorn", "ratio")}
        cols["fav"][pos] = favs[r]
        cols["forlorn"][pos] = forlorn[r].astype(float)
        cols["ratio"][pos] = beauty[u] / beauty[r]
        per_user[m] = cols
    comparisons = _comparisons(per_user, n_boot, seed)
    reasons = (
        _reasons(per_user, {k: e.value for k, e in comparisons.items()}) if comparisons else {}
    )
    return RecSimResult(
        n_sampled=len(sample),
        seed=seed,
        tolerance=tolerance,
        metrics=metrics,
        pairs=pairs,
        comparisons=comparisons,
        reasons=reasons,
    )
