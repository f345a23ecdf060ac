"""The report's sections, one module per capability, in one explicit order.

``beautygraph demo`` runs :data:`SECTIONS` top to bottom with one
:class:`beautygraph.report.DemoContext`; each builder returns a
:class:`beautygraph.report.Section` (or None: nothing to report) and may hand a result to
later sections through the context's named fields.  The order matters where a section reads
what an earlier one wrote: ``recommenders`` needs the classes ``network`` wrote into the
store (``User.cluster_name``), ``interests`` and ``alf`` read the topics loaded by ``load``.
"""

from __future__ import annotations

from beautygraph.report import SectionBuilder
from beautygraph.sections.alf import alf_section
from beautygraph.sections.beauty import scoring_section
from beautygraph.sections.generator import generator_section
from beautygraph.sections.interests import interests_section
from beautygraph.sections.load import load_section
from beautygraph.sections.matching import matching_section
from beautygraph.sections.network import network_section
from beautygraph.sections.propagation import propagation_section
from beautygraph.sections.recommenders import recommenders_section

__all__ = ["SECTIONS"]

#: (key in ``demo --json``, builder), in report order
SECTIONS: tuple[tuple[str, SectionBuilder], ...] = (
    ("load", load_section),
    ("generator", generator_section),
    ("network", network_section),
    ("matching", matching_section),
    ("recommenders", recommenders_section),
    ("beauty", scoring_section),
    ("interests", interests_section),
    ("propagation", propagation_section),
    ("alf", alf_section),
)
