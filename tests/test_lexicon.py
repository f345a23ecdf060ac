"""The WordNet-derived domain lexicon (``scoring/lexicon.py``, ``scripts/build_lexicon.py``).

The hand-checked sample below was verified by reasoning about each class / word (what the
object is, which of the 34 BabelNet domains a reader would file it under); the wnids are
those of the published ILSVRC-2012 synset list.
"""

from __future__ import annotations

import gzip
import json

import pytest

from kernel.vocabulary import BABELNET_DOMAINS
from scoring.errors import ScoringError
from scoring.lexicon import (
    BabelNetLexicon,
    WordNetLexicon,
    default_lexicon,
    domain_of_imagenet_class,
    domains_of_lemma,
    normalise_word,
)

# (index, torchvision name, wnid, domain) — hand-checked
IMAGENET_SAMPLE = [
    (0, "tench", "n01440764", "Animals"),
    (1, "goldfish", "n01443537", "Animals"),
    (11, "goldfinch", "n01531178", "Animals"),
    (134, "crane bird", "n02012849", "Animals"),  # the bird …
    (517, "crane", "n03126707", "Engineering and technology"),  # … and the machine
    (285, "Egyptian cat", "n02124075", "Animals"),
    (401, "accordion", "n02672831", "Music"),
    (402, "acoustic guitar", "n02676566", "Music"),
    (541, "drum", "n03249569", "Music"),
    (403, "aircraft carrier", "n02687172", "Warfare and defense"),
    (413, "assault rifle", "n02749479", "Warfare and defense"),
    (657, "missile", "n03773504", "Warfare and defense"),
    (847, "tank", "n04389033", "Warfare and defense"),
    (404, "airliner", "n02690373", "Transport and travel"),
    (468, "cab", "n02930766", "Transport and travel"),
    (817, "sports car", "n04285008", "Transport and travel"),
    (407, "ambulance", "n02701002", "Health and medicine"),
    (430, "basketball", "n02802426", "Sport and recreation"),
    (445, "bikini", "n02837789", "Textile and clothing"),
    (497, "church", "n03028079", "Religion, mysticism and mythology"),
    (508, "computer keyboard", "n03085013", "Computing"),
    (527, "desktop computer", "n03180011", "Computing"),
    (567, "frying pan", "n03400231", "Food and drink"),
    (948, "Granny Smith", "n07742313", "Food and drink"),
    (967, "espresso", "n07920052", "Food and drink"),
    (866, "tractor", "n04465501", "Farming"),
    (698, "palace", "n03877845", "Royalty and nobility"),
    (624, "library", "n03661043", "Literature and theatre"),
    (819, "stage", "n04296562", "Literature and theatre"),
    (779, "school bus", "n04146614", "Education"),
    (480, "cash machine", "n02977058", "Numismatics and currencies"),
    (970, "alp", "n09193705", "Geography and places"),
    (980, "volcano", "n09472597", "Geology and geophysics"),
    (985, "daisy", "n11939491", "Biology"),
]

# (word, domain of its key meaning) — hand-checked
LEMMA_SAMPLE = [
    ("dog", "Animals"),
    ("cats", "Animals"),
    ("geese", "Animals"),
    ("coffee", "Food and drink"),
    ("guitar", "Music"),
    ("soccer", "Sport and recreation"),
    ("paris", "Geography and places"),
    ("church", "Religion, mysticism and mythology"),
    ("army", "Warfare and defense"),
    ("hospital", "Health and medicine"),
    ("school", "Education"),
    ("volcano", "Geology and geophysics"),
    ("storm", "Meteorology"),
    ("telescope", "Physics and astronomy"),
    ("car", "Transport and travel"),
    ("painting", "Art, architecture, and archaeology"),
    ("coin", "Numismatics and currencies"),
    ("king", "Royalty and nobility"),
    ("flag", "Heraldry, honors, and vexillology"),
    ("mathematics", "Mathematics"),
    ("chemistry", "Chemistry and mineralogy"),
    ("computer", "Computing"),
    ("crime", "Law and crime"),
    ("history", "History"),
]


