"""The shared vocabulary: the 34 BabelNet domains that ``Topic.domain`` may take.

Interest profiles from pictures map ImageNet labels to BabelNet domains and keep a user's
top-5 domains (Interest profiling from pictures, §3); ``topics.csv``'s ``domain`` column
must be one of them (checked by ``graphdb.loader``); ``scoring.lexicon`` maps WordNet
synsets onto them.  The paper's two-column domain list drops one entry in the text; the
BabelDomains inventory of BabelNet 4 has 34, "Animals" being the 34th.

Like :mod:`kernel.steps`, this module uses the standard library only, so every layer
(``graphdb``, ``scoring``, ``analysis``, ``beautygraph``) may import it.

Input is matched case- and punctuation-insensitively (:func:`canonical_domain`), so
``sport and recreation`` and ``Art, architecture and archaeology`` (no serial comma) are
accepted and stored under their canonical name; a real miss gets the nearest name as a
suggestion (:func:`suggest_domain`).

>>> len(BABELNET_DOMAINS), BABELNET_DOMAINS[0], is_domain("Music"), is_domain("Cats")
(34, 'Animals', True, False)
>>> canonical_domain("art architecture and archaeology")
'Art, architecture, and archaeology'
>>> suggest_domain("Sports & recreation")
'Sport and recreation'

References
----------
.. [1] J. Camacho-Collados, R. Navigli. "BabelDomains: Large-Scale Domain Labeling of
   Lexical Resources." Proceedings of EACL 2017 (short papers), pp. 223–228.
   https://aclanthology.org/E17-2036
"""

from __future__ import annotations

import difflib
import re

__all__ = [
    "BABELNET_DOMAINS",
    "WHERE_LISTED",
    "canonical_domain",
    "domain_key",
    "is_domain",
    "suggest_domain",
]

BABELNET_DOMAINS: tuple[str, ...] = (
    "Animals",
    "Art, architecture, and archaeology",
    "Biology",
    "Business, economics, and finance",
    "Chemistry and mineralogy",
    "Computing",
    "Culture and society",
    "Education",
    "Engineering and technology",
    "Farming",
    "Food and drink",
    "Games and video games",
    "Geography and places",
    "Geology and geophysics",
    "Health and medicine",
    "Heraldry, honors, and vexillology",
    "History",
    "Language and linguistics",
    "Law and crime",
    "Literature and theatre",
    "Mathematics",
    "Media",
    "Meteorology",
    "Music",
    "Numismatics and currencies",
    "Philosophy and psychology",
    "Physics and astronomy",
    "Politics and government",
    "Religion, mysticism and mythology",
    "Royalty and nobility",
    "Sport and recreation",
    "Textile and clothing",
    "Transport and travel",
    "Warfare and defense",
)


def is_domain(name: str) -> bool:
    """Whether ``name`` is one of the 34 domains (exact spelling)."""
    return name in _DOMAIN_SET


_DOMAIN_SET = frozenset(BABELNET_DOMAINS)
assert len(_DOMAIN_SET) == 34

#: where a user finds the list (named in the loader's "did you mean" message)
WHERE_LISTED = "the README's 'Input files' section (kernel/vocabulary.py)"

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def domain_key(text: str) -> str:
    """Lower-case words without punctuation (``"Art, architecture and …"`` → ``"art
    architecture and …"``): the key under which input and canonical names are compared."""
    return " ".join(_NON_ALNUM.sub(" ", str(text).lower()).split())


_BY_KEY: dict[str, str] = {domain_key(d): d for d in BABELNET_DOMAINS}
assert len(_BY_KEY) == 34


def canonical_domain(text: str) -> str | None:
    """The canonical domain name ``text`` denotes (case and punctuation ignored), else None."""
    return _BY_KEY.get(domain_key(text))


def suggest_domain(text: str) -> str | None:
    """The closest canonical domain name by spelling (difflib ratio ≥ 0.6), else None."""
    close = difflib.get_close_matches(domain_key(text), list(_BY_KEY), n=1, cutoff=0.6)
    return _BY_KEY[close[0]] if close else None
