"""Effects of the matching experiments (Beautiful and damned §6.2.3): balancing the control
group (§6.2.2, :mod:`analysis.balance`), Δb of Eq. 4 with its placebo adjustment for Q4
(:func:`run_influence`, Fig. 9–10) and the inactivity ratios for Q5
(:func:`run_imbalance`, Fig. 11), with cluster-robust intervals (:mod:`analysis.stats`).

See :mod:`analysis.matching` for the notation.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from analysis.balance import BalanceError, BalanceResult, balance_groups, standardized_bias
from analysis.matching.data import COVARIATES, PAPER_SB, MatchingConfig, MatchingData
from analysis.matching.units import imbalance_units, influence_units
from analysis.matching_rules import alpha_treated, inactive_for
from analysis.stats import compare_means, compare_proportions
from kernel.params import InvalidParams, Problem

# -- experiments ---------------------------------------------------------------------------


@dataclass
class GroupEffect:
    """One matched experiment on Δb (Eq. 4): the groups, their balance and the effect.

    ``effect`` / ``ci_low`` / ``ci_high``: Δb(G_t) − Δb(G_c) of Eq. 4 and its CI.
    ``placebo_*``: the same comparison for ``b_w(i) / b̄_w(i)``, the ratio of the week of
    the link creation itself, which the treatment cannot have changed yet; under no
    influence it equals the Eq. 4 difference in expectation, so it measures the bias
    that selection on a noisy ``b̄_w(i)`` (regression to the mean) puts into Eq. 4.
    ``adjusted_*``: the per-unit difference ``b_{w+1}/b̄_w − b_w/b̄_w`` compared between
    the groups (a difference in differences; units without an upload in ``w`` are left
    out), the estimate that removes that bias.
    """

    label: str
    n_treatment: int
    n_control: int
    treatment_delta_b: float = float("nan")
    treatment_ci_low: float = float("nan")
    treatment_ci_high: float = float("nan")
    control_delta_b: float = float("nan")
    control_ci_low: float = float("nan")
    control_ci_high: float = float("nan")
    effect: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    placebo_effect: float = float("nan")
    placebo_ci_low: float = float("nan")
    placebo_ci_high: float = float("nan")
    adjusted_effect: float = float("nan")
    adjusted_ci_low: float = float("nan")
    adjusted_ci_high: float = float("nan")
    mean_abs_sb: float = float("nan")
    max_abs_sb: float = float("nan")
    n_control_pool: int = 0
    note: str = ""
    balance: BalanceResult | None = field(default=None, repr=False)
    #: rows of the unit table (``InfluenceResult.units``) in the treatment and the
    #: balanced control group.
    treatment_rows: np.ndarray | None = field(default=None, repr=False)
    control_rows: np.ndarray | None = field(default=None, repr=False)

    @property
    def estimated(self) -> bool:
        return not np.isnan(self.effect)

    def to_dict(self) -> dict:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("balance", "treatment_rows", "control_rows")
        }


def _match(
    units: pd.DataFrame,
    names: list[str],
    treat: np.ndarray,
    control: np.ndarray,
    cfg: MatchingConfig,
    seed: int,
) -> BalanceResult:
    x_t = units.loc[treat, names].to_numpy(float)
    x_c = units.loc[control, names].to_numpy(float)
    pool = None if cfg.pool_factor is None else int(np.ceil(cfg.pool_factor * len(x_t)))
    return balance_groups(
        x_t,
        x_c,
        names=names,
        threshold=cfg.threshold,
        prune_fraction=cfg.prune_fraction,
        pool_size=pool,
        max_attempts=cfg.max_attempts,
        seed=seed,
    )


def _effect(label: str, units: pd.DataFrame, names, treat, control, cfg, seed) -> GroupEffect:
    n_t, n_c = int(treat.sum()), int(control.sum())
    eff = GroupEffect(label=label, n_treatment=n_t, n_control=0, n_control_pool=n_c)
    if n_t < max(2, cfg.min_group) or n_c < max(2, cfg.min_group):
        eff.note = f"too few units (treatment {n_t}, control {n_c}; min_group={cfg.min_group})"
        return eff
    try:
        bal = _match(units, names, treat, control, cfg, seed)
    except BalanceError as exc:
        eff.note = f"not balanced: {exc}"
        return eff
    t_idx = np.flatnonzero(treat)
    c_idx = np.flatnonzero(control)[bal.control]
    y, u = units["delta_b"].to_numpy(), units["user"].to_numpy()
    wk = units["week"].to_numpy() if cfg.cluster_week else None

    def cmp(yy: np.ndarray, ti: np.ndarray, ci: np.ndarray) -> dict[str, float]:
        return compare_means(
            yy[ti],
            u[ti],
            yy[ci],
            u[ci],
            cfg.confidence,
            None if wk is None else wk[ti],
            None if wk is None else wk[ci],
        )

    res = cmp(y, t_idx, c_idx)
    eff.n_control = len(c_idx)
    eff.treatment_delta_b = res["treatment_mean"]
    eff.treatment_ci_low, eff.treatment_ci_high = res["treatment_ci_low"], res["treatment_ci_high"]
    eff.control_delta_b = res["control_mean"]
    eff.control_ci_low, eff.control_ci_high = res["control_ci_low"], res["control_ci_high"]
    eff.effect, eff.ci_low, eff.ci_high = res["diff"], res["diff_ci_low"], res["diff_ci_high"]
    pl = units["placebo"].to_numpy()
    tt, cc = t_idx[~np.isnan(pl[t_idx])], c_idx[~np.isnan(pl[c_idx])]
    if len(tt) >= 2 and len(cc) >= 2:
        r = cmp(pl, tt, cc)
        eff.placebo_effect = r["diff"]
        eff.placebo_ci_low, eff.placebo_ci_high = r["diff_ci_low"], r["diff_ci_high"]
        r = cmp(y - pl, tt, cc)
        eff.adjusted_effect = r["diff"]
        eff.adjusted_ci_low, eff.adjusted_ci_high = r["diff_ci_low"], r["diff_ci_high"]
    eff.mean_abs_sb, eff.max_abs_sb = bal.mean_abs_sb, bal.max_abs_sb
    eff.balance = bal
    eff.treatment_rows, eff.control_rows = t_idx, c_idx
    return eff


@dataclass
class InfluenceResult:
    """Q4: the main experiment (Fig. 9 left), ``by_links`` (Fig. 9 right), ``by_alpha``
    (Fig. 10) and the balance of the main experiment (Table 1)."""

    main: GroupEffect
    by_links: dict[int, GroupEffect]
    by_alpha: dict[float, GroupEffect]
    n_units: int
    n_candidates: int
    dropped: dict[str, int]
    #: the unit table (one row per (user, week); see :func:`influence_units`).
    units: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def balance(self) -> BalanceResult | None:
        return self.main.balance

    def to_frame(self) -> pd.DataFrame:
        """One row per experiment (``main``, ``links=n``, ``alpha=a``)."""
        rows = [{"experiment": "main", **self.main.to_dict()}]
        rows += [{"experiment": f"links={n}", **e.to_dict()} for n, e in self.by_links.items()]
        rows += [{"experiment": f"alpha={a:g}", **e.to_dict()} for a, e in self.by_alpha.items()]
        return pd.DataFrame(rows)

    def balance_frame(self) -> pd.DataFrame:
        """Table 1 with SB before/after and the paper's SB."""
        return _table1(self.main.balance)


