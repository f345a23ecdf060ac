"""Scoring pipelines: batch-score the photos of the store with a beauty model (the built-in
BRISQUE or a CNN checkpoint) into ``Photo.beauty, beauty_source`` (and the CNN's
``p_low, p_mid, p_high``), recompute ``User.beauty`` from one source, and train / evaluate
the beauty CNN on labelled images (Beautiful and damned [1] §4–5).  The demo's checks
are :mod:`beautygraph.pipelines.demo_scoring`.

Exit codes of ``score beauty``: 0 all photos scored (or already scored), 3 completed but
some images were missing or unreadable (they are listed), 2 a user error.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.errors import UserError, raise_invalid, user_errors
from graphdb.beauty_slots import ScoreSlot, slot_of_kind
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from beautygraph.pipelines.spark_scoring import SparkScoringResult
    from graphdb.base import Store
    from scoring.data import SkipLog
    from scoring.params import ScoringParams

#: exit status of a scoring run that finished but skipped unreadable/missing images
EXIT_SKIPPED = 3
PAPER_CROWD_RHO = 0.48  # §5, Fig. 4
PAPER_3CLASS_ACCURACY = 0.625  # §4
PAPER_AVA_BINARY_ACCURACY = 0.776  # §4
PROB_COLUMNS = ("p_low", "p_mid", "p_high")


# -- where the beauty of the store came from ----------------------------------------------------


def source_slots(store: Store) -> dict[str, dict[str, int]]:
    """Photos with a score per source, by slot (:mod:`graphdb.beauty_slots`):
    ``{"aesthetic": {"nima:e563ad91": 9}, "technical": {"brisque": 9}}``."""
    out: dict[str, dict[str, int]] = {"aesthetic": {}, "technical": {}}
    for r in store.run("beauty_sources"):
        out[str(r["slot"])][str(r["source"])] = int(r["n"])
    return out


def beauty_sources(store: Store) -> dict[str, int]:
    """Photos with a score per source, both slots together ({"input": 9, "brisque": 3})."""
    merged: dict[str, int] = {}
    for counts in source_slots(store).values():
        for source, n in counts.items():
            merged[source] = merged.get(source, 0) + n
    return dict(sorted(merged.items()))


def choose_beauty_source(
    counts: dict[str, int], requested: str | None = None, *, technical=()
) -> str | None:
    """The one source ``User.beauty`` is computed from.

    ``requested`` must be one of the sources present.  Without it the only aesthetic
    source present is taken (``technical`` names the sources of the technical slot, taken
    only when no aesthetic source exists: BRISQUE's distortion is not beauty), and several
    candidates are an error (never a silent mix).  ``None`` when no photo has a score.

    >>> choose_beauty_source({"input": 9})
    'input'
    >>> choose_beauty_source({"input": 9, "brisque": 3}, "brisque")
    'brisque'
    >>> choose_beauty_source({"nima:e563ad91": 9, "brisque": 9}, technical={"brisque"})
    'nima:e563ad91'
    """
    listed = ", ".join(f"{k} ({v} photos)" for k, v in sorted(counts.items())) or "none"
    if requested is not None:
        if requested not in counts:
            raise_invalid(
                "", "beauty_source", requested, f"is no photo's beauty source; sources: {listed}"
            )
        return requested
    if not counts:
        return None
    candidates = [s for s in counts if s not in set(technical)] or list(counts)
    if len(candidates) > 1:
        raise UserError(
            f"photos carry beauty from several sources: {listed}; name the beauty source "
            "User.beauty is computed from"
        )
    return candidates[0]


def choose_store_source(store: Store, requested: str | None = None) -> str | None:
    """:func:`choose_beauty_source` over the sources of ``store``'s two slots."""
    slots = source_slots(store)
    return choose_beauty_source(beauty_sources(store), requested, technical=slots["technical"])


def beauty_counts(store: Store) -> dict[str, int]:
    """``{"users", "users_with_beauty", "photos", "photos_with_beauty"}`` of the store."""
    rows = store.run("beauty_counts")
    keys = ("users", "users_with_beauty", "photos", "photos_with_beauty")
    return {k: int(rows[0][k]) if rows and rows[0][k] is not None else 0 for k in keys}


#: the ways to give users (``user``) or photos (``photo``) a beauty, as a user reads them
_WAYS = {
    "user": (
        "a `beauty` column in photos.csv (then `beautygraph load` the folder)",
        "`beautygraph score beauty` (scores the photos' image files)",
        "`beautygraph import-results DIR` with DIR/nodes/User.parquet holding `id, beauty`",
    ),
    "photo": (
        "a `beauty` column in photos.csv (then `beautygraph load` the folder)",
        "`beautygraph score beauty` (scores the photos' image files)",
        "`beautygraph import-results DIR` with DIR/nodes/Photo.parquet holding `id, beauty`",
    ),
}


def no_beauty_message(counts: dict[str, int], command: str, needs: str = "user") -> str:
    """The one message for "nothing has a beauty": what ``command`` needs, what the store
    holds (``counts`` from :func:`beauty_counts`) and every way to get it.

    ``needs``: ``"user"`` (User.beauty; from photos or imported) or ``"photo"``
    (Photo.beauty over time, which an imported User.beauty cannot replace).

    >>> c = {"users": 5, "users_with_beauty": 0, "photos": 0, "photos_with_beauty": 0}
    >>> print(no_beauty_message(c, "analyze network"))  # doctest: +NORMALIZE_WHITESPACE
    no user has a beauty, which `beautygraph analyze network` needs. The store holds 5
    users (0 with a beauty) and 0 photos (0 with a beauty score). Ways to get one: (1) a
    `beauty` column in photos.csv (then `beautygraph load` the folder); (2) `beautygraph
    score beauty` (scores the photos' image files); (3) `beautygraph import-results DIR`
    with DIR/nodes/User.parquet holding `id, beauty`.
    """
    what = "no user has a beauty" if needs == "user" else "no photo has a beauty score"
    held = (
        f"The store holds {counts['users']} users ({counts['users_with_beauty']} with a "
        f"beauty) and {counts['photos']} photos ({counts['photos_with_beauty']} with a beauty "
        "score)."
    )
    if needs == "user" and counts["photos_with_beauty"] and not counts["users_with_beauty"]:
        hint = (
            " The photos have scores but User.beauty was not computed: run "
            "`beautygraph score user-beauty` (or `beautygraph analyze network`)."
        )
        return f"{what}, which `beautygraph {command}` needs. {held}{hint}"
    ways = "; ".join(f"({i}) {w}" for i, w in enumerate(_WAYS[needs], start=1))
    return f"{what}, which `beautygraph {command}` needs. {held} Ways to get one: {ways}."


def no_beauty_error(store: Store, command: str, needs: str = "user") -> UserError:
    """:func:`no_beauty_message` for ``store`` as the :class:`UserError` to raise."""
    return UserError(no_beauty_message(beauty_counts(store), command, needs))


#: the source reported when no photo has a beauty and User.beauty is kept as stored
STORED = "stored"


def update_user_beauty(store: Store, source: str | None = None) -> dict:
    """Recompute ``User.beauty`` (and ``beauty_source``, ``n_photos``, ``favs_received``)
    from the photos of one source (:func:`choose_beauty_source`); returns
    ``{"users", "with_beauty", "source"}``.

    When no photo has a beauty, a stored ``User.beauty`` (imported with
    ``import-results``) is kept, never cleared, and the source is :data:`STORED` (``None``
    when no user has a beauty either).  One transaction (:meth:`graphdb.base.Store.atomic`).
    """
    with store.atomic():
        chosen = choose_store_source(store, source)
        rows = store.run("user_beauty", source=chosen)
    out: dict[str, Any] = {k: int(v) for k, v in dict(rows[0]).items()} if rows else {}
    out["source"] = chosen
    if chosen is None and out.get("with_beauty"):
        out["source"] = STORED
    return out


@dataclass(frozen=True)
class UserBeautyResult:
    """``score user-beauty``: the users, how many got a beauty, the source it came from
    (:data:`STORED` when the stored one was kept, None when none) and the photos with a
    score per source (:func:`beauty_sources`)."""

    users: int
    with_beauty: int
    source: str | None
    sources: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        """The ``score user-beauty --json`` object: ``{users, with_beauty, source,
        sources}``."""
        return {
            "users": self.users,
            "with_beauty": self.with_beauty,
            "source": self.source,
            "sources": dict(self.sources),
        }


def recompute_user_beauty(store: Store, source: str | None = None) -> UserBeautyResult:
    """:func:`update_user_beauty`, then the store's beauty sources."""
    out = update_user_beauty(store, source)
    return UserBeautyResult(
        users=int(out.get("users", 0)),
        with_beauty=int(out.get("with_beauty", 0)),
        source=out["source"],
        sources=beauty_sources(store),
    )


# -- scoring the photos of the store ----------------------------------------------------


@dataclass(frozen=True)
class ScoreStoreResult:
    """What one ``score beauty`` run into the store did (its ``--json``:
    :class:`ScoreBeautyResult`, one schema on both engines).

    ``n_no_image``: photos whose ``path`` is empty (never rendered) — not a failure.
    ``n_missing``: photos whose ``path`` names a file that does not exist; ``n_unreadable``:
    files that exist but cannot be decoded; both are listed in ``skipped`` and make the
    exit code 3.  ``replaced``: photos whose beauty from another source was replaced, by
    that source.
    """

    n_photos: int
    n_selected: int
    n_scored: int
    n_already: int
    n_kept: int
    n_no_image: int
    n_missing: int
    n_unreadable: int
    source: str = ""
    model: str = ""
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    #: where the command wrote :attr:`scores` (``score beauty --out``), if anywhere
    out_file: str | None = None
    seconds: float = 0.0
    device: str = "cpu"
    #: :data:`OUT_COLUMNS` of the photos scored (with ``keep_scores``)
    scores: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def n_skipped(self) -> int:
        return self.n_missing + self.n_unreadable

    @property
    def exit_code(self) -> int:
        return EXIT_SKIPPED if self.n_skipped else 0

    @property
    def images_per_s(self) -> float | None:
        return self.n_scored / self.seconds if self.seconds > 0 and self.n_scored else None

    def skipped_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.skipped, columns=["photo_id", "path", "reason"])

    def to_json(self) -> dict[str, Any]:
        """The ``score beauty --json`` object (:meth:`ScoreBeautyResult.to_json`)."""
        return ScoreBeautyResult.of_store(self).to_json()

    def summary_lines(self) -> list[str]:
        """The end-of-run summary a user reads."""
        rate = f" ({self.images_per_s:.1f} images/s)" if self.images_per_s else ""
        lines = [
            f"scored {self.n_scored} of {self.n_photos} photos with {self.source} on "
            f"{self.device} in {self.seconds:.1f}s{rate}",
            f"  already scored by {self.source}: {self.n_already}; kept from other sources: "
            f"{self.n_kept}; no image (empty path): {self.n_no_image}; missing files: "
            f"{self.n_missing}; unreadable: {self.n_unreadable}",
        ]
        if self.replaced:
            rep = ", ".join(f"{n} from {k!r}" for k, n in sorted(self.replaced.items()))
            lines.append(f"  replaced earlier scores: {rep}")
        if self.users:
            lines.append(
                f"  User.beauty from source {self.users.get('source')!r}: "
                f"{self.users.get('with_beauty', 0)} of {self.users.get('users', 0)} users"
            )
        if self.out_file:
            lines.append(f"  wrote {self.out_file} ({', '.join(OUT_COLUMNS)})")
        return lines


