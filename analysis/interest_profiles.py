"""Interest profiles from tags and from CNN labels, compared by F1 (Interest profiling from pictures).

The paper (§3) builds two profiles per user over the 34 BabelNet domains:

* the **tag profile** ``A_i`` (ground truth): the tags of the user's favourite photos,
  cleaned (misspelt words, technical words — camera brands and models, type of the
  picture, colours — and stop words removed), each mapped to the domains of its key
  meanings; domains ranked by occurrence, the first five kept;
* the **image profile** ``B_i,t``: the top-1 ImageNet label of each favourite photo from
  network ``t``, cleaned like the tags, mapped to domains, ranked, first five kept.

They are compared per user by ``F1(A_i, B_i,t) = 2 |A_i ∩ B_i,t| / (|A_i| + |B_i,t|)``
and summarised by the mean F1 and the distribution of ``|A_i ∩ B_i,t|`` (Table 1).

This module is pure: words and arrays in, small dataclasses out.  The word → domain
lookups come from a *lexicon* object passed in (``scoring.lexicon.WordNetLexicon`` or
anything with ``lemmatize(word) -> str | None`` and ``domains_of_lemma(word) -> tuple``).

Example
-------
>>> A = profile_sets(np.array([[3, 2, 0, 1]]), k=2)        # domains 0 and 1
>>> B = profile_sets(np.array([[0, 5, 4, 0]]), k=2)        # domains 1 and 2
>>> f1_scores(A, B).tolist()
[0.5]

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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, overload

import numpy as np
import pandas as pd

__all__ = [
    "CAMERA_WORDS",
    "COLOUR_WORDS",
    "PAPER_TABLE1",
    "STOP_WORDS",
    "TECHNICAL_WORDS",
    "InterestComparison",
    "MatchTable",
    "Lexicon",
    "clean_tags",
    "compare_profiles",
    "domain_counts",
    "expected_random_f1",
    "f1_scores",
    "match_distribution",
    "profile_sets",
    "random_profiles",
    "split_tags",
]


class Lexicon(Protocol):
    """What the cleaning and mapping need from a lexicon (see ``scoring.lexicon``)."""

    def lemmatize(self, word: str) -> str | None: ...

    def domains_of_lemma(self, word: str) -> tuple[str, ...]: ...


# -- word lists for cleaning (§3: "misspelt words, words describing the technical aspects
# of the photograph (brand and model of the camera, type of the picture, colours), and
# other so-called stopwords") ------------------------------------------------------------

#: English function words and Flickr/Instagram filler that carry no topic.
STOP_WORDS: frozenset[str] = frozenset(
    """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves
one two three four five six seven eight nine ten first second new old big small little good
great best nice beautiful pretty cool awesome amazing lovely cute happy fun day night today
time year week weekend morning evening afternoon monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november
december love like likes follow followme tbt instagood photooftheday picoftheday potd
instadaily tagsforlikes tagsforlike like4like follow4follow l4l f4f wcw mcm bff lol omg
vsco explore nofilter mood vibes me my selfie instagram flickr insta ig igers
""".split()
)

#: camera and lens brands, phone makers, and camera-model words.
CAMERA_WORDS: frozenset[str] = frozenset(
    """
canon nikon sony fuji fujifilm olympus pentax leica panasonic lumix samsung kodak hasselblad
ricoh sigma tamron tokina zeiss minolta konica yashica mamiya contax rollei rolleiflex
iphone ipad apple android pixel huawei xiaomi oneplus motorola nokia gopro dji mavic drone
polaroid instax lomo lomography holga diana eos powershot coolpix cybershot alpha rebel
nikkor xt1 xt2 xt3 x100 x100f x100v a7 a7iii d750 d850 d7000 d3100 5d 5dmarkii 5dmkii 6d
7d 60d 70d 80d rx100 gr om1 em1 em5 em10 g9 gh5 dslr slr mirrorless
""".split()
)

#: photographic technique, format and processing words ("type of the picture").
TECHNICAL_WORDS: frozenset[str] = frozenset(
    """
