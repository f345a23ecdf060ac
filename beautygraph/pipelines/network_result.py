"""The result of the network analyses (Beautiful and damned §5, §6.1, §7): every measured
quantity of :func:`beautygraph.pipelines.network.analyze_network`, its headline numbers for
JSON and the "paper vs. measured" rows, with the paper's values (:data:`PAPER`).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis.classes import UserClasses
from analysis.connectivity import BinnedMean, Connectivity
from analysis.inequality import Inequality
from analysis.majority import MajorityIllusion
from analysis.nulls import NullTest
from analysis.spectrum import CorrelationSpectrum
from beautygraph.artifacts import Comparison
from beautygraph.strict_json import to_plain

#: the paper's numbers (beautiful-and-damned §5, §6.1, §7, Tables 2–3)
PAPER: dict[str, Any] = {
    "beauty_mean": 0.26,
    "gini_beauty": 0.29,
    "gini_favorites": 0.98,
    "spearman": {"indegree": 0.22, "outdegree": 0.24, "favorites": 0.17, "photos": -0.03},
    "above_mean_share": 0.43,
    "local_majority_share": 0.65,
    "double_share": 0.20,
    "spectrum_spearman": 0.48,
    "k": 4,
    # name: (share, beauty, fav/photo, connects, photo count, weeks with uploads)
    "classes": {
        "Low quality": (0.412, 0.17, 0.00, 0.06, 1060.0, 104.4),
        "Forlorn beauty": (0.281, 0.42, 0.01, 0.10, 200.4, 84.68),
        "Regular": (0.221, 0.25, 0.01, 0.21, 1869.0, 187.0),
        "Superstar": (0.086, 0.42, 0.15, 0.35, 822.4, 198.3),
    },
}


@dataclass(frozen=True)
class NetworkResult:
    """Everything :func:`analyze_network` measured (see the module docstring); its
    :meth:`to_json` is what ``analyze network --json`` prints."""

    user_ids: np.ndarray
    beauty: np.ndarray
    neighbor_beauty: np.ndarray
    n_photos: np.ndarray
    favs_received: np.ndarray
    fav_per_photo: np.ndarray
    indegree: np.ndarray
    outdegree: np.ndarray
    weeks: np.ndarray
    inequality: Inequality
    connectivity: Connectivity
    binned_indegree: BinnedMean
    binned_outdegree: BinnedMean
    majority: MajorityIllusion
    spectrum: CorrelationSpectrum
    classes: UserClasses
    check: dict[str, float]
    seed: int
    nulls: dict[str, NullTest] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def forlorn(self) -> np.ndarray:
        """Boolean mask of the users in the Forlorn-beauty class (aligned with ``user_ids``)."""
        if "Forlorn beauty" not in self.classes.names:
            return np.zeros(self.n_users, dtype=bool)
        return self.classes.labels == self.classes.index_of("Forlorn beauty")

    def cluster_names(self) -> np.ndarray:
        """Class name per user (``None`` for users without beauty)."""
        return self.classes.name_of(self.classes.labels)

    def to_json(self) -> dict[str, Any]:
        """The headline numbers (NaN -> None): ``analyze network --json``, ``network.json``
        and the network section of ``demo --json``."""
        return to_plain(self._headline())

    def headline(self) -> dict[str, Any]:
        """The same object as :meth:`to_json`."""
        return self.to_json()

    def _headline(self) -> dict[str, Any]:
        con = self.connectivity.results
        maj = self.majority
        cls = self.classes
        return {
            "n_users": self.n_users,
            "n_users_with_beauty": int(np.isfinite(self.beauty).sum()),
            "n_follows": int(self.outdegree.sum()),
            "beauty_mean": self.inequality.distribution.mean,
            "gini_beauty": self.inequality.gini_beauty,
            "gini_favorites": self.inequality.gini_favorites,
            "spearman": {name: r.rho for name, r in con.items()},
            "spearman_ci95": {name: [r.low, r.high] for name, r in con.items()},
            "majority_illusion": {
                "above_mean_share": maj.above_share,
                "local_majority_share": maj.local_majority_share,
                "double_share": maj.double_share,
                "majority_share": maj.majority_share,
            },
            "spectrum_spearman": self.spectrum.spearman,
            "null_spectrum_spearman": self.spectrum.null_spearman_mean,
            "null_spectrum_spearman_runs": [float(v) for v in self.spectrum.null_spearman],
            "k": cls.k,
            "gap": None
            if cls.gap is None
            else {"ks": cls.gap.ks.tolist(), "gap": cls.gap.gap.tolist(), "s": cls.gap.s.tolist()},
            "clusters": [
                {
                    "name": cls.names[c],
                    "share": float(cls.share[c]),
                    "beauty": float(cls.centroids[c, 0]),
                    "fav_per_photo": float(cls.centroids[c, 1]),
                    "followers": float(cls.centroids[c, 2]),
                    "n_users": int(cls.n_users[c]),
                    "photo_count": float(cls.mean_photos[c]),
                    "weeks_with_uploads": float(cls.mean_weeks[c]),
                }
                for c in range(cls.k)
            ],
            "nulls": {name: t.to_dict() for name, t in self.nulls.items()},
            "findings": {name: t.words() for name, t in self.nulls.items()},
            "structure_test": None
            if cls.structure is None
            else {
                "ks": cls.structure.ks.tolist(),
                "gap": cls.structure.gap.tolist(),
                "s": cls.structure.s.tolist(),
                "reference": "beauty permuted over users",
                "k": cls.structure.k,
            },
            "named_classes": cls.named,
            "naming_test": None
            if cls.naming is None
            else {
                "test": "split half; one-sided Mann-Whitney U per defining feature on the "
                "held-out half; Bonferroni over all feature tests; family-wise 0.01",
                "n_tests": cls.naming.n_tests,
                "n_holdout": cls.naming.n_holdout,
                "classes": [
                    {"paper_name": n, "effect": float(e), "p_value": float(pv), "named": bool(ok)}
                    for n, e, pv, ok in zip(
                        cls.naming.paper_names,
                        cls.naming.effect,
                        cls.naming.p_value,
                        cls.naming.named,
                        strict=True,
                    )
                ],
            },
            "cypher_numpy_max_abs_diff": dict(self.check),
            "seed": self.seed,
        }

    def comparisons(self, synthetic: bool = False) -> list[Comparison]:
        """Rows "paper vs. measured" for the report and the CLI table.

        Every finding carries its permutation null in words ("indistinguishable from
        chance (p = …)"); ``comparable`` says whether the number can be set against the
        paper's: with ``synthetic`` (generator data) it cannot — the generator was tuned to
        reproduce the paper's value, so agreement is a check of the generator, not a
        replication.
        """
        h = self._headline()
        same = (
            "no: synthetic data whose generator targets this value"
            if synthetic
            else "yes: same definition, different data (the paper: Flickr)"
        )

        return (
            self._inequality_rows(h, same)
            + self._connectivity_rows(same)
            + self._majority_rows(h, same)
            + self._assortativity_rows()
            + self._class_rows(h, same)
        )

    def _null_note(self, name: str, base: str = "") -> str:
        """``base`` followed by the permutation null of ``name`` in words."""
        t = self.nulls.get(name)
        if t is None:
            return base or "no null computed (no permutations asked for)"
        words = t.words()
        return f"{base}; {words}" if base else words

    def _inequality_rows(self, h: dict[str, Any], same: str) -> list[Comparison]:
        """Mean user beauty and the two Gini coefficients of Fig. 5."""
        return [
            Comparison(
                "mean user beauty (Fig. 5)",
                _f(PAPER["beauty_mean"]),
                _f(h["beauty_mean"]),
                "user beauty = mean beauty of the user's photos",
                same,
            ),
            Comparison(
                "Gini of user beauty (Fig. 5)",
                _f(PAPER["gini_beauty"]),
                _f(h["gini_beauty"]),
                "over users with a beauty",
                same,
            ),
            Comparison(
                "Gini of the users' favourites per photo (Fig. 5)",
                _f(PAPER["gini_favorites"]),
                _f(h["gini_favorites"]),
                "per user: favourites received / photos posted",
                same,
            ),
        ]

    def _connectivity_rows(self, same: str) -> list[Comparison]:
        """Spearman ρ of beauty against each connectivity measure (Q1, Fig. 6)."""
        rows: list[Comparison] = []
        labels = {
            "indegree": "in-degree",
            "outdegree": "out-degree",
            "favorites": "favourites received",
            "photos": "number of photos",
        }
        for name, r in self.connectivity.results.items():
            rows.append(
                Comparison(
                    f"Spearman ρ beauty vs. {labels.get(name, name)} (Q1, Fig. 6)",
                    _f(PAPER["spearman"].get(name)),
                    f"{_f(r.rho)} [{_f(r.low)}, {_f(r.high)}]",
                    self._null_note(f"spearman_{name}", "95 % CI (Fisher z)")
                    if f"spearman_{name}" in self.nulls
                    else "95 % CI (Fisher z)",
                    same,
                )
            )
        return rows

    def _majority_rows(self, h: dict[str, Any], same: str) -> list[Comparison]:
        """The majority illusion (A2) and the correlation spectrum (Eq. 2, Fig. 7)."""
        maj = h["majority_illusion"]
        return [
            Comparison(
                "users above the mean beauty (A2)",
                _pct(PAPER["above_mean_share"]),
                _pct(maj["above_mean_share"]),
                "reference share of the majority illusion",
                same,
            ),
            Comparison(
                "users whose followees exceed that share (A2)",
                _pct(PAPER["local_majority_share"]),
                _pct(maj["local_majority_share"]),
                self._null_note("majority_illusion"),
                same,
            ),
            Comparison(
                "users with at least double that share (A2)",
                "≈ " + _pct(PAPER["double_share"]),
                _pct(maj["double_share"]),
                self._null_note("double_majority"),
                same,
            ),
            Comparison(
                "correlation spectrum Spearman ρ (Eq. 2, Fig. 7)",
                _f(PAPER["spectrum_spearman"]),
                _f(h["spectrum_spearman"]),
                self._null_note("spectrum", "ρ of the binned curve b_nn(k) vs. bin centre"),
                same,
            ),
        ]

    def _assortativity_rows(self) -> list[Comparison]:
        """User-level beauty assortativity, when its null was computed."""
        rows: list[Comparison] = []
        if "assortativity" in self.nulls:
            rows.append(
                Comparison(
                    "beauty assortativity (user-level Spearman, own vs. followees' beauty)",
                    "—",
                    _f(self.nulls["assortativity"].value),
                    self._null_note("assortativity"),
                    "no: the paper reports only the binned-curve ρ (row above)",
                )
            )
        return rows

    def _class_rows(self, h: dict[str, Any], same: str) -> list[Comparison]:
        """K by the gap statistic (§7) and each class against Tables 2–3."""
        rows: list[Comparison] = []
        rows.append(
            Comparison(
                "K chosen by the gap statistic (§7)",
                str(PAPER["k"]),
                str(h["k"]),
                self.k_words(),
                same,
            )
        )
        for c in h["clusters"]:
            p = PAPER["classes"].get(c["name"])
            paper = (
                (
                    f"{_pct(p[0])}; ({p[1]:.2f}, {p[2]:.2f}, {p[3]:.2f}); "
                    f"{p[4]:g} photos; {p[5]:g} weeks"
                )
                if p
                else "—"
            )
            measured = (
                f"{_pct(c['share'])}; ({c['beauty']:.2f}, {c['fav_per_photo']:.2f}, "
                f"{c['followers']:.2f}); {c['photo_count']:.4g} photos; "
                f"{c['weeks_with_uploads']:.4g} weeks"
            )
            rows.append(
                Comparison(
                    f"class {c['name']} (Tables 2–3)"
                    if not c["name"].startswith("class ")
                    else f"{c['name']} (unnamed, Tables 2–3)",
                    paper,
                    measured,
                    "share; centroid (beauty, fav/photo, followers); means",
                    same if p else "no: this class did not earn a paper name",
                )
            )
        return rows

    def k_words(self) -> str:
        """Why K is what it is, in words."""
        cls = self.classes
        st = cls.structure
        if st is None:
            return "K fixed by the caller (no gap statistic)"
        g2, s2 = float(st.gap[1]), float(st.s[1])
        if cls.k == 1:
            return (
                f"K = 1: no cluster structure beyond beauty-shuffled data (Gap(2) = {g2:.3f} "
                f"≤ s(2) = {s2:.3f}); classes are not named"
            )
        unnamed = [n for n in cls.names if n.startswith("class ")]
        tail = (
            f"; {len(unnamed)} class(es) numbered: their defining features do not differ "
            "from the rest beyond chance (split-half Mann–Whitney, Bonferroni, 0.01)"
            if unnamed
            else "; every class passed the naming test (split-half Mann–Whitney, Bonferroni, 0.01)"
        )
        return f"structure beyond beauty-shuffled data (Gap(2) = {g2:.3f} > s(2) = {s2:.3f}){tail}"


def _f(x) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.2f}"


def _pct(x) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{100 * x:.1f} %"
