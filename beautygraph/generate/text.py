"""Bios and photo tags (ALF §3.2, §4.1; interest-profiling §3).

Bios are short, noisy, self-described: only ``bio_share`` of users have one; it mentions
some of the user's interests by name or alias ("l.a. lakers", hashtags), with random case,
an occasional one-character typo, emoji and noise fragments that contain no topic alias.
Photo tags mix words of one of the owner's interests (topic name/aliases as hashtags and
words of its domain) with generic noise tags (tbt, love, nikon …); celebrities post mostly
generic tags (ALF §1, "misleading topic signals").
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from beautygraph.generate.config import GeneratorConfig
from beautygraph.generate.population import NO_TOPIC, Population
from beautygraph.generate.vocab import (
    BIO_NOISE,
    BIO_TEMPLATES,
    DOMAIN_EMOJI,
    NOISE_TAGS,
    TOPICS,
    TopicSpec,
)

BANK = 512  # pre-built tag strings per topic


def tag_pool(t: TopicSpec) -> list[str]:
    """Single-token tags for a topic: its name/aliases without spaces or '#', and its words."""
    forms = [t.name, *t.aliases, *t.words]
    out: list[str] = []
    for f in forms:
        tok = f.lower().lstrip("#")
        if " " in tok or "." in tok:
            continue
        if tok not in out:
            out.append(tok)
    return out


def make_tags(
    cfg: GeneratorConfig, pop: Population, photo_owner: np.ndarray, rng: np.random.Generator
) -> tuple[pa.Array, np.ndarray]:
    """One ``;``-separated tag string per photo, and the photo's topic (-1: none)."""
    tp = cfg.text
    pools = [tag_pool(t) for t in TOPICS]
    topical_bank = []
    for pool in pools:
        ks = rng.poisson(tp.topical_tags, size=BANK)
        bank = []
        for k in ks:
            k = int(min(max(k, 1), len(pool)))
            bank.append(";".join(pool[i] for i in rng.choice(len(pool), size=k, replace=False)))
        topical_bank.append(bank)
    noise_bank = []
    for k in rng.poisson(tp.noise_tags, size=BANK):
        k = int(min(k, len(NOISE_TAGS)))
        noise_bank.append(
            ";".join(NOISE_TAGS[i] for i in rng.choice(len(NOISE_TAGS), size=k, replace=False))
        )

    m = photo_owner.size
    ni = pop.n_interests[photo_owner]
    primary = rng.random(m) < 0.5
    pick = np.where(primary, 0, (rng.random(m) * ni).astype(np.int64))
    topic = pop.interests[photo_owner, pick]
    celeb = np.zeros(pop.n, dtype=bool)
    celeb[pop.celebrities] = True
    topical = ~celeb[photo_owner] | (rng.random(m) < 0.15)
    ti = rng.integers(0, BANK, size=m)
    nz = rng.integers(0, BANK, size=m)
    # vectorised string assembly: take from the banks, join with ';' skipping empty parts
    flat = pa.array([s or None for bank in topical_bank for s in bank], type=pa.string())
    noise = pa.array([s or None for s in noise_bank], type=pa.string())
    first = pc.take(
        flat, pa.array(np.where(topical, topic * BANK + ti, 0), mask=~topical)
    )  # null: none
    second = pc.take(noise, pa.array(nz))
    # (null_handling="skip" drops all-null rows in some pyarrow versions: replace, then trim)
    tags = pc.utf8_trim(
        pc.binary_join_element_wise(
            first, second, ";", null_handling="replace", null_replacement=""
        ),
        ";",
    )
    return tags, np.where(topical, topic, NO_TOPIC)


def _typo(word: str, rng: np.random.Generator) -> str:
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 5:
        return word
    i = letters[int(rng.integers(1, len(letters) - 1))]
    op = int(rng.integers(0, 3))
    if op == 0:  # swap with the next character
        return word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :]
    if op == 1:  # drop
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double


def _case(text: str, rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.15:
        return text.upper()
    if r < 0.35:
        return text.title()
    return text


def make_bios(
    cfg: GeneratorConfig, pop: Population, rng: np.random.Generator
) -> tuple[list[str], dict[int, list[int]]]:
    """Bios for all users ('' for most) and the topics each bio mentions."""
    tp = cfg.text
    n = pop.n
    has_bio = rng.random(n) < tp.bio_share
    bios = [""] * n
    mentioned: dict[int, list[int]] = {}
    seps = (" ", " | ", " • ", ". ", ", ", " ~ ")
    for u in np.flatnonzero(has_bio).tolist():
        parts: list[str] = []
        topics: list[int] = []
        for t in pop.interests[u, : pop.n_interests[u]].tolist():
            if t == NO_TOPIC or rng.random() >= tp.bio_mention:
                continue
            spec = TOPICS[t]
            form = (
                spec.aliases[int(rng.integers(len(spec.aliases)))]
                if rng.random() < tp.bio_alias
                else spec.name
            )
            if rng.random() < tp.bio_typo:
                form = _typo(form, rng)
            template = BIO_TEMPLATES[int(rng.integers(len(BIO_TEMPLATES)))]
            if template == "#{}" or form.startswith("#"):
                text = "#" + form.lstrip("#").replace(" ", "")
            else:
                text = template.format(_case(form, rng))
            if spec.domain in DOMAIN_EMOJI and rng.random() < 0.3:
                text += " " + DOMAIN_EMOJI[spec.domain]
            parts.append(text)
            topics.append(t)
        for _ in range(int(rng.integers(0, 4))):
            parts.append(BIO_NOISE[int(rng.integers(len(BIO_NOISE)))])
        if not parts:
            parts.append(BIO_NOISE[int(rng.integers(len(BIO_NOISE)))])
        order = rng.permutation(len(parts))
        sep = seps[int(rng.integers(len(seps)))]
        bios[u] = sep.join(parts[i] for i in order).strip()
        if topics:
            mentioned[u] = topics
    return bios, mentioned
