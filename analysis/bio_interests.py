"""Interests from biographies: an entity matcher over the topic vocabulary (ALF §3.2, §4.1).

The paper grounds biography mentions in Wikipedia entities with a named-entity model and
keeps those in whitelisted categories.  Here the vocabulary is the graph's ``Topic`` nodes
(a name plus ``;``-separated aliases); the matcher finds mentions of any of them, precision
first:

* text and names are normalised (Unicode NFKC + accents stripped, lower case, ``&`` →
  ``and``) and split into alphanumeric tokens, so case, punctuation and hashtags
  (``#Basketball``, ``#losangeleslakers``) do not matter;
* a mention is a window of up to ``max_window`` consecutive tokens whose concatenation
  equals the concatenation of a name's tokens — this matches ``l.a.lakers``,
  ``L.A. Lakers`` and ``#LALakers`` to the alias ``LA Lakers`` (score 1.0 when the
  tokens match one to one, 0.9 when only the concatenation matches);
* a trailing plural ``s`` is tolerated (``golfers`` → ``golfer``);
* small typos: a single token of at least ``typo_min_len`` characters within one edit
  (insertion, deletion, substitution or adjacent transposition) of a single-token name
  with the same first letter matches with score 0.7, unless the token itself is another
  name;
* names shorter than ``min_len`` characters are ignored (too ambiguous);
* overlapping mentions: the longest window wins.

The output is one row per (user, topic) with the best score of its mentions.

Example
-------
>>> vocab = TopicVocabulary.from_records([("lakers", "Los Angeles Lakers", "LA Lakers;Lakers"),
...                                       ("fishing", "Fishing", "")])
>>> sorted(m.topic for m in vocab.match("Big fan of l.a.lakers. Love #Fishing"))
['fishing', 'lakers']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "MatchScore",
    "Mention",
    "TopicVocabulary",
    "evaluate_matches",
    "extract_interests",
    "match_quality",
    "normalise",
]

_TOKEN = re.compile(r"[0-9a-z]+")


def normalise(text: str) -> str:
    """Lower-case, NFKC-folded, accent-free text with ``&`` spelled ``and``."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower().replace("&", " and ")


def tokens(text: str) -> list[str]:
    """Alphanumeric tokens of the normalised text (punctuation and ``#`` are separators)."""
    return _TOKEN.findall(normalise(text))


def _osa_distance_le1(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are within one insertion/deletion/substitution/
    adjacent transposition of each other."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


@dataclass(frozen=True)
class Mention:
    """One matched mention: topic id, score, token span and the matched text."""

    topic: str
    score: float
    start: int
    end: int
    text: str
    kind: str  # "exact", "joined", "plural", "typo"


@dataclass
class TopicVocabulary:
    """The topic vocabulary (names + aliases) compiled for matching.

    Build with :meth:`from_records` or :meth:`from_frame` (columns ``topic_id``/``id``,
    ``name``, ``aliases``).
    """

    topics: dict[str, str]
    min_len: int = 3
    typo_min_len: int = 6
    max_window: int = 6
    _exact: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _joined: dict[str, str] = field(default_factory=dict, repr=False)
    _single: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)
    _ambiguous: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def from_records(cls, records: Iterable[Sequence], **kw) -> TopicVocabulary:
        """``records``: (topic_id, name, aliases) with aliases ``;``-separated or a list."""
        names: dict[str, list[str]] = {}
        for rec in records:
            tid, name = str(rec[0]), rec[1]
            aliases = rec[2] if len(rec) > 2 else ""
            if isinstance(aliases, str):
                aliases = [a for a in aliases.split(";")]
            elif aliases is None or (isinstance(aliases, float) and aliases != aliases):
                aliases = []
            all_names = [n for n in [name, *aliases] if isinstance(n, str) and n.strip()]
            names.setdefault(tid, []).extend(all_names)
        vocab = cls(topics={t: v[0] if v else t for t, v in names.items()}, **kw)
        vocab._compile(names)
        return vocab

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, **kw) -> TopicVocabulary:
        idcol = "topic_id" if "topic_id" in frame.columns else "id"
        missing = {idcol, "name"} - set(frame.columns)
        if missing:
            raise ValueError(f"topic frame lacks columns {sorted(missing)}: {list(frame.columns)}")
        aliases = frame["aliases"] if "aliases" in frame.columns else [""] * len(frame)
        return cls.from_records(zip(frame[idcol], frame["name"], aliases, strict=True), **kw)

    def _add(self, table: dict, key, tid: str) -> None:
        old = table.get(key)
        if old is not None and old != tid:
            self._ambiguous.add(repr(key))
        table.setdefault(key, tid)

    def _compile(self, names: Mapping[str, list[str]]) -> None:
        for tid, ns in names.items():
            for n in ns:
                toks = tuple(tokens(n))
                joined = "".join(toks)
                if len(joined) < self.min_len or not toks:
                    continue
                self._add(self._exact, toks, tid)
                self._add(self._joined, joined, tid)
                if len(joined) >= self.typo_min_len:
                    self._single.setdefault(joined[0], []).append((joined, tid))
        # a name shared by two topics is ambiguous: drop it (precision first)
        for toks in list(self._exact):
            if repr(toks) in self._ambiguous:
                del self._exact[toks]
        for key in list(self._joined):
            if repr(key) in self._ambiguous:
                del self._joined[key]

    # -- matching ----------------------------------------------------------------------
    def _lookup(self, window: tuple[str, ...]) -> tuple[str, str] | None:
        tid = self._exact.get(window)
        if tid is not None:
            return tid, "exact"
        joined = "".join(window)
        tid = self._joined.get(joined)
        if tid is not None:
            return tid, "joined"
        if len(joined) > 4 and joined.endswith("s"):
            tid = self._joined.get(joined[:-1])
            if tid is not None:
                return tid, "plural"
        if len(window) == 1 and len(joined) >= self.typo_min_len:
            hits = {
                t
                for name, t in self._single.get(joined[0], ())
                if abs(len(name) - len(joined)) <= 1 and _osa_distance_le1(name, joined)
            }
            if len(hits) == 1:
                return hits.pop(), "typo"
        return None

    def match(self, text: str) -> list[Mention]:
        """All non-overlapping mentions in ``text`` (longest window first, left to right)."""
        toks = tokens(text)
        taken = [False] * len(toks)
        found: list[Mention] = []
        for w in range(min(self.max_window, len(toks)), 0, -1):
            for i in range(len(toks) - w + 1):
                if any(taken[i : i + w]):
                    continue
                hit = self._lookup(tuple(toks[i : i + w]))
                if hit is None:
                    continue
                tid, kind = hit
                for j in range(i, i + w):
                    taken[j] = True
                found.append(
                    Mention(tid, match_quality(kind), i, i + w, " ".join(toks[i : i + w]), kind)
                )
        found.sort(key=lambda m: m.start)
        return found

    def interests(self, text: str) -> dict[str, float]:
        """topic -> best mention score in ``text``."""
        out: dict[str, float] = {}
        for m in self.match(text):
            out[m.topic] = max(out.get(m.topic, 0.0), m.score)
        return out


