"""Standardised bias and the greedy pruning that balances a control group (§6.2.2).

*Beautiful and damned* §6.2.2 borrows Rubin's framework as summarised by Stuart: a
treatment group ``G_t`` and a control group ``G_c`` are balanced on a covariate ``X`` when

    SB_X(G_t, G_c) = (mean(X_t) − mean(X_c)) / σ(X_t)     (Eq. 3)

is at most 0.25 in absolute value, and balanced overall when every covariate is.  The
control group is obtained greedily: start from a candidate pool much larger than
``G_t``; at every step compute SB for every covariate; for each covariate that breaks the
threshold remove the 1 % of control units that most contribute to the mismatch (those
with the highest values when SB < 0, the lowest when SB > 0); stop when all covariates
balance.  The procedure has no guarantee to stop before the control group is empty; in
that case it restarts from another seeded candidate pool.

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> xt = rng.normal(1.0, 1.0, (200, 1)); xc = rng.normal(0.0, 1.0, (5000, 1))
>>> res = balance_groups(xt, xc, names=["x"], seed=0)
>>> bool(abs(res.sb_after[0]) <= 0.25), bool(abs(res.sb_before[0]) > 0.25)
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["BalanceError", "BalanceResult", "standardized_bias", "balance_groups"]


class BalanceError(ValueError):
    """The pruning could not balance the groups (control emptied on every restart)."""


def standardized_bias(x_t: np.ndarray, x_c: np.ndarray) -> np.ndarray:
    """Eq. 3: ``(mean_t − mean_c) / sd_t`` per covariate (columns).

    ``sd_t`` is the sample standard deviation (ddof=1) of the treated group.  When it is
    zero the pooled ``sqrt((var_t + var_c) / 2)`` is used instead; when that is zero too
    the bias is 0 if the means agree and ±inf otherwise.
    """
    x_t = np.atleast_2d(np.asarray(x_t, dtype=np.float64).T).T
    x_c = np.atleast_2d(np.asarray(x_c, dtype=np.float64).T).T
    if x_t.shape[1] != x_c.shape[1]:
        raise ValueError(f"covariate counts differ: {x_t.shape[1]} != {x_c.shape[1]}")
    if len(x_t) < 2 or len(x_c) < 1:
        raise ValueError(f"need >= 2 treated and >= 1 control units, got {len(x_t)}, {len(x_c)}")
    diff = x_t.mean(axis=0) - x_c.mean(axis=0)
    var_t = x_t.var(axis=0, ddof=1)
    sd = np.sqrt(var_t)
    var_c = x_c.var(axis=0, ddof=1) if len(x_c) > 1 else np.zeros_like(var_t)
    pooled = np.sqrt((var_t + var_c) / 2)
    sd = np.where(sd > 0, sd, pooled)
    with np.errstate(divide="ignore", invalid="ignore"):
        sb = np.where(sd > 0, diff / np.where(sd > 0, sd, 1.0), np.sign(diff) * np.inf)
    return np.where(diff == 0, 0.0, sb)


@dataclass
class BalanceResult:
    """Outcome of :func:`balance_groups`.

    Attributes
    ----------
    control
        Indices (rows of the ``x_c`` passed in) of the balanced control group, sorted.
    names
        Covariate names.
    sb_before
        SB of each covariate against the whole control set (before any pruning).
    sb_pool
        SB against the candidate pool of the successful attempt.
    sb_after
        SB against the balanced control group (all ``|SB| <= threshold``).
    iterations
        Pruning steps of the successful attempt.
    attempts
        1 + the number of restarts from a new seeded pool.
    n_treatment, n_pool
        Sizes of the treatment group and of the successful candidate pool.
    """

    control: np.ndarray
    names: list[str]
    sb_before: np.ndarray
    sb_pool: np.ndarray
    sb_after: np.ndarray
    iterations: int
    attempts: int
    n_treatment: int
    n_pool: int
    threshold: float = 0.25
    history: list[int] = field(default_factory=list)

    @property
    def n_control(self) -> int:
        return len(self.control)

    @property
    def mean_abs_sb(self) -> float:
        return float(np.mean(np.abs(self.sb_after))) if len(self.sb_after) else 0.0

    @property
    def max_abs_sb(self) -> float:
        return float(np.max(np.abs(self.sb_after))) if len(self.sb_after) else 0.0

    def to_frame(self) -> pd.DataFrame:
        """Table 1: one row per covariate with SB before and after balancing."""
        return pd.DataFrame(
            {
                "covariate": self.names,
                "sb_before": self.sb_before,
                "sb_after": self.sb_after,
                "balanced": np.abs(self.sb_after) <= self.threshold,
            }
        )


def _ranks(x_c: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """``(n_c, k)`` distinct int ranks of every column (ties broken by the seeded ``tie``)."""
    ranks = np.empty(x_c.shape, dtype=np.int64)
    for j in range(x_c.shape[1]):
        order = np.lexsort((tie, x_c[:, j]))
        ranks[order, j] = np.arange(len(order))
    return ranks


def _prune_once(
    x_t: np.ndarray,
    x_c: np.ndarray,
    ranks: np.ndarray,
    alive: np.ndarray,
    threshold: float,
    frac: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One step: SB on the alive control units; remove the extremes of unbalanced columns."""
    idx = np.flatnonzero(alive)
    sb = standardized_bias(x_t, x_c[idx])
    bad = np.flatnonzero(np.abs(sb) > threshold)
    if len(bad) == 0:
        return sb, alive
    k = max(1, math.ceil(frac * len(idx)))
    drop = np.zeros(len(idx), dtype=bool)
    for j in bad:
        # SB < 0: control mean too high -> cut the highest; SB > 0: cut the lowest.
        key = -ranks[idx, j] if sb[j] < 0 else ranks[idx, j]
        if k >= len(idx):
            drop[:] = True
        else:
            drop[np.argpartition(key, k - 1)[:k]] = True
    alive = alive.copy()
    alive[idx[drop]] = False
    return sb, alive


