"""The plan of a ``score beauty`` run (:func:`beautygraph.pipelines.scoring.plan_scoring`):
which photos it reads, which it leaves alone and why, on hand-worked stores of a few
photos.  No store, no model, no files: ``is_file`` says which image files exist."""

from __future__ import annotations

import math

from beautygraph.pipelines.scoring import ScorePlan, plan_scoring

NAN = math.nan


def _plan(rows, source="brisque", files=None, **kw) -> tuple[ScorePlan, list[str]]:
    """Plan over ``rows`` of ``(id, path, beauty, beauty_source)``; ``files``: the paths
    that exist (default: every path).  Returns the plan and the paths ``is_file`` was asked."""
    asked: list[str] = []

    def is_file(p: str) -> bool:
        asked.append(p)
        return files is None or p in files

    ids, paths, beauty, sources = (list(col) for col in zip(*rows, strict=True))
    return plan_scoring(ids, paths, beauty, sources, source, is_file=is_file, **kw), asked


def _ids(plan: ScorePlan, rows, which: str) -> list[str]:
    return [rows[i][0] for i in getattr(plan, which)]


# a store of six photos, one of each kind a run meets
ROWS = [
    ("new", "new.jpg", NAN, None),  # never scored: read
    ("noimg", None, NAN, None),  # no image (empty path): not a failure
    ("mine", "mine.jpg", 0.4, "brisque"),  # already scored by this source
    ("input", "input.jpg", 0.7, "input"),  # a beauty from another source
    ("nosrc", "nosrc.jpg", 0.2, None),  # a beauty of unknown source
    ("mine_noimg", None, 0.3, "brisque"),  # scored by this source, image gone since
]


def test_default_run_reads_new_and_other_sources_and_skips_its_own():
    plan, asked = _plan(ROWS)
    assert _ids(plan, ROWS, "read") == ["new", "input", "nosrc"]
    assert plan.previous == (None, "input", "unknown")
    assert plan.missing == ()
    # "mine_noimg" has no path: it counts as no image, not as already scored
    assert (plan.n_selected, plan.n_already, plan.n_kept, plan.n_no_image) == (6, 1, 0, 2)
    # files are checked only for the photos that would be read
    assert asked == ["new.jpg", "input.jpg", "nosrc.jpg"]


def test_overwrite_rescores_own_photos_without_counting_them_replaced():
    plan, _ = _plan(ROWS, overwrite=True)
    assert _ids(plan, ROWS, "read") == ["new", "mine", "input", "nosrc"]
    assert plan.previous == (None, None, "input", "unknown")
    assert (plan.n_already, plan.n_kept) == (0, 0)


def test_only_missing_keeps_every_beauty_of_any_source():
    plan, _ = _plan(ROWS, only_missing=True)
    assert _ids(plan, ROWS, "read") == ["new"]
    assert plan.previous == (None,)
    assert (plan.n_already, plan.n_kept, plan.n_no_image) == (1, 2, 2)


def test_missing_files_are_listed_and_not_read():
    plan, _ = _plan(ROWS, files={"input.jpg"})
    assert _ids(plan, ROWS, "read") == ["input"]
    assert _ids(plan, ROWS, "missing") == ["new", "nosrc"]
    assert plan.previous == ("input",)


def test_photo_ids_restrict_every_count():
    plan, asked = _plan(ROWS, photo_ids=["mine", "noimg", "input", "not-a-photo"])
    assert _ids(plan, ROWS, "read") == ["input"]
    assert (plan.n_selected, plan.n_already, plan.n_kept, plan.n_no_image) == (3, 1, 0, 1)
    assert asked == ["input.jpg"]


def test_images_from_a_folder_count_no_photo_as_without_image():
    plan, _ = _plan(ROWS, from_folder=True)
    assert plan.n_no_image == 0
    assert _ids(plan, ROWS, "read") == ["new", "input", "nosrc"]


def test_another_model_replaces_this_sources_scores():
    plan, _ = _plan(ROWS, source="cnn:abc")
    assert _ids(plan, ROWS, "read") == ["new", "mine", "input", "nosrc"]
    assert plan.previous == (None, "brisque", "input", "unknown")
    assert plan.n_already == 0


def test_nothing_to_do():
    plan, asked = _plan([("a", "a.jpg", 0.5, "brisque")])
    assert plan == ScorePlan((), (), (), n_selected=1, n_already=1, n_kept=0, n_no_image=0)
    assert asked == []


def test_photo_ids_restrict_the_kept_count():
    plan, _ = _plan(ROWS, photo_ids=["new", "input"], only_missing=True)
    assert _ids(plan, ROWS, "read") == ["new"]
    # "nosrc" and "mine" keep their beauty too, but they were not asked for
    assert (plan.n_selected, plan.n_already, plan.n_kept) == (2, 0, 1)
