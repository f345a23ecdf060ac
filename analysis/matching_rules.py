"""The two treatment / outcome rules of the matching experiments, as plain functions
(``beautiful-and-damned`` §6.2.3, Q4 Fig. 9 right and Q5 Fig. 11).

Citation: R. Schifanella, M. Redi, L. M. Aiello, "An Image is Worth More than a Thousand
Favorites: Surfacing the Hidden Beauty of Flickr Pictures", ICWSM 2015.

* Q4, the α variant: a unit is treated when it created at least one link to a more
  beautiful account and its new neighbours are on average α times more beautiful,
  :math:`\\bar b_w(\\Gamma_w(i)) \\ge (1 + \\alpha)\\,\\bar b_w(i)` (α = 0 is the main rule).
* Q5, the outcome: a unit is inactive for ``n`` weeks when it uploads nothing in weeks
  ``w+1 .. w+n``, i.e. its run of empty weeks after ``w`` is *at least* ``n`` long.

Example
-------
>>> import numpy as np
>>> alpha_treated(np.array([1, 1, 0]), np.array([0.31, 0.25, 0.9]), np.array([0.2, 0.2, 0.1]), 0.5)
array([ True, False, False])
>>> inactive_for(np.array([0, 1, 2, 5]), 2)
array([False, False,  True,  True])
"""

from __future__ import annotations

import numpy as np

__all__ = ["alpha_treated", "inactive_for"]


def alpha_treated(n_higher, new_mean, own, alpha: float) -> np.ndarray:
    """Q4 α variant (Fig. 9 right): ``n_higher >= 1`` and ``new_mean >= (1 + alpha) * own``."""
    if alpha < 0:
        raise ValueError(f"alpha={alpha} must be >= 0")
    n_hi = np.asarray(n_higher)
    new = np.asarray(new_mean, dtype=np.float64)
    own_b = np.asarray(own, dtype=np.float64)
    if not n_hi.shape == new.shape == own_b.shape:
        raise ValueError(
            f"n_higher, new_mean and own differ in shape: {n_hi.shape}, {new.shape}, {own_b.shape}"
        )
    return (n_hi >= 1) & (new >= (1.0 + alpha) * own_b)


def inactive_for(empty_weeks, n: int) -> np.ndarray:
    """Q5 (Fig. 11): True where the run of weeks without uploads after ``w`` lasts at least
    ``n`` weeks (no upload in ``w+1 .. w+n``)."""
    if n < 1:
        raise ValueError(f"n={n} must be >= 1")
    return np.asarray(empty_weeks) >= n
