"""Judging whom-to-follow recommenders on hidden follows.

* :mod:`analysis.linkpred.split` — the hold-out: hide a share of drawn users' follows,
  both directions of a reciprocal pair together (no "follow back" leak);
* :mod:`analysis.linkpred.metrics` — precision@k, recall@k, nDCG@k, users served,
  catalogue coverage, exposure Gini, forlorn-beauty share, paired bootstrap intervals;
* :mod:`analysis.linkpred.signals`, :mod:`~analysis.linkpred.candidates`,
  :mod:`~analysis.linkpred.learned` and :mod:`~analysis.linkpred.serving` — the learned
  ranker, trained and answered on the same features.

The package imports nothing itself, so that ``recommend USER`` (which needs the ranker,
not the evaluation's statistics) does not pay for scipy.stats at start-up.
"""