def _table1(bal: BalanceResult | None) -> pd.DataFrame:
    if bal is None:
        return pd.DataFrame(columns=["category", "covariate", "sb_before", "sb_after", "paper_sb"])
    f = bal.to_frame()
    f.insert(0, "category", [COVARIATES[c][0] for c in f["covariate"]])
    f["label"] = [COVARIATES[c][1] for c in f["covariate"]]
    f["paper_sb"] = [PAPER_SB.get(c, np.nan) for c in f["covariate"]]
    return f


def run_influence(
    data: MatchingData, cfg: MatchingConfig | None = None, _st=None, _units=None
) -> InfluenceResult:
    """Q4 "beauty inspires beauty" (§6.2.3, Eq. 4–6, Fig. 9–10).

    Raises
    ------
    ValueError
        When the main experiment has fewer than ``cfg.min_group`` treated or control
        units, or cannot be balanced.
    """
    cfg = cfg or MatchingConfig()
    ut = _units or influence_units(data, cfg, _st)
    u = ut.frame
    n_hi, n_lo = u["n_higher"].to_numpy(), u["n_not_higher"].to_numpy()
    control = (n_hi == 0) & (n_lo > 0)
    main = _effect("main", u, ut.covariates, n_hi >= 1, control, cfg, cfg.seed)
    if not main.estimated:
        raise InvalidParams(
            "",
            [
                Problem(
                    ("min_followees", "min_active_weeks"),
                    (cfg.min_followees, cfg.min_active_weeks),
                    f"leave too few units for the influence experiment: {main.note} among "
                    f"{len(u)} eligible units (dropped: {ut.dropped}); lower them or use more data",
                )
            ],
        )
    by_links = {
        n: _effect(f"links={n}", u, ut.covariates, n_hi == n, control, cfg, cfg.seed + n)
        for n in cfg.links
    }
    own, new_mean = u["own_beauty"].to_numpy(), u["new_mean"].to_numpy()
    by_alpha = {}
    for k, a in enumerate(cfg.alphas):
        treat = alpha_treated(n_hi, new_mean, own, a)
        by_alpha[float(a)] = _effect(
            f"alpha={a:g}", u, ut.covariates, treat, control, cfg, cfg.seed + 100 + k
        )
    return InfluenceResult(main, by_links, by_alpha, len(u), ut.n_candidates, ut.dropped, u)


