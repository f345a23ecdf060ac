"""Interest profiles from pictures and tags (Interest profiling from pictures).

Wires the store to the scoring and analysis layers:

* :func:`label_photos` — §3 "object recognition": the top-1 ImageNet label of each
  (favourited) photo from a chosen CNN, written to ``Photo.label``;
* :func:`profile_interests` — §3 profiles: per user, the tags and the labels of the
  favourite photos are cleaned, mapped to the 34 BabelNet domains (``scoring.lexicon``),
  ranked, cut to the top ``k``; F1 per user, mean F1 and Table 1 (§4); the two profiles
  are written back as ``(u)-[:INTERESTED_IN {source:'tags'|'images', score}]->(t)``.

**Domains in the graph.**  Profiles are over domains, the graph's interests are over
``Topic`` nodes (each with a ``domain``).  With ``topic_mode="existing"`` a user's
interest in a domain becomes one relationship to *every* topic of that domain (score =
the domain's share of the user's domain occurrences), so ALF seeded from the ``tags``
and ``images`` sources seeds each topic of the domain; domains without topics
are not written (counted in ``unlinked``).  With ``topic_mode="domain"`` one Topic node
per domain, id ``domain:<slug>`` (name = domain, domain = domain), is created when
missing and linked instead.  ``"auto"`` (default) uses ``existing`` when the store has
topics with a domain and ``domain`` otherwise.

References
----------
.. [1] "Interest profiling from pictures" (the paper text prints no title line; cited
   by this name).  Authors, venue and year are not stated in the paper text; it cites
   work up to 2016.  A user's interests from the ImageNet CNN labels of their pictures,
   generalised to BabelNet domains (http://babelnet.org) and scored by F1 against the
   domains of the photos' tags: 60,000 Flickr images of 300 users, AlexNet, VGG16,
   VGG19, GoogleNet, ResNet-50.  URL given in the paper (its online demo):
   http://interestprofile.ml
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.interest_profiles import (
    CAMERA_WORDS,
    COLOUR_WORDS,
    PAPER_N,
    PAPER_TABLE1,
    STOP_WORDS,
    TECHNICAL_WORDS,
    InterestComparison,
    clean_tags,
    compare_profiles,
    domain_counts,
    split_tags,
)
from beautygraph.errors import UserError, refuse
from kernel.params import Problem
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from graphdb.base import Store

log = logging.getLogger(__name__)

__all__ = [
    "InterestsResult",
    "LabelPhotosResult",
    "ScoredInterests",
    "domain_topic_id",
    "label_photos",
    "profile_interests",
    "score_interests",
]

SOURCES = ("tags", "images")
TOPIC_MODES = ("auto", "existing", "domain")
LABEL_MAPPINGS = ("class", "lemma")


# -- labelling ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelPhotosResult:
    """What :func:`label_photos` did."""

    model: str
    weights: str
    n_photos: int  # photos considered (favourited ones unless all_photos)
    n_already: int  # skipped because already labelled
    n_no_file: int  # no path, or no file at the path
    n_labelled: int
    n_unreadable: int
    seconds: float
    skipped: list[str] = field(default_factory=list)

    @property
    def images_per_s(self) -> float:
        return self.n_labelled / self.seconds if self.seconds > 0 else float("nan")

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "weights": self.weights,
            "photos": self.n_photos,
            "already_labelled": self.n_already,
            "missing_files": self.n_no_file,
            "labelled": self.n_labelled,
            "unreadable": self.n_unreadable,
            "seconds": round(self.seconds, 3),
            "images_per_s": self.images_per_s,
            "skipped": self.skipped[:20],
        }

    def to_frame(self) -> pd.DataFrame:
        d = self.to_dict()
        d.pop("skipped")
        return pd.DataFrame({"quantity": list(d), "value": [str(v) for v in d.values()]})


def _favourite_counts(store: Store, photos) -> np.ndarray:
    """Number of FAVORITED relationships of each photo of ``photos``."""
    fav = store.export_edges("FAVORITED", dst_nodes=photos)
    return np.bincount(np.asarray(fav.dst, dtype=np.int64), minlength=len(photos))


def label_photos(
    store: Store,
    model: str = "efficientnet_lite0",
    *,
    data_dir: str | os.PathLike | None = None,
    weights: str | os.PathLike | None = "DEFAULT",
    batch_size: int = 32,
    workers: int = 0,
    device: str = "auto",
    all_photos: bool = False,
    overwrite: bool = False,
    write_every: int = 2048,
    limit: int | None = None,
    steps: Steps | None = None,
    classifier=None,
    first: set[str] | None = None,
) -> LabelPhotosResult:
    """Write the top-1 ImageNet label of each favourited photo to ``Photo.label`` (§3).

    Photo paths are relative to ``data_dir`` (the loaded folder; default the working
    directory) or absolute.  Photos without a path or file are counted, not fatal;
    unreadable files are skipped and listed.  Photos already labelled are left alone
    unless ``overwrite`` (so an interrupted run resumes); labels are written every
    ``write_every`` images.  ``all_photos`` labels every photo, not only favourited ones.
    ``limit`` caps the number of images labelled in this run, most-favourited photos
    first (ties by id), so a short run covers as many users as possible; photo ids in
    ``first`` (e.g. the favourites of the users to be profiled) go before all others.
    """
    from scoring.labelling import load_classifier

    _check_label_args(batch_size, write_every, workers, limit)
    t0 = time.perf_counter()
    photos = store.export_nodes("Photo", ["path", "label"])
    ids = np.asarray(photos.ids, dtype=object)
    n_favs = _favourite_counts(store, photos)
    wanted = np.ones(len(ids), dtype=bool) if all_photos else n_favs > 0
    labels = photos.props["label"]
    already = np.array([v is not None and v == v and str(v) != "" for v in labels], dtype=bool)
    todo = wanted & (overwrite | ~already)
    root = Path(data_dir) if data_dir is not None else Path.cwd()
    candidates = _label_order(ids, n_favs, todo, first)
    paths, keep_idx, n_no_file = _photo_files(photos.props["path"], candidates, root, limit)
    if classifier is not None:
        clf = classifier
    elif paths:
        clf = load_classifier(model, weights)
    else:  # nothing to label: do not load (or fail on) the weights
        return LabelPhotosResult(
            model=model,
            weights=str(weights),
            n_photos=int(wanted.sum()),
            n_already=int((wanted & already).sum()) if not overwrite else 0,
            n_no_file=n_no_file,
            n_labelled=0,
            n_unreadable=0,
            seconds=time.perf_counter() - t0,
        )
    with as_steps(steps)(f"labelling ({clf.name})", total=len(paths)) as bar:
        n_labelled, unreadable = _label_and_write(
            store, clf, paths, ids[keep_idx], write_every, bar, batch_size, workers, device
        )
    return LabelPhotosResult(
        model=clf.name,
        weights=clf.weights,
        n_photos=int(wanted.sum()),
        n_already=int((wanted & already).sum()) if not overwrite else 0,
        n_no_file=n_no_file,
        n_labelled=n_labelled,
        n_unreadable=len(unreadable),
        seconds=time.perf_counter() - t0,
        skipped=unreadable,
    )


def _check_label_args(batch_size: int, write_every: int, workers: int, limit: int | None) -> None:
    """Refuse a batch size or write interval below 1, or a negative worker count or limit."""
    lows = (
        ("batch_size", batch_size, 1),
        ("write_every", write_every, 1),
        ("workers", workers, 0),
        ("limit", 0 if limit is None else limit, 0),
    )
    refuse([Problem((n,), (v,), f"must be >= {low}") for n, v, low in lows if v < low])


def _label_order(
    ids: np.ndarray, n_favs: np.ndarray, todo: np.ndarray, first: set[str] | None
) -> np.ndarray:
    """Indices of the photos to label: most-favourited first (ties by id), the ids in
    ``first`` before all others."""
    candidates = np.flatnonzero(todo)
    candidates = candidates[np.argsort(-n_favs[candidates], kind="stable")]  # ids sorted
    if first:
        ahead = np.array([ids[i] in first for i in candidates], dtype=bool)
        candidates = np.concatenate([candidates[ahead], candidates[~ahead]])
    return candidates


def _photo_files(
    raw_paths, candidates: np.ndarray, root: Path, limit: int | None
) -> tuple[list[str], np.ndarray, int]:
    """The image files of ``candidates`` (paths relative to ``root`` or absolute), at most
    ``limit`` of them; returns the paths, their photo indices and how many had no file."""
    paths: list[str] = []
    keep: list[int] = []
    n_no_file = 0
    for i in candidates:
        if limit is not None and len(paths) >= limit:
            break
        raw = raw_paths[i]
        if raw is None or raw != raw or str(raw) == "":
            n_no_file += 1
            continue
        p = Path(str(raw))
        p = p if p.is_absolute() else root / p
        if not p.is_file():
            n_no_file += 1
            continue
        paths.append(str(p))
        keep.append(int(i))
    return paths, np.asarray(keep, dtype=np.int64), n_no_file


def _label_and_write(
    store: Store,
    clf,
    paths: list[str],
    photo_ids: np.ndarray,
    write_every: int,
    bar,
    batch_size: int,
    workers: int,
    device: str,
) -> tuple[int, list[str]]:
    """Label ``paths`` (photo ids ``photo_ids``) and write ``Photo.label`` every
    ``write_every`` images; returns how many were labelled and the unreadable files."""
    from scoring.labelling import label_images

    n_labelled = 0
    unreadable: list[str] = []
    for start in range(0, len(paths), write_every):
        chunk = slice(start, start + write_every)
        res = label_images(
            paths[chunk],
            clf,
            batch_size=batch_size,
            workers=workers,
            device=device,
            step=bar,
        )
        ok = res.ok
        frame = pd.DataFrame(
            {
                "id": photo_ids[chunk][ok],
                "label": [lab for lab, o in zip(res.label, ok, strict=True) if o],
            }
        )
        if len(frame):
            store.write_node_props("Photo", frame)
        n_labelled += int(ok.sum())
        unreadable.extend(res.skipped.lines())
    return n_labelled, unreadable


# -- profiles -----------------------------------------------------------------------------

#: users are profiled only with at least this many labelled favourite photos: the paper's
#: 300 users had about 200 each (interests §3); 30 labels make a top-5 of 34 domains more
#: than a handful of coincidences (and the demo renders that many per profiled user)
MIN_LABELLED_PHOTOS = 30


def domain_topic_id(domain: str) -> str:
    """Topic id of a domain-level topic: ``domain:<slug>`` (``domain:food-and-drink``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", domain.lower()).strip("-")
    return f"domain:{slug}"


@dataclass(frozen=True)
class InterestsResult:
    """Profiles, their comparison (Table 1) and what was written to the graph.

    ``topic_mode`` is the mode the write used (``auto`` resolved to ``existing`` or
    ``domain``; as asked when nothing was written); ``written`` and ``unlinked`` count the
    INTERESTED_IN relationships written and the profile entries without a topic, per
    source."""

    comparison: InterestComparison
    user_ids: np.ndarray
    tag_counts: np.ndarray
    image_counts: np.ndarray
    lexicon_version: str
    label_mapping: str
    topic_mode: str
    n_photos: int  # favourited photos used
    cleaning: dict[str, Counter]
    min_photos: int = 1
    n_eligible: int = 0
    labelled_per_user: float = float("nan")
    written: dict[str, int] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def headline(self) -> dict:
        h = self.comparison.headline()
        h.update(
            {
                "photos": self.n_photos,
                "min_labelled_photos": self.min_photos,
                "users_with_enough_photos": self.n_eligible,
                "labelled_photos_per_profiled_user": self.labelled_per_user,
                "beats_popular_baseline": self.beats_popular,
                "beats_random_baseline": self.beats_random,
                "verdict": self.verdict(),
                "written": dict(self.written),
                "lexicon": self.lexicon_version,
                "topic_mode": self.topic_mode,
            }
        )
        return h

    @property
    def beats_popular(self) -> bool:
        """Mean F1 above the popular-domain baseline (the trivial method to beat)."""
        c = self.comparison
        return bool(c.mean_f1 > c.popular.mean_f1)

    @property
    def beats_random(self) -> bool:
        c = self.comparison
        return bool(c.mean_f1 > c.random.mean_f1)

    def verdict(self) -> str:
        """One line on the baselines; says plainly when the method loses to them."""
        c = self.comparison
        nums = (
            f"mean F1 {c.mean_f1:.3f} vs. popular-domain baseline {c.popular.mean_f1:.3f} "
            f"and random baseline {c.random.mean_f1:.3f}"
        )
        if not self.beats_popular:
            return (
                f"DOES NOT BEAT THE POPULAR-DOMAIN BASELINE: {nums} — profiles from "
                "pictures add nothing over guessing the most common domains"
            )
        if not self.beats_random:
            return f"DOES NOT BEAT THE RANDOM BASELINE: {nums}"
        return f"beats both baselines: {nums}"

    def to_json(self, files: Sequence[str | os.PathLike] | None = None) -> dict[str, Any]:
        """The ``analyze interests --json`` object: :meth:`headline`, Table 1, the cleaning
        counts, the unlinked entries, the seconds and, when given, the ``files`` written
        beside it (``analyze interests --out``)."""
        d = self.headline()
        d["table1"] = self.comparison.to_frame().to_dict(orient="list")
        d["cleaning"] = {k: dict(v) for k, v in self.cleaning.items()}
        d["unlinked"] = dict(self.unlinked)
        d["seconds"] = round(self.seconds, 3)
        if files is not None:
            d["files"] = [str(f) for f in files]
        return d

    def to_frame(self) -> pd.DataFrame:
        """Table 1 (measured and baselines)."""
        return self.comparison.to_frame()

    def users_frame(self) -> pd.DataFrame:
        return self.comparison.users_frame(self.user_ids)


def _clean_label(label: str, lexicon, mapping: str) -> tuple[str, tuple[str, ...]] | None:
    """A CNN label cleaned like a tag (§3), with its domains; None when dropped."""
    norm = re.sub(r"[\s\-]+", "_", str(label).strip().lower())
    if (
        not norm
        or norm in STOP_WORDS
        or norm in CAMERA_WORDS
        or norm in TECHNICAL_WORDS
        or norm in COLOUR_WORDS
    ):
        return None
    if mapping == "class":
        try:
            dom = lexicon.domain_of_imagenet_class(label)
        except ValueError:  # not an ImageNet class name: treat it as a word
            return (norm, tuple(lexicon.domains_of_lemma(norm)))
        return (norm, (dom,) if dom else ())
    kept = clean_tags([label], lexicon)
    return (kept[0], tuple(lexicon.domains_of_lemma(kept[0]))) if kept else None


def profile_interests(
    store: Store,
    k: int = 5,
    *,
    lexicon=None,
    seed: int = 0,
    topic_mode: str = "auto",
    label_mapping: str = "class",
    same_photos: bool = True,
    write: bool = True,
    min_photos: int = MIN_LABELLED_PHOTOS,
) -> InterestsResult:
    """Tag and image profiles of every user, compared as in §3–4 and written back.

    Parameters
    ----------
    k : profile length (5 in the paper).
    lexicon : a ``scoring.lexicon.DomainLexicon`` (default: the offline WordNet one).
    seed : seed of the random-domain baseline.
    topic_mode : ``auto``, ``existing`` or ``domain`` (see the module docstring).
    label_mapping : ``class`` maps a label through its ImageNet synset (exact); ``lemma``
        looks the label word up like a tag, as the paper did with BabelNet.
    same_photos : build both profiles from the favourite photos that have a label (the
        paper's setting: tags and labels of the same images); False uses the tags of all
        favourite photos for the tag profile.
    write : write ``INTERESTED_IN {source:'tags'|'images'}`` (replacing old ones).
    min_photos : profile (evaluate) only users with at least this many labelled favourite
        photos — the paper's users had about 200 each; a top-5 of 34 domains from a
        handful of labels is noise (:data:`MIN_LABELLED_PHOTOS`).
    """
    from kernel.vocabulary import BABELNET_DOMAINS
    from scoring.lexicon import default_lexicon

    _check_profile_args(k, topic_mode, label_mapping, min_photos)
    t0 = time.perf_counter()
    lex = lexicon if lexicon is not None else default_lexicon()
    users = store.export_nodes("User")
    photos = store.export_nodes("Photo", ["tags", "label"])
    fav = store.export_edges("FAVORITED", src_nodes=users, dst_nodes=photos)
    src = np.asarray(fav.src, dtype=np.int64)
    dst = np.asarray(fav.dst, dtype=np.int64)
    labels = photos.props["label"]
    has_label = _has_label(labels)
    cleaning, tag_words, label_words, label_domains = _clean_words(
        photos.props["tags"], labels, has_label, dst, lex, label_mapping
    )
    all_items = [tag_words[int(p)] for p in dst]
    img_use = has_label[dst]
    img_owner = src[img_use]
    img_items = [label_words.get(int(p), []) for p in dst[img_use]]
    n_users = len(users)
    tag_counts, cmp_tags = _tag_counts(src, all_items, has_label[dst], n_users, lex, same_photos)
    img_counts = domain_counts(
        img_owner, img_items, n_users, BABELNET_DOMAINS, word_domains=label_domains
    )
    n_labelled, has_images = _eligible_users(img_owner, n_users, min_photos)
    tag_eval = np.where(has_images[:, None], cmp_tags, 0)
    comparison = compare_profiles(tag_eval, img_counts, BABELNET_DOMAINS, k=int(k), seed=seed)
    user_ids = np.asarray(users.ids, dtype=object)
    wrote = WriteBack(topic_mode)
    if write:
        wrote = _write_interests(store, user_ids, tag_counts, img_counts, int(k), topic_mode)
    return InterestsResult(
        comparison=comparison,
        user_ids=user_ids,
        tag_counts=tag_counts,
        image_counts=img_counts,
        lexicon_version=getattr(lex, "version", ""),
        label_mapping=label_mapping,
        topic_mode=wrote.topic_mode,
        n_photos=int(len(np.unique(dst[img_use]))),
        cleaning=cleaning,
        min_photos=int(min_photos),
        n_eligible=int(has_images.sum()),
        labelled_per_user=float(n_labelled[has_images].mean()),
        written=wrote.written,
        unlinked=wrote.unlinked,
        seconds=time.perf_counter() - t0,
    )


def _check_profile_args(k: int, topic_mode: str, label_mapping: str, min_photos: int) -> None:
    """Refuse an unknown topic mode or label mapping, a k outside 1..34, min_photos < 1."""
    from kernel.vocabulary import BABELNET_DOMAINS

    problems = []
    if topic_mode not in TOPIC_MODES:
        problems.append(
            Problem(("topic_mode",), (topic_mode,), f"must be one of {', '.join(TOPIC_MODES)}")
        )
    if label_mapping not in LABEL_MAPPINGS:
        problems.append(
            Problem(
                ("label_mapping",), (label_mapping,), f"must be one of {', '.join(LABEL_MAPPINGS)}"
            )
        )
    if not 1 <= int(k) <= len(BABELNET_DOMAINS):
        problems.append(Problem(("k",), (k,), f"must be between 1 and {len(BABELNET_DOMAINS)}"))
    if int(min_photos) < 1:
        problems.append(Problem(("min_photos",), (min_photos,), "must be >= 1"))
    refuse(problems)


def _has_label(labels) -> np.ndarray:
    """Which photos carry a label; refuses when none does."""
    has_label = np.array([v is not None and v == v and str(v) != "" for v in labels], dtype=bool)
    if not has_label.any():
        raise UserError(
            "no photo has a label: run `beautygraph score interests` (it labels the "
            "favourited photos first)"
        )
    return has_label


def _clean_words(
    tags, labels, has_label: np.ndarray, dst: np.ndarray, lex, label_mapping: str
) -> tuple[
    dict[str, Counter[str]],
    dict[int, list[str]],
    dict[int, list[str]],
    dict[str, tuple[str, ...]],
]:
    """Clean the tags and the label of every favourited photo (§3): the cleaning counts,
    each photo's kept tag words and label word, and the domains of each label word."""
    cleaning: dict[str, Counter[str]] = {"tags": Counter(), "images": Counter()}
    tag_words: dict[int, list[str]] = {}
    label_words: dict[int, list[str]] = {}
    label_domains: dict[str, tuple[str, ...]] = {}
    for p in np.unique(dst):
        kept, why = clean_tags(split_tags(tags[p]), lex, return_reasons=True)
        cleaning["tags"].update(why.values())
        cleaning["tags"]["kept"] += len(kept)
        tag_words[int(p)] = kept
        if has_label[p]:
            cl = _clean_label(labels[p], lex, label_mapping)
            if cl is None:
                cleaning["images"]["dropped"] += 1
                label_words[int(p)] = []
            else:
                cleaning["images"]["kept"] += 1
                label_words[int(p)] = [cl[0]]
                label_domains[cl[0]] = cl[1]
    return cleaning, tag_words, label_words, label_domains


def _tag_counts(
    src: np.ndarray,
    all_items: list[list[str]],
    labelled: np.ndarray,
    n_users: int,
    lex,
    same_photos: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Domain counts of the tags of all favourite photos (written as the 'tags'
    interests) and, for the comparison, of the labelled ones only when ``same_photos``."""
    from kernel.vocabulary import BABELNET_DOMAINS

    tag_counts = domain_counts(src, all_items, n_users, BABELNET_DOMAINS, lexicon=lex)
    if same_photos:
        sel = np.flatnonzero(labelled)
        cmp_tags = domain_counts(
            src[sel], [all_items[j] for j in sel], n_users, BABELNET_DOMAINS, lexicon=lex
        )
    else:
        cmp_tags = tag_counts
    return tag_counts, cmp_tags


def _eligible_users(
    img_owner: np.ndarray, n_users: int, min_photos: int
) -> tuple[np.ndarray, np.ndarray]:
    """Labelled favourite photos per user and who has at least ``min_photos`` (the
    paper's protocol: only those users are profiled); refuses when nobody has."""
    n_labelled = np.bincount(img_owner, minlength=n_users)
    has_images = n_labelled >= int(min_photos)
    if not has_images.any():
        most = int(n_labelled.max()) if n_labelled.size else 0
        rule = (
            f"leaves nobody to profile: no user has at least {min_photos} labelled favourite "
            f"photos (the most: {most}); label more photos (`beautygraph score interests`) "
            "or lower it"
        )
        refuse([Problem(("min_photos",), (min_photos,), rule)])
    return n_labelled, has_images


def _profile_rows(counts: np.ndarray, k: int, user_ids: np.ndarray, domains) -> pd.DataFrame:
    """(user, domain, score) for the top-k domains of every user with a profile."""
    from analysis.interest_profiles import profile_sets

    sets = profile_sets(counts, k)
    totals = counts.sum(axis=1)
    u, d = np.nonzero(sets)
    score = counts[u, d] / np.maximum(totals[u], 1)
    return pd.DataFrame(
        {
            "user": user_ids[u],
            "domain": np.asarray(domains, dtype=object)[d],
            "score": score.astype(float),
        }
    )


@dataclass(frozen=True)
class WriteBack:
    """What :func:`profile_interests` wrote: the topic mode used (``auto`` resolved), and
    per source the relationships written and the profile entries without a topic."""

    topic_mode: str
    written: dict[str, int] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)


def _write_interests(
    store: Store, user_ids: np.ndarray, tag_counts, img_counts, k: int, topic_mode: str
) -> WriteBack:
    """The new domain topics and both profile sources, in one transaction."""
    from kernel.vocabulary import BABELNET_DOMAINS

    with store.atomic():
        topics = store.export_nodes("Topic", ["domain"])
        topic_domain = pd.DataFrame(
            {"topic": np.asarray(topics.ids, dtype=object), "domain": topics.props["domain"]}
        ).dropna()
        mode = topic_mode
        if mode == "auto":
            mode = "existing" if len(topic_domain) else "domain"
        rows = {
            "tags": _profile_rows(tag_counts, k, user_ids, BABELNET_DOMAINS),
            "images": _profile_rows(img_counts, k, user_ids, BABELNET_DOMAINS),
        }
        if mode == "domain":
            needed = sorted(set(rows["tags"]["domain"]) | set(rows["images"]["domain"]))
            _insert_domain_topics(store, needed, set(np.asarray(topics.ids, dtype=object)))
            topic_domain = pd.DataFrame(
                {"topic": [domain_topic_id(d) for d in needed], "domain": needed}
            )
        written: dict[str, int] = {}
        unlinked: dict[str, int] = {}
        for source in SOURCES:
            unlinked[source], written[source] = _write_source(
                store, source, rows[source], topic_domain
            )
    return WriteBack(mode, written=written, unlinked=unlinked)


def _insert_domain_topics(store: Store, domains: list[str], have: set) -> None:
    """One ``domain:<slug>`` Topic for each of ``domains`` not among the ids ``have``."""
    new = [d for d in domains if domain_topic_id(d) not in have]
    if new:
        store.insert_nodes(
            "Topic",
            pd.DataFrame(
                {
                    "id": [domain_topic_id(d) for d in new],
                    "name": new,
                    "aliases": [None] * len(new),
                    "domain": new,
                }
            ),
        )


def _write_source(
    store: Store, source: str, rows: pd.DataFrame, topic_domain: pd.DataFrame
) -> tuple[int, int]:
    """Replace the ``INTERESTED_IN {source}`` relationships by the profile ``rows`` (user,
    domain, score), each domain linked to its topics; returns (entries without a topic,
    relationships written)."""
    df = rows.merge(topic_domain, on="domain", how="left")
    unlinked = int(df["topic"].isna().sum())
    df = df.dropna(subset=["topic"])
    frame = pd.DataFrame(
        {
            "src": df["user"].astype(str).to_numpy(),
            "dst": df["topic"].astype(str).to_numpy(),
            "source": source,
            "score": df["score"].astype(float).to_numpy(),
        }
    )
    frame = frame.drop_duplicates(["src", "dst"]).reset_index(drop=True)
    return unlinked, int(store.replace_rels("INTERESTED_IN", frame, where={"source": source}))


# -- score interests: labelling, then profiles ---------------------------------------------


@dataclass(frozen=True)
class ScoredInterests:
    """What ``score interests`` did: the labelling run, then the profiles built from the
    labels in the store."""

    labelling: LabelPhotosResult
    profiles: InterestsResult

    def to_json(self) -> dict[str, Any]:
        """The ``score interests --json`` object: ``labelling`` beside the profiles'
        :meth:`InterestsResult.to_json` (without ``files``)."""
        return {"labelling": self.labelling.to_dict(), **self.profiles.to_json()}


def score_interests(
    store: Store,
    model: str = "efficientnet_lite0",
    *,
    labelling: Mapping[str, Any] | None = None,
    profiles: Mapping[str, Any] | None = None,
    steps: Steps | None = None,
) -> ScoredInterests:
    """Label the (favourited) photos with ``model`` (:func:`label_photos`, its keyword
    arguments in ``labelling``), then profile every user from the labels now in the store
    and write the profiles (:func:`profile_interests`, its keyword arguments in
    ``profiles``)."""
    lab = label_photos(store, model, steps=steps, **dict(labelling or {}))
    return ScoredInterests(labelling=lab, profiles=profile_interests(store, **dict(profiles or {})))


# -- the paper's table (CLI and report) ---------------------------------------------------


def paper_table_frame(result: InterestsResult) -> pd.DataFrame:
    """Table 1: the paper's five networks (n/N) beside the measured distribution."""
    meas = result.comparison.table
    N = max(meas.n_users, 1)
    out = {"|A ∩ B|": [str(j) for j in range(6)] + ["mean |A ∩ B|", "mean F1"]}
    for net, row in PAPER_TABLE1.items():
        n = list(row["n"])
        out[f"{net} n/N"] = [f"{x / PAPER_N:.4f}" for x in n] + [
            f"{row['mean_matches']:.2f}",
            f"{row['mean_f1']:.4f}",
        ]
    counts = list(meas.counts) + [0] * (6 - len(meas.counts))
    out["measured n"] = [str(int(x)) for x in counts[:6]] + [
        f"{meas.mean_matches:.2f}",
        f"{meas.mean_f1:.4f}",
    ]
    out["measured n/N"] = [f"{x / N:.4f}" for x in counts[:6]] + ["", ""]
    rnd = result.comparison.random
    rc = list(rnd.counts) + [0] * (6 - len(rnd.counts))
    out["random n/N"] = [f"{x / N:.4f}" for x in rc[:6]] + [
        f"{rnd.mean_matches:.2f}",
        f"{rnd.mean_f1:.4f}",
    ]
    return pd.DataFrame(out)
