"""The shared kernel: the few standard-library-only modules that every layer may import.

* :mod:`kernel.steps`: the progress and timing protocol (``Steps``) that pipelines, the
  loader, the generator and the scoring loops report through;
* :mod:`kernel.vocabulary`: the 34 BabelNet domains a ``Topic.domain`` may take, shared by
  the loader's validation, the picture lexicon and the generator.

It sits below ``graphdb``, ``scoring``, ``analysis`` and ``beautygraph`` and imports none
of them (``lint-imports`` checks both), so no import runs back up the layer table of
``docs/ARCHITECTURE.md``.
"""
