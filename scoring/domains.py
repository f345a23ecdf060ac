"""The 34 BabelNet domains, kept under this name for existing imports; they live in
:mod:`kernel.vocabulary`, shared with the loader."""

from __future__ import annotations

from kernel.vocabulary import BABELNET_DOMAINS

__all__ = ["BABELNET_DOMAINS"]