photo photos photograph photographs photography photographer photographers photog pic pics
picture pictures image images shot shots snapshot snap capture camera cameras lens lenses
film 35mm 120mm 50mm 85mm mm f1 f2 f4 f8 iso aperture shutter exposure longexposure
focal focus bokeh dof depthoffield hdr raw jpeg jpg edit edited editing lightroom photoshop
vsco preset filter filtered unedited tripod flash macro closeup close_up panorama pano
wideangle telephoto fisheye tiltshift timelapse timeexposure blur blurry sharp noise grain
grainy crop cropped square squareformat vertical horizontal composition framing lighting
light lowkey highkey silhouette reflection symmetry minimal minimalism abstract texture
pattern contrast saturation vignette monochrome blackandwhite bw bnw sepia colour color
colours colors colorful colourful vivid tones toned analog analogue digital negative print
portfolio gallery upload uploaded explored inexplore flickrfriday 365 project365 dailyshoot
""".split()
)

#: colour words.
COLOUR_WORDS: frozenset[str] = frozenset(
    """
red green blue yellow orange purple violet pink magenta cyan turquoise teal black white grey
gray brown beige tan gold golden silver bronze maroon navy olive lime crimson scarlet amber
indigo lavender lilac cream ivory rainbow pastel
""".split()
)

_TOKEN_RE = re.compile(r"[^0-9a-z_\-' ]+")
_MODEL_RE = re.compile(r"^(?=.*\d)[a-z0-9]{2,}$")  # tokens with digits: d750, 2024, 35mm …


def split_tags(tags: str | Sequence[str] | None, sep: str = ";") -> list[str]:
    """The tags of one photo: a ``sep``-separated string (``Photo.tags``) or a sequence."""
    if tags is None:
        return []
    if isinstance(tags, float) and np.isnan(tags):
        return []
    items = tags.split(sep) if isinstance(tags, str) else list(tags)
    return [t.strip() for t in items if t and str(t).strip()]


def _norm(tag: str) -> str:
    t = str(tag).strip().lower().lstrip("#")
    t = _TOKEN_RE.sub(" ", t)
    t = re.sub(r"[\s\-]+", "_", t).strip("_'")
    return t


@overload
def clean_tags(
    tags: Iterable[str], lexicon: Lexicon, *, return_reasons: Literal[False] = False
) -> list[str]: ...


@overload
def clean_tags(
    tags: Iterable[str], lexicon: Lexicon, *, return_reasons: Literal[True]
) -> tuple[list[str], dict[str, str]]: ...


def clean_tags(
    tags: Iterable[str], lexicon: Lexicon, *, return_reasons: bool = False
) -> list[str] | tuple[list[str], dict[str, str]]:
    """Clean tags as in §3 and return the lemmas that remain, in input order.

    A tag is dropped when, after normalisation (lower case, ``#`` stripped, spaces and
    hyphens → ``_``), it is empty, a stop word, a camera brand/model word or contains a
    digit (camera models such as ``d750``, years, focal lengths), a technical/photographic word, a colour
    word, or not a dictionary word of ``lexicon`` (a *misspelling*, e.g. ``beautifull``;
    this also drops run-together hashtags such as ``newyork`` that no dictionary lists).
    Kept tags are replaced by their dictionary lemma (``dogs`` → ``dog``).  Multi-word
    tags are first tried whole (``new york`` → ``new_york``).

    Parameters
    ----------
    tags : the raw tags (any iterable of strings).
    lexicon : provides ``lemmatize``.
    return_reasons : also return ``{raw tag: reason}`` for the dropped ones.
    """
    kept: list[str] = []
    reasons: dict[str, str] = {}
    for raw in tags:
        t = _norm(raw)
        reason = None
        if not t:
            reason = "empty"
        elif t in STOP_WORDS:
            reason = "stopword"
        elif t in CAMERA_WORDS:
            reason = "camera"
        elif _MODEL_RE.match(t):
            reason = "number"
        elif t in TECHNICAL_WORDS:
            reason = "technical"
        elif t in COLOUR_WORDS:
            reason = "colour"
        else:
            lemma = lexicon.lemmatize(t)
            if lemma is None:
                reason = "misspelt"
            elif (
                lemma in STOP_WORDS
                or lemma in TECHNICAL_WORDS
                or lemma in COLOUR_WORDS
                or lemma in CAMERA_WORDS
            ):
                reason = "technical" if lemma in TECHNICAL_WORDS else "stopword"
            else:
                kept.append(lemma)
        if reason is not None:
            reasons[str(raw)] = reason
    return (kept, reasons) if return_reasons else kept


# -- profiles --------------------------------------------------------------------------


def domain_counts(
    owner: np.ndarray,
    words: Sequence[Sequence[str]],
    n_users: int,
    domains: Sequence[str],
    lexicon: Lexicon | None = None,
    word_domains: Mapping[str, Sequence[str]] | None = None,
) -> np.ndarray:
    """Occurrences of each domain per user: ``counts[u, d]`` (§3, "domains which occur
    most often are the most probable interests").

    ``words[j]`` are the cleaned lemmas of item ``j`` (a photo's tags, or its one label)
    and ``owner[j]`` the user index it counts for.  Each occurrence of a word adds one to
    every domain of its key meanings.  Domains come from ``word_domains[word]`` when
    given, else ``lexicon.domains_of_lemma(word)``.
    """
    owner = np.asarray(owner, dtype=np.int64)
    if len(owner) != len(words):
        raise ValueError(f"owner has {len(owner)} entries but words has {len(words)}")
    if len(owner) and (owner.min() < 0 or owner.max() >= n_users):
        bad = owner[(owner < 0) | (owner >= n_users)][0]
        raise ValueError(f"owner index {bad} not in [0, n_users={n_users})")
    if lexicon is None and word_domains is None:
        raise ValueError("pass a lexicon or a word_domains mapping")
    col = {d: k for k, d in enumerate(domains)}
    cache: dict[str, list[int]] = {}
    rows: list[int] = []
    cols: list[int] = []
    for u, ws in zip(owner, words, strict=True):
        for w in ws:
            idx = cache.get(w)
            if idx is None:
                doms = (
                    word_domains[w]
                    if word_domains is not None and w in word_domains
                    else (lexicon.domains_of_lemma(w) if lexicon is not None else ())
                )
                idx = [col[d] for d in doms if d in col]
                cache[w] = idx
            rows.extend([int(u)] * len(idx))
            cols.extend(idx)
    counts = np.zeros((n_users, len(domains)), dtype=np.int64)
    np.add.at(counts, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)), 1)
    return counts


def profile_sets(counts: np.ndarray, k: int = 5) -> np.ndarray:
    """Top-``k`` domains per user as a boolean matrix (§3, "narrowed down to the first
    five positions").

    Domains are ranked by count, descending; ties go to the domain listed first (lower
    column index), so the result is deterministic.  Only domains with a positive count
    enter, so a user with fewer than ``k`` observed domains has a smaller set.
    """
    counts = np.asarray(counts)
    if counts.ndim != 2:
        raise ValueError(f"counts must be 2-D (users x domains), got shape {counts.shape}")
    if k < 1:
        raise ValueError(f"k={k} must be >= 1")
    n, m = counts.shape
    # stable sort on -count keeps the column order among ties
    order = np.argsort(-counts, axis=1, kind="stable")[:, : min(k, m)]
    out = np.zeros((n, m), dtype=bool)
    rows = np.repeat(np.arange(n), order.shape[1])
    top = order.ravel()
    positive = counts[rows, top] > 0
    out[rows[positive], top[positive]] = True
    return out


def f1_scores(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``F1(A_i, B_i) = 2 |A_i ∩ B_i| / (|A_i| + |B_i|)`` per row (§3); 0 when both empty."""
    A = np.asarray(A, dtype=bool)
    B = np.asarray(B, dtype=bool)
    if A.shape != B.shape:
        raise ValueError(f"profile shapes differ: {A.shape} vs {B.shape}")
    inter = (A & B).sum(axis=1)
    denom = A.sum(axis=1) + B.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(denom > 0, 2.0 * inter / np.maximum(denom, 1), 0.0)
    return f1.astype(float)


def match_distribution(A: np.ndarray, B: np.ndarray, k: int = 5) -> np.ndarray:
    """``n[j]`` = number of users with ``|A_i ∩ B_i| = j`` for ``j = 0..k`` (Table 1)."""
    inter = (np.asarray(A, dtype=bool) & np.asarray(B, dtype=bool)).sum(axis=1)
    if len(inter) and inter.max() > k:
        raise ValueError(f"an intersection of {inter.max()} exceeds k={k}")
    return np.bincount(inter, minlength=k + 1)[: k + 1].astype(np.int64)


def random_profiles(
    sizes: np.ndarray, n_domains: int, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Random-domain baseline: user ``i`` gets ``sizes[i]`` domains drawn uniformly without
    replacement from the ``n_domains`` (seeded)."""
    rng = np.random.default_rng(seed)
    sizes = np.asarray(sizes, dtype=np.int64)
    if len(sizes) and (sizes.min() < 0 or sizes.max() > n_domains):
        raise ValueError(
            f"profile sizes must lie in [0, {n_domains}], got {sizes.min()}..{sizes.max()}"
        )
    keys = rng.random((len(sizes), n_domains))
    ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
    return ranks < sizes[:, None]


# -- results ------------------------------------------------------------------------------

#: Table 1 of the paper (N = 300): n users with |A ∩ B| = 0..5, mean matches, mean F1.
PAPER_TABLE1: dict[str, dict[str, Any]] = {
    "AlexNet": {"n": (2, 38, 143, 107, 10, 0), "mean_matches": 2.28, "mean_f1": 0.4567},
    "VGG16": {"n": (5, 46, 156, 89, 4, 0), "mean_matches": 2.14, "mean_f1": 0.4273},
    "VGG19": {"n": (3, 48, 151, 94, 4, 0), "mean_matches": 2.16, "mean_f1": 0.4320},
    "GoogleNet": {"n": (4, 51, 151, 90, 4, 0), "mean_matches": 2.13, "mean_f1": 0.4260},
    "ResNet50": {"n": (1, 41, 139, 109, 9, 1), "mean_matches": 2.29, "mean_f1": 0.4580},
}
PAPER_N = 300


@dataclass(frozen=True)
class MatchTable:
    """Table 1 for one run: users per number of matches ``|A_i ∩ B_i|``."""

    counts: np.ndarray  # n for j = 0..k
    mean_matches: float
    mean_f1: float
    label: str = "measured"

    @property
    def n_users(self) -> int:
        return int(self.counts.sum())

    def to_frame(self) -> pd.DataFrame:
        """Rows ``|A ∩ B| = 0..k`` with ``n`` and ``n/N`` (Table 1 layout)."""
        n = self.counts.astype(int)
        share = n / max(int(n.sum()), 1)
        return pd.DataFrame({"matches": np.arange(len(n)), "n": n, "n/N": share})

    def to_dict(self) -> dict:
        return {
            "n": [int(x) for x in self.counts],
            "N": self.n_users,
            "mean_matches": self.mean_matches,
            "mean_f1": self.mean_f1,
        }


@dataclass(frozen=True)
class InterestComparison:
    """Tag vs. image profiles of the evaluated users (§3–4).

    ``user_index`` are the evaluated users (with a non-empty tag profile); ``tags`` and
    ``images`` their top-k boolean profiles over ``domains``; ``f1`` per user;
    ``table`` the Table-1 summary; ``random`` and ``popular`` the two baselines, both
    with the size of each user's image profile: uniformly random domains (seeded), and
    the domains most frequent among all tag profiles.
    """

    domains: tuple[str, ...]
    k: int
    user_index: np.ndarray
    tags: np.ndarray
    images: np.ndarray
    f1: np.ndarray
    table: MatchTable
    random: MatchTable
    popular: MatchTable
    n_users_total: int
    n_without_tags: int
    n_without_images: int
    seed: int
    extras: dict = field(default_factory=dict)

    @property
    def mean_f1(self) -> float:
        return self.table.mean_f1

    def headline(self) -> dict:
        """The numbers for ``--json`` / ``demo --json``."""
        return {
            "mean_f1": self.table.mean_f1,
            "random_baseline_f1": self.random.mean_f1,
            "popular_baseline_f1": self.popular.mean_f1,
            "mean_matches": self.table.mean_matches,
            "match_distribution": [int(x) for x in self.table.counts],
            "n_users": int(len(self.user_index)),
            "n_without_tags": self.n_without_tags,
            "n_without_images": self.n_without_images,
            "k": self.k,
        }

    def to_frame(self) -> pd.DataFrame:
        """Table 1 (measured, random baseline, popularity baseline) side by side."""
        f = self.table.to_frame().rename(columns={"n": "n", "n/N": "n/N"})
        r = self.random.to_frame()
        p = self.popular.to_frame()
        f["random n"] = r["n"]
        f["random n/N"] = r["n/N"]
        f["popular n"] = p["n"]
        f["popular n/N"] = p["n/N"]
        return f

    def users_frame(self, user_ids: Sequence[str] | np.ndarray | None = None) -> pd.DataFrame:
        """One row per evaluated user: id/index, both top-k domain lists, matches, F1."""

        def names(row: np.ndarray) -> str:
            return "; ".join(self.domains[j] for j in np.flatnonzero(row))

        ids = (
            np.asarray(user_ids, dtype=object)[self.user_index]
            if user_ids is not None
            else self.user_index
        )
        return pd.DataFrame(
            {
                "user": ids,
                "tag_domains": [names(r) for r in self.tags],
                "image_domains": [names(r) for r in self.images],
                "matches": (self.tags & self.images).sum(axis=1),
                "f1": self.f1,
            }
        )

    def domain_frame(self) -> pd.DataFrame:
        """How many users have each domain in their tag and image profiles."""
        return (
            pd.DataFrame(
                {
                    "domain": list(self.domains),
                    "tag_profiles": self.tags.sum(axis=0),
                    "image_profiles": self.images.sum(axis=0),
                }
            )
            .sort_values(["tag_profiles", "image_profiles"], ascending=False, kind="stable")
            .reset_index(drop=True)
        )


def _table(A: np.ndarray, B: np.ndarray, k: int, label: str) -> MatchTable:
    f1 = f1_scores(A, B)
    inter = (A & B).sum(axis=1)
    return MatchTable(
        counts=match_distribution(A, B, k),
        mean_matches=float(inter.mean()) if len(inter) else float("nan"),
        mean_f1=float(f1.mean()) if len(f1) else float("nan"),
        label=label,
    )


def compare_profiles(
    tag_counts: np.ndarray,
    image_counts: np.ndarray,
    domains: Sequence[str],
    k: int = 5,
    seed: int = 0,
) -> InterestComparison:
    """Top-``k`` tag and image profiles, per-user F1, Table 1 and two baselines (§3–4).

    Users with no tag domain at all have no ground truth and are left out (counted in
    ``n_without_tags``); users with tags but no image domain keep ``B_i = ∅`` and score
    ``F1 = 0`` (counted in ``n_without_images``).

    Parameters
    ----------
    tag_counts, image_counts : ``(n_users, n_domains)`` occurrence counts
        (:func:`domain_counts`).
    domains : the column names (the 34 BabelNet domains).
    k : profile length (5 in the paper).
    seed : seed of the random-domain baseline.
    """
    tag_counts = np.asarray(tag_counts)
    image_counts = np.asarray(image_counts)
    if tag_counts.shape != image_counts.shape:
        raise ValueError(f"count shapes differ: {tag_counts.shape} vs {image_counts.shape}")
    if tag_counts.shape[1] != len(domains):
        raise ValueError(f"{tag_counts.shape[1]} count columns but {len(domains)} domains")
    if not 1 <= k <= len(domains):
        raise ValueError(f"k={k} must be in [1, {len(domains)}]")
    A_all = profile_sets(tag_counts, k)
    B_all = profile_sets(image_counts, k)
    has_tags = A_all.any(axis=1)
    users = np.flatnonzero(has_tags)
    A, B = A_all[users], B_all[users]
    table = _table(A, B, k, "measured")
    sizes = B.sum(axis=1)
    sizes = np.where(sizes > 0, sizes, A.sum(axis=1))  # image-less users: baseline of |A|
    R = random_profiles(sizes, len(domains), seed)
    random = _table(A, R, k, "random")
    # popularity baseline: the |B_i| domains most frequent among all tag profiles
    order = np.argsort(-A.sum(axis=0), kind="stable")
    P = np.zeros_like(A)
    for j, s in enumerate(sizes):
        P[j, order[: int(s)]] = True
    popular = _table(A, P, k, "popular")
    return InterestComparison(
        domains=tuple(domains),
        k=k,
        user_index=users,
        tags=A,
        images=B,
        f1=f1_scores(A, B),
        table=table,
        random=random,
        popular=popular,
        n_users_total=int(tag_counts.shape[0]),
        n_without_tags=int((~has_tags).sum()),
        n_without_images=int((~B.any(axis=1)).sum()),
        seed=int(seed),
    )


def expected_random_f1(sizes_a: np.ndarray, sizes_b: np.ndarray, n_domains: int) -> float:
    """Mean F1 expected when ``B`` is a uniform random subset: ``E|A ∩ B| = |A||B|/m``,
    so ``E F1 = 2|A||B| / (m (|A| + |B|))`` averaged over users."""
    a = np.asarray(sizes_a, dtype=float)
    b = np.asarray(sizes_b, dtype=float)
    denom = a + b
    vals = np.where(denom > 0, 2 * a * b / (n_domains * np.maximum(denom, 1)), 0.0)
    return float(vals.mean()) if len(vals) else float("nan")