def _listed(skipped: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"photo_id": i, "path": p, "reason": r} for i, p, r in skipped]


@dataclass(frozen=True)
class ScoreBeautyResult:
    """``score beauty`` as ``--json`` reports it, one schema on both engines: the local one
    (:class:`ScoreStoreResult`, into the store) and Spark's
    (:class:`beautygraph.pipelines.spark_scoring.SparkScoringResult`, into a results
    folder).

    Each quantity appears under both engines' names, with the same value where the
    quantity is the same (``n_scored`` / ``scored``, ``n_photos`` / ``photos``,
    ``n_already`` / ``skipped_already_scored``, ``n_no_image`` / ``no_image``,
    ``n_skipped`` / ``unreadable``: a missing or undecodable image) and ``null`` where
    the engine does not know it: Spark counts a missing file as unreadable (``n_missing``,
    ``n_unreadable``), lists only the first skipped images (``skipped``), writes no store
    (``replaced``, ``users``, ``out_file``) and leaves the device to each executor;
    ``out_dir``, ``model_loads``, ``images_read`` and ``chunks`` are Spark's.
    ``examples``: the first skipped images, ``(photo_id, path, reason)``.
    """

    engine: str
    source: str
    model: str
    seconds: float
    n_photos: int
    n_selected: int
    n_scored: int
    n_already: int
    n_kept: int
    n_no_image: int
    n_skipped: int
    examples: tuple[tuple[str, str, str], ...] = ()
    n_missing: int | None = None
    n_unreadable: int | None = None
    skipped: tuple[tuple[str, str, str], ...] | None = None
    replaced: Mapping[str, int] | None = None
    users: Mapping[str, Any] | None = None
    out_file: str | None = None
    device: str | None = None
    out_dir: str | None = None
    model_loads: int | None = None
    images_read: int | None = None
    chunks: int | None = None

    @property
    def exit_code(self) -> int:
        """0, or :data:`EXIT_SKIPPED` when images were missing or unreadable."""
        return EXIT_SKIPPED if self.n_skipped else 0

    @property
    def images_per_s(self) -> float | None:
        return self.n_scored / self.seconds if self.seconds > 0 and self.n_scored else None

    @classmethod
    def of_store(cls, res: ScoreStoreResult) -> ScoreBeautyResult:
        """The report of a run into the store."""
        from beautygraph.engines.spark_scoring import N_EXAMPLES

        return cls(
            engine="local",
            source=res.source,
            model=res.model,
            seconds=res.seconds,
            n_photos=res.n_photos,
            n_selected=res.n_selected,
            n_scored=res.n_scored,
            n_already=res.n_already,
            n_kept=res.n_kept,
            n_no_image=res.n_no_image,
            n_skipped=res.n_skipped,
            examples=tuple(res.skipped[:N_EXAMPLES]),
            n_missing=res.n_missing,
            n_unreadable=res.n_unreadable,
            skipped=tuple(res.skipped),
            replaced=res.replaced,
            users=res.users,
            out_file=res.out_file,
            device=res.device,
        )

    @classmethod
    def of_spark(cls, res: SparkScoringResult) -> ScoreBeautyResult:
        """The report of a Spark run (every photo of the export is selected; none is kept
        for another source's score, which only the local engine does)."""
        return cls(
            engine="spark",
            source=res.source,
            model=res.model,
            seconds=round(res.seconds, 3),
            n_photos=res.photos,
            n_selected=res.photos,
            n_scored=res.scored,
            n_already=res.skipped_already_scored,
            n_kept=0,
            n_no_image=res.no_image,
            n_skipped=res.unreadable,
            examples=res.unreadable_examples,
            out_dir=res.out_dir,
            model_loads=res.model_loads,
            images_read=res.images_read,
            chunks=res.chunks,
        )

    def to_json(self) -> dict[str, Any]:
        """The ``score beauty --json`` object (the local engine's keys first)."""
        return {
            "n_photos": self.n_photos,
            "n_selected": self.n_selected,
            "n_scored": self.n_scored,
            "n_already": self.n_already,
            "n_kept": self.n_kept,
            "n_no_image": self.n_no_image,
            "n_missing": self.n_missing,
            "n_unreadable": self.n_unreadable,
            "source": self.source,
            "model": self.model,
            "replaced": None if self.replaced is None else dict(self.replaced),
            "users": None if self.users is None else dict(self.users),
            "out_file": self.out_file,
            "seconds": self.seconds,
            "device": self.device,
            "skipped": None if self.skipped is None else _listed(self.skipped),
            "n_skipped": self.n_skipped,
            "images_per_s": self.images_per_s,
            "engine": self.engine,
            "scored": self.n_scored,
            "skipped_already_scored": self.n_already,
            "unreadable": self.n_skipped,
            "no_image": self.n_no_image,
            "photos": self.n_photos,
            "out_dir": self.out_dir,
            "model_loads": self.model_loads,
            "images_read": self.images_read,
            "chunks": self.chunks,
            "unreadable_examples": _listed(self.examples),
            "exit_code": self.exit_code,
        }


