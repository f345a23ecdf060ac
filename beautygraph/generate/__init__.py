"""Synthetic Flickr-like communities with planted, known effects.

``generate(GeneratorConfig(n_users=5000, seed=1), "out/")`` writes the foundation's input
folder — ``users.csv``, ``follows.csv``, ``photos.csv``, ``favorites.csv``, ``topics.csv``
(docs/ARCHITECTURE.md) — plus ``truth.json``, and returns the truth dict. CLI:
``beautygraph generate --users N --seed S --out DIR [--weeks W] [--images]
[--image-sample K] [--no-influence] [--no-churn] [--config file.toml] [--force] [--json]``.

Modules (one job each): :mod:`.config` (every parameter, TOML), :mod:`.vocab` (topics,
aliases, domains, noise tags, bio fragments), :mod:`.population` (talent, joining,
activity, interests, roles), :mod:`.graph` (follows with weekly ``created_at``),
:mod:`.timeline` (weekly uploads, photo beauty, planted influence and churn),
:mod:`.favorites`, :mod:`.text` (bios, tags), :mod:`.images` (``--images``),
:mod:`.writer` (CSV/JSON), :mod:`.measure` (diagnostics read back from the files),
:mod:`.core` (``generate``).

truth.json keys: ``seed``, ``n_users``, ``weeks``, ``start`` (a Monday), ``params``
(``config`` = every parameter; ``influence`` and ``churn`` = the exact planted definitions
and what they did; ``graph`` = edges per mechanism; ``counts``), ``talent`` {user: float},
``interests`` {user: [topic]}, ``authorities`` {topic: [user]}, ``celebrities`` [user],
``tail_accounts`` {topic: [user]}, ``forlorn`` [user], ``superstars`` [user],
``bio_topics`` {user: [topic mentioned in the bio]} and, with images, ``images``
{photo: {source, beauty, degradations}}.

Randomness: one numpy Generator per stage, all derived from ``seed`` only
(:func:`.core.stage_rng`), so the same seed gives byte-identical files and rendering
images never changes the CSVs; no wall clock, no set iteration order.
"""

from beautygraph.generate.config import GeneratorConfig
from beautygraph.generate.core import generate

__all__ = ["GeneratorConfig", "generate"]