@dataclass
class ImbalanceResult:
    """Q5: inactivity ratio per horizon ``n`` (Fig. 11) and the balance of the groups."""

    weeks: np.ndarray
    p_treatment: np.ndarray
    p_control: np.ndarray
    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_treatment: int
    n_control: int
    n_control_pool: int
    n_units: int
    n_candidates: int
    dropped: dict[str, int]
    balance: BalanceResult | None = field(default=None, repr=False)
    #: SB (before, after) of the covariates left out of the balancing because they
    #: define δ (own and neighbours' beauty) — a diagnostic, not a constraint.
    sb_excluded: dict[str, tuple[float, float]] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Fig. 11: one row per horizon ``n``."""
        return pd.DataFrame(
            {
                "n_weeks": self.weeks,
                "p_inact_treatment": self.p_treatment,
                "p_inact_control": self.p_control,
                "ratio": self.ratio,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        )

    def balance_frame(self) -> pd.DataFrame:
        """SB before/after of the balanced covariates, then the excluded ones."""
        f = _table1(self.balance)
        rows = [
            {
                "category": COVARIATES[c][0],
                "covariate": c,
                "sb_before": b,
                "sb_after": a,
                "balanced": False,
                "label": COVARIATES[c][1] + " (defines δ, not balanced)",
                "paper_sb": np.nan,
            }
            for c, (b, a) in self.sb_excluded.items()
        ]
        return pd.concat([f, pd.DataFrame(rows)], ignore_index=True) if rows else f


def imbalance_groups(delta: np.ndarray, cfg: MatchingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Treatment / control masks of Q5 from ``δ`` (control ``|δ| <= delta_control``)."""
    control = np.abs(delta) <= cfg.delta_control
    if cfg.imbalance_side == "above":
        treat = delta >= cfg.delta_treatment
    elif cfg.imbalance_side == "below":
        treat = delta <= -cfg.delta_treatment
    else:
        treat = np.abs(delta) >= cfg.delta_treatment
    return treat, control


def run_imbalance(
    data: MatchingData, cfg: MatchingConfig | None = None, _st=None, _units=None
) -> ImbalanceResult:
    """Q5 "imbalance kills" (§6.2.3, Fig. 11).

    Raises
    ------
    ValueError
        When a group has fewer than ``cfg.min_group`` units or cannot be balanced.
    """
    cfg = cfg or MatchingConfig()
    ut = _units or imbalance_units(data, cfg, _st)
    u = ut.frame
    treat, control = imbalance_groups(u["delta"].to_numpy(), cfg)
    n_t, n_c = int(treat.sum()), int(control.sum())
    if n_t < max(2, cfg.min_group) or n_c < max(2, cfg.min_group):
        raise ValueError(
            f"imbalance experiment: too few units (treatment {n_t}, control {n_c}; "
            f"min_group={cfg.min_group}) among {len(u)} eligible units"
        )
    try:
        bal = _match(u, ut.covariates, treat, control, cfg, cfg.seed + 1000)
    except BalanceError as exc:
        raise ValueError(f"imbalance experiment: {exc}") from exc
    t_idx = np.flatnonzero(treat)
    c_idx = np.flatnonzero(control)[bal.control]
    excluded = {}
    for c in cfg.imbalance_exclude:
        if c in u:
            x = u[c].to_numpy(float)
            before = standardized_bias(x[t_idx], x[control])[0]
            excluded[c] = (float(before), float(standardized_bias(x[t_idx], x[c_idx])[0]))
    gap, users = u["inactive_weeks"].to_numpy(), u["user"].to_numpy()
    wk = u["week"].to_numpy()
    wk_tc = (wk[t_idx], wk[c_idx]) if cfg.cluster_week else (None, None)
    ns = np.arange(1, cfg.max_inactive_weeks + 1)
    out = {
        k: np.full(len(ns), np.nan)
        for k in ("p_treatment", "p_control", "ratio", "ci_low", "ci_high")
    }
    for k, n in enumerate(ns):
        y = inactive_for(gap, int(n)).astype(float)
        r = compare_proportions(
            y[t_idx], users[t_idx], y[c_idx], users[c_idx], cfg.confidence, *wk_tc
        )
        for key in out:
            out[key][k] = r[key]
    return ImbalanceResult(
        weeks=ns,
        n_treatment=n_t,
        n_control=len(c_idx),
        n_control_pool=n_c,
        n_units=len(u),
        n_candidates=ut.n_candidates,
        dropped=ut.dropped,
        balance=bal,
        sb_excluded=excluded,
        **out,
    )