def _folder_images(folder: Path) -> list[Path]:
    from scoring.data import IMAGE_SUFFIXES

    if not folder.is_dir():
        raise_invalid("", "folder", str(folder), "is not a folder")
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )


#: ``score beauty --out``'s columns, whatever the model (NaN where it has no such output)
OUT_COLUMNS = ("photo_id", "beauty", "source", "mean_score", "p_low", "p_medium", "p_high")


def _score_frame(ids: np.ndarray, scores, source: str) -> pd.DataFrame:
    """:data:`OUT_COLUMNS` of one batch (probabilities and mean score NaN for a model
    without them)."""
    n = len(ids)
    probs = scores.probs if scores.probs is not None else np.full((n, 3), np.nan)
    mean = scores.mean_score if scores.mean_score is not None else np.full(n, np.nan)
    return pd.DataFrame(
        {
            "photo_id": np.asarray(ids, dtype=object),
            "beauty": np.asarray(scores.beauty, dtype=np.float64),
            "source": source,
            "mean_score": np.asarray(mean, dtype=np.float64),
            **{c: probs[:, j] for j, c in enumerate(("p_low", "p_medium", "p_high"))},
        }
    )


def _store_frame(scored: pd.DataFrame, slot: ScoreSlot) -> pd.DataFrame:
    """The Photo properties a scored frame writes in its slot: the aesthetic slot's
    ``beauty, beauty_source, p_low, p_mid, p_high, mean_score`` (all of them, NaN
    clearing a stale value of an earlier model) or the technical ``quality,
    quality_source``."""
    frame = pd.DataFrame(
        {"id": scored["photo_id"], slot.value: scored["beauty"], slot.source: scored["source"]}
    )
    if slot.kind == "aesthetic":
        frame["mean_score"] = scored["mean_score"]
        for store_name, out_name in zip(PROB_COLUMNS, ("p_low", "p_medium", "p_high"), strict=True):
            frame[store_name] = scored[out_name]
    return frame