def balance_groups(
    x_t: np.ndarray,
    x_c: np.ndarray,
    names: list[str] | None = None,
    threshold: float = 0.25,
    prune_fraction: float = 0.01,
    pool_size: int | None = None,
    max_attempts: int = 5,
    restart_fraction: float = 0.8,
    min_control: int = 2,
    max_iterations: int = 100_000,
    seed: int = 0,
) -> BalanceResult:
    """Greedy balancing of a control group against a treated group (§6.2.2, Eq. 3).

    Parameters
    ----------
    x_t, x_c
        ``(n_t, k)`` and ``(n_c, k)`` covariate matrices (no NaN).
    names
        Covariate names (default ``x0, x1, ...``).
    threshold
        Balance holds when ``|SB| <= threshold`` for every covariate (paper: 0.25).
    prune_fraction
        Share of the current control group cut per unbalanced covariate and step
        (paper: 1 %; at least one unit).
    pool_size
        Size of the seed candidate pool drawn (without replacement, seeded) from ``x_c``;
        ``None`` uses all of ``x_c`` on the first attempt.
    max_attempts
        Restarts allowed when the control group falls below ``min_control``; attempt
        ``a > 1`` draws a new seeded pool of ``restart_fraction`` of the candidates
        (or of ``pool_size``), so that a different pruning path is taken.
    min_control
        The attempt fails when fewer control units than this remain.
    max_iterations
        Guard against non-termination (each step removes >= 1 unit, so it cannot be
        reached on valid input; a clear error is raised if it is).
    seed
        Seeds the pools and the tie-breaking order; same seed, same result.

    Raises
    ------
    BalanceError
        When every attempt empties the control group; the message names the
        covariates that could not be balanced and their SB.
    ValueError
        For malformed input (shapes, NaN, bad parameters).
    """
    x_t = np.asarray(x_t, dtype=np.float64)
    x_c = np.asarray(x_c, dtype=np.float64)
    if x_t.ndim != 2 or x_c.ndim != 2 or x_t.shape[1] != x_c.shape[1]:
        raise ValueError(f"x_t {x_t.shape} and x_c {x_c.shape} must be 2-D with equal columns")
    k = x_t.shape[1]
    names = list(names) if names is not None else [f"x{j}" for j in range(k)]
    if len(names) != k:
        raise ValueError(f"{len(names)} names for {k} covariates")
    for label, arr in (("treatment", x_t), ("control", x_c)):
        if np.isnan(arr).any():
            col = int(np.flatnonzero(np.isnan(arr).any(axis=0))[0])
            raise ValueError(f"{label} covariate {names[col]!r} contains NaN")
    if not 0 < prune_fraction < 1:
        raise ValueError(f"prune_fraction={prune_fraction} must lie in (0, 1)")
    if threshold <= 0:
        raise ValueError(f"threshold={threshold} must be > 0")
    if len(x_t) < 2:
        raise ValueError(f"need at least 2 treated units, got {len(x_t)}")
    if len(x_c) < max(1, min_control):
        raise ValueError(f"need at least {max(1, min_control)} control units, got {len(x_c)}")

    rng = np.random.default_rng(seed)
    ranks = _ranks(x_c, rng.random(len(x_c)))
    sb_before = standardized_bias(x_t, x_c)
    last_sb = sb_before
    for attempt in range(1, max_attempts + 1):
        n_all = len(x_c)
        if attempt == 1:
            size = n_all if pool_size is None else min(pool_size, n_all)
        else:
            base = n_all if pool_size is None else min(pool_size, n_all)
            size = max(min_control, int(restart_fraction * base))
        if size >= n_all:
            pool = np.arange(n_all)
        else:
            pool = np.sort(
                np.random.default_rng([seed, attempt]).choice(n_all, size, replace=False)
            )
        alive = np.zeros(n_all, dtype=bool)
        alive[pool] = True
        sb_pool = standardized_bias(x_t, x_c[pool])
        history = [int(alive.sum())]
        for it in range(max_iterations):
            sb, new_alive = _prune_once(x_t, x_c, ranks, alive, threshold, prune_fraction)
            last_sb = sb
            if new_alive is alive:  # balanced
                return BalanceResult(
                    control=np.flatnonzero(alive),
                    names=names,
                    sb_before=sb_before,
                    sb_pool=sb_pool,
                    sb_after=sb,
                    iterations=it,
                    attempts=attempt,
                    n_treatment=len(x_t),
                    n_pool=len(pool),
                    threshold=threshold,
                    history=history,
                )
            alive = new_alive
            history.append(int(alive.sum()))
            if alive.sum() < max(1, min_control):
                break
        else:
            raise BalanceError(
                f"balancing did not terminate within max_iterations={max_iterations} "
                f"(control size {int(alive.sum())})"
            )
    bad = [f"{n}={s:+.3g}" for n, s in zip(names, last_sb, strict=True) if abs(s) > threshold]
    raise BalanceError(
        f"could not balance {len(x_t)} treated against {len(x_c)} control units in "
        f"{max_attempts} attempt(s): the control group fell below {min_control}; "
        f"unbalanced covariates at the last step: {', '.join(bad) or 'none'}"
    )