_QUALITY = {"exact": 1.0, "joined": 0.9, "plural": 0.9, "typo": 0.7}


def match_quality(kind: str) -> float:
    """Score of a mention kind: exact 1.0, joined/abbreviated or plural 0.9, typo 0.7."""
    return _QUALITY[kind]


def extract_interests(
    user_ids: Sequence[str],
    bios: Sequence[str | None],
    vocab: TopicVocabulary,
    *,
    min_score: float = 0.0,
) -> pd.DataFrame:
    """(user, topic, score) rows for every topic mentioned in a user's biography.

    Users with a missing or empty biography produce no rows.  ``min_score`` drops weaker
    mention kinds (e.g. 0.8 disables typo matches).
    """
    if len(user_ids) != len(bios):
        raise ValueError(f"{len(user_ids)} user ids but {len(bios)} biographies")
    rows = []
    for uid, bio in zip(user_ids, bios, strict=True):
        if not isinstance(bio, str) or not bio.strip():
            continue
        for tid, score in vocab.interests(bio).items():
            if score >= min_score:
                rows.append((str(uid), tid, score))
    return pd.DataFrame(rows, columns=["user", "topic", "score"])


@dataclass(frozen=True)
class MatchScore:
    """Precision/recall of extracted (user, topic) pairs against known interests."""

    precision: float
    recall: float
    found: int
    correct: int
    truth: int

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "found": self.found,
            "correct": self.correct,
            "truth": self.truth,
        }


def evaluate_matches(
    found: pd.DataFrame, truth: Mapping[str, Sequence[str]], users: Iterable[str] | None = None
) -> MatchScore:
    """Score matched ``(user, topic)`` rows against ``truth`` ({user: [topic]}).

    Only users in ``users`` (default: those in ``truth``) count, on both sides — e.g. the
    users with a biography.  A biography mentions only some of a user's interests, so
    recall is bounded by how many the bios mention.
    """
    keep = set(map(str, users)) if users is not None else set(map(str, truth))
    pairs = {
        (str(u), str(t))
        for u, t in zip(found["user"], found["topic"], strict=True)
        if str(u) in keep
    }
    gold = {(str(u), str(t)) for u, ts in truth.items() if str(u) in keep for t in ts}
    correct = len(pairs & gold)
    p = correct / len(pairs) if pairs else float("nan")
    r = correct / len(gold) if gold else float("nan")
    return MatchScore(precision=p, recall=r, found=len(pairs), correct=correct, truth=len(gold))
