"""Synthetic Flickr-like communities with planted, known effects (issue 3).

``generate(GeneratorConfig(n_users=5000, seed=1), "out/")`` writes the foundation's CSV
folder plus ``truth.json`` and returns the truth dict.
"""

from beautygraph.generate.config import GeneratorConfig
from beautygraph.generate.core import generate

__all__ = ["GeneratorConfig", "generate"]
