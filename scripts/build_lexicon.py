#!/usr/bin/env python
"""Build the WordNet-derived domain lexicon in ``scoring/data/`` (offline, build time only).

Interest profiling from pictures §3 maps every cleaned tag and every CNN label to
one of the 34 BabelNet domains through BabelNet's "key" senses.  BabelNet needs an online
API key, so beautygraph ships an offline stand-in derived from WordNet 3.0 (the noun
inventory BabelNet itself is built on, and the one ImageNet's classes come from):

1. **Synset → domain.**  Walk up a synset's hypernym graph (``@`` and instance ``@i``
   pointers) breadth first.  At each distance the first hit decides:
   (a) the synset is an *anchor* of :data:`ANCHORS` (e.g. ``musical_instrument.n.01`` →
   Music, ``vehicle.n.01`` → Transport and travel);
   (b) the synset carries a WordNet *topic domain* pointer (``;c``) to a topic that is, or
   descends from, an anchor of :data:`TOPIC_ANCHORS` (``sport.n.01`` → Sport and
   recreation, ``medicine.n.02`` → Health and medicine, …).
   Without a hit, the synset's lexicographer file decides (:data:`LEXFILE_DOMAINS`, e.g.
   ``noun.animal`` → Animals, ``noun.food`` → Food and drink); some files map to no domain.
2. **Lemma → domains.**  A word's *key senses* stand in for BabelNet's key meanings: its
   noun senses with the largest SemCor tag count (``cntlist.rev``) when that count is
   positive, else its first noun sense; when the first sense is a proper-noun instance
   (e.g. ``crane`` → Stephen Crane) and the word also has common-noun senses, the first
   common-noun sense is used.  The word's domains are those of its key senses.
   Every lemma of any part of speech is kept (domains may be empty) so that the runtime can
   tell a real word from a misspelling.
3. **ImageNet-1k class → domain.**  ImageNet class ``i`` is the WordNet 3.0 noun synset
   with the ``i``-th smallest wnid (``n`` + 8-digit offset); torchvision lists the class
   names (``_IMAGENET_CATEGORIES``) in that order but not the wnids.  The wnids are derived
   by matching each name to the noun synsets having it as a lemma (spaces → ``_``,
   case-insensitive; torchvision's de-duplicated names such as ``crane bird`` fall back to
   their leading words) and choosing the assignment with the most matched classes whose
   offsets strictly increase with the class index (a longest-increasing-subsequence
   dynamic programme; ties prefer the earlier WordNet sense).  Classes left unmatched get
   the best lemma match whose offset lies strictly between their matched neighbours.
   Result with WordNet 3.0: all 1000 classes matched in increasing order; 113 of them
   had more than one fitting synset, and for 56 of those the sense-rank choice differs
   from the published ILSVRC-2012 synset list, so :data:`WNID_OVERRIDES` pins those
   (e.g. ``cab`` → taxicab, not the driver's compartment).  Every override is validated
   (the synset carries the class name; order stays increasing).

The hand-made tables (anchors, topic anchors, lexicographer files, wnid overrides) are data,
not code: ``scripts/lexicon/*.tsv`` (``key<TAB>value`` after a header row, ``#`` comments).

Outputs (version string :data:`VERSION` in each):

* ``scoring/data/lexicon_imagenet.tsv`` — one row per ImageNet class: index, name, wnid,
  synset, lexicographer file, domain, and the rule that decided it (human-checkable).
* ``scoring/data/lexicon_lemmas.json.gz`` — ``{"version", "source", "domains",
  "lemmas": {lemma: [domain index, ...]}, "exceptions": {inflected: [base, ...]}}``.
* ``scoring/data/LICENSE-WORDNET`` — the WordNet 3.0 licence (required on all copies).

Usage::

    apt-get install -y wordnet-base          # WordNet 3.0 in /usr/share/wordnet
    .venv/bin/python scripts/build_lexicon.py [--wordnet-dir /usr/share/wordnet] [--check]

``--check`` rebuilds in memory and fails if the committed files differ (for CI).

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

import argparse
import bisect
import gzip
import io
import json
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kernel.vocabulary import BABELNET_DOMAINS  # noqa: E402

#: bump when the rules below change; stored in every output file.
VERSION = "wn30-rules-1"

OUT_DIR = ROOT / "scoring" / "data"

#: lexicographer file number -> name (WordNet ``lexnames(5WN)``).
LEXNAMES = {
    3: "noun.Tops",
    4: "noun.act",
    5: "noun.animal",
    6: "noun.artifact",
    7: "noun.attribute",
    8: "noun.body",
    9: "noun.cognition",
    10: "noun.communication",
    11: "noun.event",
    12: "noun.feeling",
    13: "noun.food",
    14: "noun.group",
    15: "noun.location",
    16: "noun.motive",
    17: "noun.object",
    18: "noun.person",
    19: "noun.phenomenon",
    20: "noun.plant",
    21: "noun.possession",
    22: "noun.process",
    23: "noun.quantity",
    24: "noun.relation",
    25: "noun.shape",
    26: "noun.state",
    27: "noun.substance",
    28: "noun.time",
}

TABLES = Path(__file__).resolve().parent / "lexicon"


def _read_tsv(name: str, header: tuple[str, str]) -> dict[str, str]:
    """Rows ``key<TAB>value`` of ``scripts/lexicon/NAME`` after its header line, in file
    order (``#`` comments and blank lines skipped; a repeated key keeps its last value)."""
    path = TABLES / name
    out: dict[str, str] = {}
    seen_header = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            raise SystemExit(f"{path}:{n}: expected 2 tab-separated cells, got {line!r}")
        if not seen_header:
            if tuple(cells) != header:
                raise SystemExit(f"{path}:{n}: header must be {chr(9).join(header)!r}")
            seen_header = True
            continue
        out[cells[0]] = cells[1]
    return out


def _domain_table(name: str, key: str) -> dict[str, str | None]:
    """A ``key<TAB>domain`` table; an empty domain is None; every other one must be one of
    the 34 BabelNet domains."""
    table: dict[str, str | None] = {}
    for k, v in _read_tsv(name, (key, "domain")).items():
        if v and v not in BABELNET_DOMAINS:
            raise SystemExit(f"{TABLES / name}: {k!r} has unknown domain {v!r}")
        table[k] = v or None
    return table


#: hypernym anchors (``lemma.n.NN``, WordNet 3.0 sense numbers) -> domain
#: (``scripts/lexicon/anchors.tsv``); the nearest anchor on the hypernym graph wins.
ANCHORS: dict[str, str] = _domain_table("anchors.tsv", "synset")  # type: ignore[assignment]

#: WordNet topic-domain synsets (targets of ``;c`` pointers) -> domain
#: (``scripts/lexicon/topic_anchors.tsv``).
TOPIC_ANCHORS: dict[str, str] = _domain_table("topic_anchors.tsv", "synset")  # type: ignore[assignment]

#: lexicographer file -> domain when no anchor decides (None: no domain;
#: ``scripts/lexicon/lexfile_domains.tsv``).
LEXFILE_DOMAINS: dict[str, str | None] = _domain_table("lexfile_domains.tsv", "lexfile")


# -- reading WordNet ------------------------------------------------------------------


@dataclass
class Synset:
    """One WordNet noun synset from ``data.noun``."""

    offset: int
    lexfile: str
    words: list[str]  # as written (case preserved, ``_`` for spaces)
    lex_ids: list[int]
    hypernyms: list[int] = field(default_factory=list)  # @ and @i
    instance_of: list[int] = field(default_factory=list)  # @i only
    topics: list[int] = field(default_factory=list)  # ;c
    gloss: str = ""
    name: str = ""  # lemma.n.NN of its first word


@dataclass
class WordNet:
    """The parts of WordNet 3.0 the lexicon needs."""

    synsets: dict[int, Synset]
    noun_index: dict[str, list[int]]  # lowercase lemma -> offsets in sense order
    all_lemmas: set[str]  # every lemma of every part of speech (lowercase)
    tag_counts: dict[tuple[str, int], int]  # (lemma, offset) -> SemCor tag count
    noun_exceptions: dict[str, list[str]]
    by_name: dict[str, int] = field(default_factory=dict)  # lemma.n.NN -> offset

    def synset(self, name: str) -> Synset:
        try:
            return self.synsets[self.by_name[name]]
        except KeyError:
            raise KeyError(f"no WordNet synset {name!r}") from None


def _data_lines(path: Path):
    with open(path, encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):  # licence header
                continue
            yield line.rstrip("\n")


def read_wordnet(wn_dir: Path) -> WordNet:
    """Parse ``data.noun``, ``index.*``, ``cntlist.rev`` and ``noun.exc`` of WordNet 3.0."""
    wn_dir = Path(wn_dir)
    synsets: dict[int, Synset] = {}
    for line in _data_lines(wn_dir / "data.noun"):
        head, _, gloss = line.partition(" | ")
        f = head.split()
        offset, lexnum = int(f[0]), int(f[1])
        n_words = int(f[3], 16)
        words = f[4 : 4 + 2 * n_words : 2]
        lex_ids = [int(x, 16) for x in f[5 : 5 + 2 * n_words : 2]]
        pos = 4 + 2 * n_words
        n_ptr = int(f[pos])
        ss = Synset(offset, LEXNAMES[lexnum], words, lex_ids, gloss=gloss.strip())
        for k in range(n_ptr):
            sym, target, tpos = f[pos + 1 + 4 * k : pos + 4 + 4 * k]
            if tpos != "n":
                continue
            if sym in ("@", "@i"):
                ss.hypernyms.append(int(target))
                if sym == "@i":
                    ss.instance_of.append(int(target))
            elif sym == ";c":
                ss.topics.append(int(target))
        synsets[offset] = ss

    noun_index: dict[str, list[int]] = {}
    all_lemmas: set[str] = set()
    for pos_name in ("noun", "verb", "adj", "adv"):
        for line in _data_lines(wn_dir / f"index.{pos_name}"):
            f = line.split()
            all_lemmas.add(f[0])
            if pos_name == "noun":
                n_syn = int(f[2])
                noun_index[f[0]] = [int(x) for x in f[-n_syn:]]

    by_name: dict[str, int] = {}
    for lemma, offsets in noun_index.items():
        for k, off in enumerate(offsets, start=1):
            by_name[f"{lemma}.n.{k:02d}"] = off
    for ss in synsets.values():
        first = ss.words[0].lower()
        k = noun_index[first].index(ss.offset) + 1
        ss.name = f"{first}.n.{k:02d}"

    # sense keys lemma%1:LL:II:: -> (lemma, offset) via (lexfile, lex_id) of the lemma
    key_to_offset: dict[tuple[str, int, int], int] = {}
    lexnum_of = {v: k for k, v in LEXNAMES.items()}
    for ss in synsets.values():
        for w, lid in zip(ss.words, ss.lex_ids, strict=True):
            key_to_offset[(w.lower(), lexnum_of[ss.lexfile], lid)] = ss.offset
    tag_counts: dict[tuple[str, int], int] = {}
    for line in _data_lines(wn_dir / "cntlist.rev"):
        key, _, count = line.split()
        lemma, _, rest = key.partition("%")
        parts = rest.split(":")
        if parts[0] != "1":
            continue
        off = key_to_offset.get((lemma, int(parts[1]), int(parts[2])))
        if off is not None:
            tag_counts[(lemma, off)] = int(count)

    exceptions: dict[str, list[str]] = {}
    for line in _data_lines(wn_dir / "noun.exc"):
        f = line.split()
        exceptions[f[0]] = f[1:]
    return WordNet(synsets, noun_index, all_lemmas, tag_counts, exceptions, by_name)


def read_licence(wn_dir: Path) -> str:
    """The licence header that WordNet carries at the top of ``data.noun``."""
    lines = []
    with open(Path(wn_dir) / "data.noun", encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith("  "):
                break
            lines.append(
                line.split(" ", 3)[-1].rstrip()
                if line[2:].split(" ", 1)[0].isdigit()
                else line.strip()
            )
    return "\n".join(lines)


# -- synset -> domain -------------------------------------------------------------------


def _resolve(wn: WordNet, table: dict[str, str | None]) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for name, domain in table.items():
        name = name.strip()
        if domain is not None and domain not in BABELNET_DOMAINS:
            raise ValueError(f"rule {name!r} names unknown domain {domain!r}")
        out[wn.synset(name).offset] = domain
    return out


class DomainRules:
    """The rule tables resolved to synset offsets, with a memoised topic lookup."""

    def __init__(self, wn: WordNet) -> None:
        self.wn = wn
        self.anchors = _resolve(wn, ANCHORS)
        self.topic_anchors = _resolve(wn, TOPIC_ANCHORS)
        self._topic_memo: dict[int, str | None] = {}

    def _topic_domain(self, topic: int) -> str | None:
        """Domain of a topic synset: nearest TOPIC_ANCHORS entry on its hypernym graph."""
        if topic in self._topic_memo:
            return self._topic_memo[topic]
        result = None
        for node, _ in self._bfs(topic):
            if node in self.topic_anchors:
                result = self.topic_anchors[node]
                break
        self._topic_memo[topic] = result
        return result

    def _bfs(self, start: int):
        seen = {start}
        queue = deque([(start, 0)])
        while queue:
            node, d = queue.popleft()
            yield node, d
            for h in self.wn.synsets[node].hypernyms:
                if h not in seen:
                    seen.add(h)
                    queue.append((h, d + 1))

    def domain(self, offset: int) -> tuple[str | None, str]:
        """``(domain, rule)`` for a noun synset; rule names the anchor/topic/lexfile used."""
        level: list[int] = []
        cur_d = 0

        def decide(nodes: list[int]) -> tuple[str | None, str] | None:
            for n in nodes:  # (a) anchors first at this distance
                if n in self.anchors:
                    return self.anchors[n], f"anchor:{self.wn.synsets[n].name}"
            for n in nodes:  # (b) then topic-domain pointers
                for t in self.wn.synsets[n].topics:
                    dom = self._topic_domain(t)
                    if dom is not None:
                        return dom, f"topic:{self.wn.synsets[t].name}"
            return None

        for node, d in self._bfs(offset):
            if d != cur_d:
                hit = decide(level)
                if hit is not None:
                    return hit
                level, cur_d = [], d
            level.append(node)
        hit = decide(level)
        if hit is not None:
            return hit
        lexfile = self.wn.synsets[offset].lexfile
        return LEXFILE_DOMAINS.get(lexfile), f"lexfile:{lexfile}"


# -- lemma -> domains -------------------------------------------------------------------


def key_senses(wn: WordNet, lemma: str) -> list[int]:
    """Offsets of the *key senses* of a noun lemma (see the module docstring)."""
    offsets = wn.noun_index.get(lemma, [])
    if not offsets:
        return []
    counts = [wn.tag_counts.get((lemma, o), 0) for o in offsets]
    best = max(counts)
    if best > 0:
        return [o for o, c in zip(offsets, counts, strict=True) if c == best]
    first = wn.synsets[offsets[0]]
    if first.instance_of and first.words[0][:1].isupper():
        for o in offsets:
            if not wn.synsets[o].instance_of:
                return [o]
    return [offsets[0]]


def lemma_domains(wn: WordNet, rules: DomainRules, lemma: str) -> list[str]:
    """Domains of a lemma's key senses, unique, in sense order."""
    out: list[str] = []
    for o in key_senses(wn, lemma):
        dom, _ = rules.domain(o)
        if dom is not None and dom not in out:
            out.append(dom)
    return out


# -- ImageNet wnids -----------------------------------------------------------------------


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def imagenet_candidates(wn: WordNet, name: str) -> list[tuple[int, int]]:
    """``(offset, sense rank)`` candidates for one torchvision class name.

    Exact lemma first; torchvision's de-duplicated names (``crane bird``,
    ``maillot tank suit``) fall back to their leading words.
    """
    key = _norm(name)
    words = key.split("_")
    for n in range(len(words), 0, -1):
        lemma = "_".join(words[:n])
        offs = wn.noun_index.get(lemma)
        if offs:
            return [(o, r) for r, o in enumerate(offs)]
    # a hyphen/space variant ("jack-o'-lantern", "T-shirt")
    alt = key.replace("-", "_")
    offs = wn.noun_index.get(alt) or wn.noun_index.get(key.replace("_", "-"))
    return [(o, r) for r, o in enumerate(offs or [])]


def derive_wnids(wn: WordNet, names: list[str]) -> tuple[list[int | None], list[str]]:
    """Assign a WordNet offset to each class so offsets strictly increase with the index.

    Maximises the number of assigned classes (longest increasing subsequence over the
    candidate pairs, where a class contributes at most one pair), breaking ties towards
    lower sense ranks.  Returns the offsets (None where unassigned) and notes.
    """
    cands = [imagenet_candidates(wn, n) for n in names]
    # DP over (class i, candidate c): best[i][c] = (count, -rank_sum, prev)
    best: list[list[tuple[int, int, tuple[int, int] | None]]] = []
    # sorted frontier of (offset, count, -rank_sum, (i, c)) from previous classes
    frontier_offsets: list[int] = []
    frontier: list[tuple[int, int, tuple[int, int]]] = []  # prefix-best aligned with offsets
    for i, cs in enumerate(cands):
        row = []
        for off, rank in cs:
            k = bisect.bisect_left(frontier_offsets, off)  # entries with offset < off
            if k > 0:
                cnt, rs, ref = frontier[k - 1]
                row.append((cnt + 1, rs - rank, ref))
            else:
                row.append((1, -rank, None))
        best.append(row)
        # insert this class's entries into the frontier (after computing the whole row)
        for c, (off, _rank) in enumerate(cs):
            cnt, rs, _ = row[c]
            k = bisect.bisect_left(frontier_offsets, off)
            frontier_offsets.insert(k, off)
            frontier.insert(k, (cnt, rs, (i, c)))
        # make frontier a running prefix maximum
        run = None
        for k in range(len(frontier)):
            if run is None or frontier[k][:2] > run[:2]:
                run = frontier[k]
            else:
                frontier[k] = run
    # backtrack from the global best
    end = None
    for i, row in enumerate(best):
        for c, v in enumerate(row):
            if end is None or v[:2] > best[end[0]][end[1]][:2]:
                end = (i, c)
    chosen: list[int | None] = [None] * len(names)
    node = end
    while node is not None:
        i, c = node
        chosen[i] = cands[i][c][0]
        node = best[i][c][2]
    notes = []
    # fill gaps: any synset with a matching word whose offset fits between neighbours
    for i, off in enumerate(chosen):
        if off is not None:
            continue
        lo = max((o for o in chosen[:i] if o is not None), default=-1)
        hi = min((o for o in chosen[i + 1 :] if o is not None), default=10**9)
        fits = [o for o, _ in cands[i] if lo < o < hi]
        if fits:
            chosen[i] = fits[0]
            notes.append(f"{i} {names[i]!r}: gap-filled")
        else:
            notes.append(f"{i} {names[i]!r}: unmatched")
    return chosen, notes


#: ImageNet class index -> published ILSVRC-2012 wnid where the sense-rank choice differs
#: (``scripts/lexicon/wnid_overrides.tsv``; see that file's header).
WNID_OVERRIDES: dict[int, str] = {
    int(k): v for k, v in _read_tsv("wnid_overrides.tsv", ("class_index", "wnid")).items()
}


def imagenet_wnids(wn: WordNet, names: list[str]) -> tuple[list[int], dict]:
    """Offsets of the 1000 classes: derivation + :data:`WNID_OVERRIDES`, validated."""
    chosen, notes = derive_wnids(wn, names)
    for i, wnid in WNID_OVERRIDES.items():
        off = int(wnid[1:])
        if off not in [o for o, _ in imagenet_candidates(wn, names[i])]:
            raise ValueError(f"override {i} {names[i]!r} -> {wnid} is not a synset of that name")
        chosen[i] = off
    if any(o is None for o in chosen):
        raise ValueError(f"unmatched ImageNet classes: {[n for n in notes if 'unmatched' in n]}")
    if any(a >= b for a, b in zip(chosen, chosen[1:], strict=False)):
        raise ValueError("ImageNet offsets are not strictly increasing after overrides")
    ambiguous = 0
    for i in range(len(names)):
        lo = chosen[i - 1] if i else -1
        hi = chosen[i + 1] if i + 1 < len(names) else 10**9
        if sum(lo < o < hi for o, _ in imagenet_candidates(wn, names[i])) > 1:
            ambiguous += 1
    stats = {
        "classes": len(names),
        "matched": sum(o is not None for o in chosen),
        "ambiguous": ambiguous,
        "overridden": len(WNID_OVERRIDES),
        "gap_filled": sum("gap-filled" in n for n in notes),
    }
    return chosen, stats  # type: ignore[return-value]


# -- outputs ------------------------------------------------------------------------------


def imagenet_names() -> list[str]:
    """The 1000 class names in index order (torchvision's list; build time only)."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    return list(_IMAGENET_CATEGORIES)


def build(wn_dir: Path) -> dict[str, bytes]:
    """Build every output file in memory: ``{file name: bytes}``."""
    wn = read_wordnet(wn_dir)
    rules = DomainRules(wn)
    names = imagenet_names()
    offsets, stats = imagenet_wnids(wn, names)

    source = "WordNet 3.0 (Princeton University), Debian package wordnet-base"
    buf = io.StringIO()
    buf.write(f"# version: {VERSION}\n# source: {source}; rules: scripts/build_lexicon.py\n")
    buf.write("# " + json.dumps(stats, sort_keys=True) + "\n")
    buf.write("index\tname\twnid\tsynset\tlexfile\tdomain\trule\n")
    counts: Counter[str] = Counter()
    for i, (name, off) in enumerate(zip(names, offsets, strict=True)):
        ss = wn.synsets[off]
        dom, rule = rules.domain(off)
        counts[dom or ""] += 1
        buf.write(f"{i}\t{name}\tn{off:08d}\t{ss.name}\t{ss.lexfile}\t{dom or ''}\t{rule}\n")
    imagenet_tsv = buf.getvalue().encode("utf-8")

    dom_index = {d: k for k, d in enumerate(BABELNET_DOMAINS)}
    lemmas: dict[str, list[int]] = {}
    for lemma in sorted(wn.all_lemmas):
        lemmas[lemma] = [dom_index[d] for d in lemma_domains(wn, rules, lemma)]
    payload = {
        "version": VERSION,
        "source": source,
        "domains": list(BABELNET_DOMAINS),
        "lemmas": lemmas,
        "exceptions": {k: v for k, v in sorted(wn.noun_exceptions.items())},
    }
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=False).encode("utf-8")
    gz = gzip.compress(raw, compresslevel=9, mtime=0)

    licence = (
        "The files lexicon_imagenet.tsv and lexicon_lemmas.json.gz in this folder are\n"
        "derived from WordNet 3.0 by scripts/build_lexicon.py.  WordNet's licence:\n\n"
        + read_licence(wn_dir)
        + "\n"
    )
    return {
        "lexicon_imagenet.tsv": imagenet_tsv,
        "lexicon_lemmas.json.gz": gz,
        "LICENSE-WORDNET": licence.encode("utf-8"),
        "_stats": json.dumps(
            {
                **stats,
                "domains": dict(counts.most_common()),
                "lemmas": len(lemmas),
                "lemmas_with_domain": sum(bool(v) for v in lemmas.values()),
            },
            indent=1,
        ).encode(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--wordnet-dir",
        type=Path,
        default=Path("/usr/share/wordnet"),
        help="folder holding WordNet 3.0's data.noun, index.*, cntlist.rev, noun.exc",
    )
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument(
        "--check",
        action="store_true",
        help="rebuild in memory and fail if the files in --out differ",
    )
    args = ap.parse_args(argv)
    if not (args.wordnet_dir / "data.noun").exists():
        print(
            f"error: no WordNet data in {args.wordnet_dir} (apt-get install wordnet-base)",
            file=sys.stderr,
        )
        return 2
    files = build(args.wordnet_dir)
    stats = files.pop("_stats")
    if args.check:
        stale = [
            n
            for n, data in files.items()
            if not (args.out / n).exists() or (args.out / n).read_bytes() != data
        ]
        if stale:
            print(f"stale lexicon files: {stale}", file=sys.stderr)
            return 1
        print("lexicon files are up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    print(stats.decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