@pytest.fixture(scope="module")
def lex() -> WordNetLexicon:
    return default_lexicon()


def test_files_are_versioned_and_consistent(lex):
    assert lex.version.startswith("wn30-")
    assert len(lex.imagenet) == 1000
    assert [e.index for e in lex.imagenet] == list(range(1000))
    wnids = [e.wnid for e in lex.imagenet]
    assert wnids == sorted(wnids) and len(set(wnids)) == 1000  # ImageNet order = sorted wnids
    assert all(e.domain is None or e.domain in BABELNET_DOMAINS for e in lex.imagenet)
    mapped = sum(e.domain is not None for e in lex.imagenet)
    assert mapped == 1000  # every class reaches a domain (anchor, topic or lexfile rule)


def test_class_names_match_torchvision_order(lex):
    from scoring.backbones import imagenet_categories

    assert [e.name for e in lex.imagenet] == imagenet_categories()


@pytest.mark.parametrize("index,name,wnid,domain", IMAGENET_SAMPLE)
def test_imagenet_sample(lex, index, name, wnid, domain):
    entry = lex.imagenet_entry(index)
    assert (entry.name, entry.wnid) == (name, wnid)
    assert lex.domain_of_imagenet_class(index) == domain
    assert lex.domain_of_imagenet_class(name) == domain
    assert lex.domain_of_imagenet_class(name.upper()) == domain  # case-insensitive names


def test_imagenet_bad_input(lex):
    with pytest.raises(ValueError, match="1000"):
        lex.domain_of_imagenet_class(1000)
    with pytest.raises(ValueError, match="unknown ImageNet class name 'unicorn'"):
        lex.domain_of_imagenet_class("unicorn")


@pytest.mark.parametrize("word,domain", LEMMA_SAMPLE)
def test_lemma_sample(lex, word, domain):
    assert domain in lex.domains_of_lemma(word)
    assert domain in domains_of_lemma(word)  # module-level convenience


def test_dictionary_membership_and_morphology(lex):
    assert lex.lemmatize("Dogs") == "dog"
    assert lex.lemmatize("geese") == "goose"  # exception list
    assert lex.lemmatize("boxes") == "box"  # -xes
    assert lex.lemmatize("New York") == "new_york"  # multi-word lemma
    assert lex.in_dictionary("happy") and lex.domains_of_lemma("happy") == ()  # no noun sense
    for misspelt in ("beautifull", "qwzx", "sunsett"):
        assert not lex.in_dictionary(misspelt)
        assert lex.domains_of_lemma(misspelt) == ()


def test_normalise_word():
    assert normalise_word("  #New-York! ") == "new_york"
    assert normalise_word("ice  cream") == "ice_cream"


def test_module_level_default():
    assert domain_of_imagenet_class(285) == "Animals"


def test_missing_files_give_clear_error(tmp_path):
    with pytest.raises(ScoringError, match="build_lexicon.py"):
        WordNetLexicon(tmp_path)


def test_version_mismatch_is_detected(tmp_path, lex):
    from scoring.lexicon import _data_path

    (tmp_path / "lexicon_imagenet.tsv").write_bytes(_data_path("lexicon_imagenet.tsv").read_bytes())
    payload = {
        "version": "other",
        "domains": list(BABELNET_DOMAINS),
        "lemmas": {},
        "exceptions": {},
    }
    with gzip.open(tmp_path / "lexicon_lemmas.json.gz", "wt") as fh:
        json.dump(payload, fh)
    with pytest.raises(ScoringError, match="disagree"):
        WordNetLexicon(tmp_path)


def test_licence_file_present():
    from scoring.lexicon import _data_path

    text = _data_path("LICENSE-WORDNET").read_text()
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text


