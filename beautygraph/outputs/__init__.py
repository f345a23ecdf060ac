"""What the CLI and the report make of a pipeline's result: figures and files.

A pipeline (:mod:`beautygraph.pipelines`) exports from the store, computes in
:mod:`analysis` and writes back into the store; it returns a result dataclass and draws
and writes nothing else.  The functions here turn those results into
:class:`beautygraph.artifacts.Figure` objects (wrapping the pure matplotlib figures of
:mod:`analysis.plots` and :mod:`scoring.plots` with a file name and a caption) and into
the PNG, CSV and JSON files of an output folder.  The commands
(:mod:`beautygraph.commands`) and the report sections (:mod:`beautygraph.sections`) decide
whether to call them.

One module per capability: :mod:`~beautygraph.outputs.network`,
:mod:`~beautygraph.outputs.matching`, :mod:`~beautygraph.outputs.recommenders`,
:mod:`~beautygraph.outputs.beauty`.
"""
