"""The 34 BabelNet domains used as interest categories.

``interest-profiling-from-pictures.txt`` §3 lists the BabelNet domains (its two-column
layout drops one in the text extraction); BabelNet 4's domain inventory (BabelDomains) has
34, with "Animals" as the 34th.  Pure Python: importable without torch.
"""

from __future__ import annotations

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

assert len(BABELNET_DOMAINS) == 34


def check_domain(name: str) -> str:
    """Return ``name`` if it is one of the 34 domains, else raise ``ValueError``."""
    if name not in BABELNET_DOMAINS:
        raise ValueError(f"unknown BabelNet domain {name!r}")
    return name