def _resolve_paths(photos, root: Path, folder) -> np.ndarray:
    """Each photo's image path (``None``: no image)."""
    ids = np.asarray(photos.ids, dtype=object)
    if folder is not None:
        files = _folder_images(Path(folder))
        by_stem = {p.stem: str(p) for p in files}
        if files and not any(i in by_stem for i in ids):
            raise UserError(
                f"none of the {len(files)} images in {folder} is named after a Photo id"
            )
        return np.array([by_stem.get(i) for i in ids], dtype=object)
    return np.array(
        [
            None
            if not (isinstance(p, str) and p.strip())
            else str(Path(p))
            if Path(p).is_absolute()
            else str(root / p)
            for p in photos.props["path"]
        ],
        dtype=object,
    )


def _scores_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """:data:`OUT_COLUMNS` of the photos scored."""
    if not frames:
        return pd.DataFrame(columns=list(OUT_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(OUT_COLUMNS)]


@dataclass(frozen=True)
class ScorePlan:
    """Which photos one scoring run reads, and why it leaves the others alone.

    Indices are positions in the photo list the plan was made from, in its order.
    ``read``: photos whose image file exists and that are to be scored; ``previous``: for
    each of them, the other source whose beauty its score replaces (None: it had none, or
    one from this very source).  ``missing``: photos whose named file does not exist.
    ``n_already``: kept because this source scored them already; ``n_kept``: kept because
    another source did and only missing beauty is scored; ``n_no_image``: no image (empty
    path; 0 when the images come from a folder).
    """

    read: tuple[int, ...]
    previous: tuple[str | None, ...]
    missing: tuple[int, ...]
    n_selected: int
    n_already: int
    n_kept: int
    n_no_image: int


def plan_scoring(
    ids: Sequence[str] | np.ndarray,
    paths: Sequence[str | None] | np.ndarray,
    beauty: Sequence[float] | np.ndarray,
    beauty_source: Sequence[object] | np.ndarray,
    source: str,
    *,
    photo_ids: Iterable[object] | None = None,
    overwrite: bool = False,
    only_missing: bool = False,
    from_folder: bool = False,
    is_file: Callable[[str], bool] = lambda p: Path(p).is_file(),
) -> ScorePlan:
    """The :class:`ScorePlan` of a run of ``source`` over photos ``ids``, given each one's
    image path (None: no image), stored ``beauty`` (NaN: none) and ``beauty_source`` (a
    beauty without a source counts as from ``"unknown"``).  ``is_file`` is asked only about
    the photos that would be read, so the files are checked before scoring starts.

    >>> p = plan_scoring(["a", "b", "c"], ["a.jpg", None, "c.jpg"], [0.5, np.nan, 0.2],
    ...                  ["brisque", None, "input"], "brisque", is_file=lambda p: True)
    >>> p.read, p.previous, p.n_already, p.n_no_image
    ((2,), ('input',), 1, 1)
    """
    ids_arr = np.asarray(ids, dtype=object)
    has_beauty = ~np.isnan(np.asarray(beauty, dtype=np.float64))
    old = np.array([s if isinstance(s, str) else "unknown" for s in beauty_source], dtype=object)
    wanted = np.ones(len(ids_arr), dtype=bool)
    if photo_ids is not None:
        wanted = np.isin(ids_arr, np.asarray([str(i) for i in photo_ids], dtype=object))
    has_path = np.array([p is not None for p in paths], dtype=bool)
    already = has_beauty & (old == source) & (not overwrite)
    kept = has_beauty & (old != source) & bool(only_missing)
    candidates = [int(i) for i in np.flatnonzero(wanted & has_path & ~already & ~kept)]
    exists = [is_file(str(paths[i])) for i in candidates]
    read = [i for i, e in zip(candidates, exists, strict=True) if e]
    return ScorePlan(
        read=tuple(read),
        previous=tuple(str(old[i]) if has_beauty[i] and old[i] != source else None for i in read),
        missing=tuple(i for i, e in zip(candidates, exists, strict=True) if not e),
        n_selected=int(wanted.sum()),
        n_already=int((wanted & has_path & already).sum()),
        n_kept=int((wanted & has_path & kept).sum()),
        n_no_image=0 if from_folder else int((wanted & ~has_path).sum()),
    )


class _BatchWriter:
    """Writes scored photos to the store every ``write_every`` photos; each write is final
    on its own, so an interrupted run keeps what it wrote and a re-run scores the rest."""

    def __init__(self, store: Store, write_every: int, keep: bool, slot: ScoreSlot) -> None:
        self.store, self.write_every, self.keep, self.slot = store, write_every, keep, slot
        self.pending: list[pd.DataFrame] = []
        self.n_pending = 0
        self.n_written = 0
        #: the frames written (with ``keep``)
        self.written: list[pd.DataFrame] = []

    def add(self, frame: pd.DataFrame) -> None:
        self.pending.append(frame)
        self.n_pending += len(frame)

    def flush_if_due(self) -> None:
        if self.n_pending >= self.write_every:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        frame = pd.concat(self.pending, ignore_index=True)
        self.store.write_node_props("Photo", _store_frame(frame, self.slot))
        self.n_written += len(frame)
        if self.keep:
            self.written.append(frame)
        self.pending, self.n_pending = [], 0


@dataclass
class _Scored:
    """What carrying out a :class:`ScorePlan` did: ``done`` marks the photos of
    ``plan.read`` that were scored; ``skips`` the unreadable ones, by position in it."""

    writer: _BatchWriter
    done: np.ndarray
    skips: SkipLog


def _carry_out(
    scorer,
    ids,
    paths: np.ndarray,
    plan: ScorePlan,
    dev,
    writer: _BatchWriter,
    batch: int,
    workers: int,
    steps: Steps | None,
) -> _Scored:
    """Score the photos ``plan.read`` in batches, handing each to ``writer``."""
    from scoring.data import SkipLog
    from scoring.scorer import iter_scores

    source = scorer.source
    read = np.asarray(plan.read, dtype=np.int64)
    sel_ids, sel_paths = np.asarray(ids, dtype=object)[read], [str(p) for p in paths[read]]
    out = _Scored(writer, np.zeros(len(read), dtype=bool), SkipLog())
    n_unreadable_seen = 0
    with as_steps(steps)(f"scoring photos ({source})", total=len(sel_paths)) as bar:
        try:
            for idx, scores in iter_scores(
                scorer, sel_paths, dev, batch_size=batch, workers=workers, skips=out.skips
            ):
                writer.add(_score_frame(sel_ids[idx], scores, source))
                out.done[idx] = True
                # unreadable images count as done on the bar too
                bar.advance(len(idx) + len(out.skips) - n_unreadable_seen)
                n_unreadable_seen = len(out.skips)
                writer.flush_if_due()
            writer.flush()
        finally:
            scorer.release()
    return out


def score_store(
    store: Store,
    model_path: str | os.PathLike | None = None,
    device: str = "auto",
    batch: int = 64,
    workers: int | None = None,
    data_dir: str | os.PathLike | None = None,
    *,
    folder: str | os.PathLike | None = None,
    photo_ids=None,
    overwrite: bool = False,
    only_missing: bool = False,
    write_every: int = 1024,
    keep_scores: bool = False,
    beauty_source: str | None = None,
    update_users: bool = True,
    scorer=None,
    steps: Steps | None = None,
    params: ScoringParams | None = None,
) -> ScoreStoreResult:
    """Score photos with a beauty model and write its slot's properties to the Photo nodes
    (:mod:`graphdb.beauty_slots`).

    ``params`` (:class:`scoring.params.ScoringParams`) holds the run's model, device,
    batch, workers, ``write_every``, ``overwrite`` and ``only_missing``; without it they
    come from the keyword arguments of the same names, checked by the same object (a
    broken rule is a :class:`UserError` naming the values).  ``model_path`` is what
    ``--model`` takes (:func:`scoring.scorer.resolve_scorer`); ``scorer`` passes a ready
    :class:`scoring.scorer.BeautyScorer` instead.  Photos come from the store (their
    ``path``, relative to ``data_dir`` — the folder the data were loaded from, default the
    working directory — or absolute) or, with ``folder``, from the image files in that
    folder matched to Photo nodes by file name stem (``images/p17.jpg`` -> photo ``p17``).
    ``photo_ids`` restricts the run.

    Which photos are scored is planned before any image is read (:func:`plan_scoring`):
    photos already scored by this model are left alone unless ``overwrite`` (so an
    interrupted run resumes); with ``only_missing`` every photo that has a beauty from any
    source keeps it; otherwise a beauty from another source
    (``input``, another model) is replaced and counted in ``replaced``.  Photos with an
    empty path have no image (not a failure); named files that are missing are counted
    before scoring starts, so the progress total is the number of images that will be
    read.  Results are written every ``write_every`` images; with ``keep_scores`` the
    result's ``scores`` holds :data:`OUT_COLUMNS` of the photos scored.  Finally
    ``User.beauty`` is recomputed from one source: ``beauty_source``, by default this
    model's.

    Resumable, not all-or-nothing, by design (scoring a large store takes hours): each
    written batch of scores is final and correct on its own, so a failure or Ctrl-C keeps
    the batches written so far and a re-run scores only the rest.  ``User.beauty`` is
    recomputed (in one transaction) only after every photo was scored, so it never mixes
    a half-finished run into the users.
    """
    from scoring.scorer import resolve_scorer

    if params is None:
        params = scoring_params(
            model=None if model_path is None else str(model_path),
            device=device,
            batch=batch,
            workers=workers,
            write_every=write_every,
            overwrite=overwrite,
            only_missing=only_missing,
        )
    t0 = time.perf_counter()
    if scorer is None:  # first: a missing model is reported before torch is imported
        scorer = resolve_scorer(params.model)
    from scoring.data import default_workers
    from scoring.device import resolve_device

    dev = resolve_device(params.device)
    n_workers = default_workers(dev) if params.workers is None else params.workers
    slot = slot_of_kind(getattr(scorer, "kind", "aesthetic"))
    photos, path_of, plan = _plan_store(
        store, slot, scorer.source, params, data_dir, folder, photo_ids
    )
    writer = _BatchWriter(store, params.write_every, keep_scores, slot)
    run = _carry_out(scorer, photos.ids, path_of, plan, dev, writer, params.batch, n_workers, steps)
    users = update_user_beauty(store, beauty_source or scorer.source) if update_users else {}
    return _result(photos.ids, path_of, plan, run, scorer, dev, users, keep_scores, t0)


def _plan_store(store: Store, slot: ScoreSlot, source: str, params, data_dir, folder, photo_ids):
    """``(photos, their image paths, the plan)`` of a run of ``source`` over the store's
    photos (:func:`plan_scoring`), each read from ``slot``."""
    photos = store.export_nodes("Photo", ["path", slot.value, slot.source])
    path_of = _resolve_paths(photos, Path(data_dir) if data_dir is not None else Path.cwd(), folder)
    plan = plan_scoring(
        photos.ids,
        path_of,
        photos.props[slot.value],
        photos.props[slot.source],
        source,
        photo_ids=photo_ids,
        overwrite=params.overwrite,
        only_missing=params.only_missing,
        from_folder=folder is not None,
    )
    return photos, path_of, plan


def scoring_params(**values: Any) -> ScoringParams:
    """:class:`scoring.params.ScoringParams` of ``values``; a rule it breaks is a
    :class:`UserError` naming the offending values."""
    from scoring.params import ScoringParams

    with user_errors():
        return ScoringParams(**values)


def _result(
    ids,
    paths: np.ndarray,
    plan: ScorePlan,
    run: _Scored,
    scorer,
    dev,
    users: dict,
    keep_scores: bool,
    t0: float,
) -> ScoreStoreResult:
    """The :class:`ScoreStoreResult` of a run that carried out ``plan`` (started at ``t0``)."""
    ids = np.asarray(ids, dtype=object)
    return ScoreStoreResult(
        n_photos=len(ids),
        n_selected=plan.n_selected,
        n_scored=run.writer.n_written,
        n_already=plan.n_already,
        n_kept=plan.n_kept,
        n_no_image=plan.n_no_image,
        n_missing=len(plan.missing),
        n_unreadable=len(run.skips),
        source=scorer.source,
        model=scorer.description,
        skipped=_skipped(ids, paths, plan, run),
        replaced=_replaced(plan, run),
        users=users,
        scores=_scores_frame(run.writer.written) if keep_scores else None,
        seconds=time.perf_counter() - t0,
        device=str(dev),
    )


def _skipped(ids: np.ndarray, paths: np.ndarray, plan: ScorePlan, run: _Scored) -> list:
    """``(photo_id, path, reason)`` of the missing files, then of the unreadable ones."""
    read = np.asarray(plan.read, dtype=np.int64)
    return [(str(ids[i]), str(paths[i]), "file not found") for i in plan.missing] + [
        (str(ids[read[i]]), p, why) for i, (p, why) in run.skips.items.items()
    ]


def _replaced(plan: ScorePlan, run: _Scored) -> dict[str, int]:
    """How many photos scored had a beauty from another source, by that source."""
    prev = np.asarray(plan.previous, dtype=object)[run.done]
    prev = prev[prev != None]  # noqa: E711 (elementwise on objects)
    return {str(k): int(v) for k, v in pd.Series(prev, dtype=object).value_counts().items()}
