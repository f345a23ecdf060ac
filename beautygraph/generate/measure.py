"""Diagnostics of a generated folder, measured from its CSV files (not from the generator's
internals): the statistics the defaults are meant to mirror (Beautiful and damned §5–6).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from analysis.inequality import gini
from analysis.spectrum import beauty_assortativity


def describe_folder(folder: str | Path, seed: int = 0) -> dict[str, Any]:
    """Degree, beauty, assortativity and favourite statistics of a generated folder."""
    folder = Path(folder)
    users = pd.read_csv(folder / "users.csv", usecols=["user_id"], dtype=str)
    follows = pd.read_csv(folder / "follows.csv", usecols=["src", "dst"], dtype=str)
    photos = pd.read_csv(
        folder / "photos.csv",
        usecols=["photo_id", "owner", "beauty"],
        dtype={"photo_id": str, "owner": str},
    )
    favs = pd.read_csv(folder / "favorites.csv", usecols=["photo_id"], dtype=str)
    n = len(users)
    index = pd.Index(users.user_id)
    s = index.get_indexer(follows.src)
    t = index.get_indexer(follows.dst)
    outdeg = np.bincount(s, minlength=n)
    indeg = np.bincount(t, minlength=n)
    key = s.astype(np.int64) * n + t
    reciprocity = float(np.isin(t.astype(np.int64) * n + s, key).mean()) if key.size else 0.0
    owner = index.get_indexer(photos.owner)
    cnt = np.bincount(owner, minlength=n)
    ub = np.bincount(owner, weights=photos.beauty.to_numpy(), minlength=n) / np.maximum(cnt, 1)
    ub[cnt == 0] = np.nan
    has = cnt > 0
    fav_per_photo = favs.photo_id.value_counts().reindex(photos.photo_id, fill_value=0).to_numpy()
    fav_user = np.bincount(owner, weights=fav_per_photo, minlength=n)

    def assort(b: np.ndarray) -> float:
        return beauty_assortativity(s, t, b)

    shuffled = ub.copy()
    shuffled[has] = np.random.default_rng(seed).permutation(ub[has])
    return {
        "users": n,
        "follows": int(len(follows)),
        "photos": int(len(photos)),
        "favorites": int(len(favs)),
        "mean_out_degree": float(outdeg.mean()),
        "max_in_degree": int(indeg.max()) if n else 0,
        "max_out_degree": int(outdeg.max()) if n else 0,
        "reciprocity": reciprocity,
        "mean_user_beauty": float(np.nanmean(ub)),
        "spearman_beauty_indegree": float(spearmanr(ub[has], indeg[has])[0]),
        "spearman_beauty_outdegree": float(spearmanr(ub[has], outdeg[has])[0]),
        "assortativity": assort(ub),
        "assortativity_reshuffled": assort(shuffled),
        "gini_favorites_per_photo": gini(fav_per_photo),
        "gini_user_beauty": gini(ub[has]),
        "spearman_beauty_favorites": float(spearmanr(ub[has], fav_user[has])[0]),
        "max_photos_per_user": int(cnt.max()) if n else 0,
    }
