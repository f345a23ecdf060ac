"""The shared vocabulary: the 34 BabelNet domains that ``Topic.domain`` may take.

Interest profiles from pictures map ImageNet labels to BabelNet domains and keep a user's
top-5 domains (Interest profiling from pictures, §3); ``topics.csv``'s ``domain`` column
must be one of them (checked by ``graphdb.loader``); ``scoring.lexicon`` maps WordNet
synsets onto them.  The paper's two-column domain list drops one entry in the text; the
BabelDomains inventory of BabelNet 4 has 34, "Animals" being the 34th.

Like :mod:`beautygraph.steps`, this module uses the standard library only, so every layer
(``graphdb``, ``scoring``, ``analysis``, ``beautygraph``) may import it.

>>> len(BABELNET_DOMAINS), BABELNET_DOMAINS[0], is_domain("Music"), is_domain("Cats")
(34, 'Animals', True, False)

References
----------
.. [1] J. Camacho-Collados, R. Navigli. "BabelDomains: Large-Scale Domain Labeling of
   Lexical Resources." Proceedings of EACL 2017 (short papers), pp. 223–228.
   https://aclanthology.org/E17-2036
"""

from __future__ import annotations

__all__ = ["BABELNET_DOMAINS", "is_domain"]

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
