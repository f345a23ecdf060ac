"""The interest CNNs compared on real, hand-labelled photos (Interest profiling from
pictures, Table 1): ``beautygraph score interests-benchmark`` and the report's table.

Wires :func:`scoring.interest_cnns.compare_interest_cnns` to the interest pipeline's own
label → domain path (:func:`beautygraph.pipelines.interests._clean_label`: the cleaning of
§3 and the ImageNet synset's domain, or the word's domains with ``label_mapping="lemma"``),
so a CNN is scored on exactly the domains ``score interests`` would give its labels.  Needs
no store.

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

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from beautygraph.errors import UserError
from beautygraph.pipelines.interests import LABEL_MAPPINGS, _clean_label
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from scoring.interest_cnns import CnnComparison

__all__ = ["imagenet_class_domains", "interests_benchmark", "report_benchmark"]


def imagenet_class_domains(lexicon, label_mapping: str = "class") -> list[tuple[str, ...]]:
    """The domains ``score interests`` gives each of the 1000 ImageNet labels, in index
    order (``()`` for a label dropped by the cleaning or without a domain)."""
    from scoring.backbones import imagenet_categories

    if label_mapping not in LABEL_MAPPINGS:
        raise UserError(f"label_mapping={label_mapping!r} not one of {LABEL_MAPPINGS}")
    out = []
    for name in imagenet_categories():
        cleaned = _clean_label(name, lexicon, label_mapping)
        out.append(cleaned[1] if cleaned is not None else ())
    return out


def interests_benchmark(
    models: Sequence[str] | None = None,
    *,
    lexicon=None,
    label_mapping: str = "class",
    weights: str = "DEFAULT",
    device: str = "cpu",
    steps: Steps | None = None,
) -> CnnComparison:
    """Each CNN's top-1 / top-5 domain accuracy on the hand-labelled real photos, with
    chance (see :mod:`scoring.interest_cnns`); ``models`` default to the three offline
    EfficientNet-Lite variants."""
    from scoring.interest_cnns import DEFAULT_MODELS, compare_interest_cnns
    from scoring.lexicon import default_lexicon

    lex = lexicon if lexicon is not None else default_lexicon()
    names = tuple(models) if models else DEFAULT_MODELS
    table = imagenet_class_domains(lex, label_mapping)
    with as_steps(steps)("interest CNNs on real photos", total=len(names)) as bar:
        return compare_interest_cnns(
            table,
            names,
            weights=weights,
            device=device,
            label_mapping=label_mapping,
            lexicon=getattr(lex, "version", ""),
            on_model=lambda _name: bar.advance(1),
        )


@lru_cache(maxsize=1)
def report_benchmark() -> CnnComparison:
    """The default comparison, computed once per process (the report and repeated demos
    in one process share it: the photos and weights are fixed, so is the result)."""
    return interests_benchmark()