# -- BabelNet backend against a fake HTTP responder (never the network) --------------------


class FakeBabelNet:
    """Answers getSynsetIds / getSynset like BabelNet's JSON API, records the URLs."""

    def __init__(self):
        self.urls: list[str] = []
        self.synsets = {
            "bn:1n": {
                "senses": [{"properties": {"fullLemma": "jaguar", "bKeySense": True}}],
                "domains": {"ANIMALS": 0.9, "TRANSPORT_AND_TRAVEL": 0.2},
            },
            "bn:2n": {
                "senses": [{"properties": {"fullLemma": "jaguar", "bKeySense": False}}],
                "domains": {"TRANSPORT_AND_TRAVEL": 0.8},
            },
            "bn:3n": {
                "senses": [{"properties": {"fullLemma": "lute", "bKeySense": False}}],
                "domains": {"MUSIC": 0.7, "HISTORY": 0.1},
                "bkeyConcepts": True,
            },
            "bn:4n": {
                "senses": [{"properties": {"fullLemma": "ice cream", "bKeySense": True}}],
                "domains": {"FOOD_AND_DRINK": 0.6},
            },
            "bn:5n": {
                "senses": [{"properties": {"fullLemma": "myth", "bKeySense": True}}],
                "domains": {"RELIGION_MYSTICISM_AND_MYTHOLOGY": 0.5},
            },
        }
        self.ids = {
            "jaguar": ["bn:1n", "bn:2n"],
            "lute": ["bn:3n"],
            "ice cream": ["bn:4n"],
            "myth": ["bn:5n"],
        }

    def __call__(self, url: str) -> bytes:
        from urllib.parse import parse_qs, urlparse

        self.urls.append(url)
        u = urlparse(url)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        assert q["key"] == "SECRET"
        if u.path.endswith("getSynsetIds"):
            assert q["searchLang"] == "EN"
            body = [
                {"id": i, "pos": "NOUN", "source": "BABELNET"} for i in self.ids.get(q["lemma"], [])
            ]
        elif u.path.endswith("getSynset"):
            body = self.synsets[q["id"]]
        else:  # pragma: no cover
            raise AssertionError(url)
        return json.dumps(body).encode()


def test_babelnet_backend_with_fake_responder(lex):
    fake = FakeBabelNet()
    bn = BabelNetLexicon("SECRET", fetch=fake, fallback=lex, base_url="https://example.invalid/v9")
    assert bn.domains_of_lemma("jaguar") == ("Animals",)  # only the key sense counts
    assert bn.domains_of_lemma("lute") == ("Music",)  # no key sense: bkeyConcepts synset
    assert bn.domains_of_lemma("ice cream") == ("Food and drink",)  # space in the query
    assert bn.domains_of_lemma("myth") == ("Religion, mysticism and mythology",)
    n = len(fake.urls)
    assert bn.domains_of_lemma("Jaguar") == ("Animals",)  # cached: no new request
    assert len(fake.urls) == n
    assert all(u.startswith("https://example.invalid/v9/") for u in fake.urls)
    assert bn.domain_of_imagenet_class(285) == "Animals"  # ImageNet via the WordNet table
    assert bn.domains_of_lemma("zzqx") == ()


def test_babelnet_errors_are_scoring_errors(lex):
    def down(url):
        import urllib.error

        raise urllib.error.URLError("no route")

    bn = BabelNetLexicon("K", fetch=down, fallback=lex)
    with pytest.raises(ScoringError, match="unreachable"):
        bn.domains_of_lemma("jaguar")
    bn = BabelNetLexicon(
        "K", fetch=lambda url: b'{"message": "Your key is not valid"}', fallback=lex
    )
    with pytest.raises(ScoringError, match="key is not valid"):
        bn.domains_of_lemma("jaguar")
    with pytest.raises(ScoringError, match="key is required"):
        BabelNetLexicon("  ", fallback=lex)
