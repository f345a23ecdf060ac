"""Reading and validating an input folder before anything is written.

Every problem is reported as ``file:line: column: problem (value)``; line numbers count
the header as line 1 (one line per record).  Validation is vectorised (Arrow compute and
pandas), so it adds little to a bulk load: id columns are dictionary-encoded once
(:func:`encode`), so that a reference check hashes each distinct id once instead of once
per row and per question, and ISO dates are parsed by Arrow's cast.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphdb.errors import GraphDBError, ValidationFailed
from graphdb.inputs import MANDATORY, SPECS, SUFFIXES, TableSpec

#: problems listed in full before "… and N more"
MAX_SHOWN = 20


@dataclass
class Problems:
    """Collects ``file:line: column: problem (value)`` messages."""

    items: list[str] = field(default_factory=list)
    #: one line each, printed once after the list (how to fix a whole class of problems)
    hints: list[str] = field(default_factory=list)

    def add(
        self, file: str, line: int | str, column: str, problem: str, value=None, suffix: str = ""
    ) -> None:
        val = "" if value is None else f" ({_show(value)})"
        self.items.append(f"{file}:{line}: {column}: {problem}{val}{suffix}")

    def hint(self, text: str) -> None:
        """Add a fix-it line shown once after the problems (duplicates ignored)."""
        if text not in self.hints:
            self.hints.append(text)

    def add_rows(
        self,
        file: str,
        frame: pd.DataFrame,
        mask: np.ndarray,
        column: str,
        problem: str,
        values: Iterable | None = None,
        suffixes: Iterable[str] | None = None,
    ) -> None:
        """One message per row where ``mask`` is true (line = row index + 2)."""
        idx = np.flatnonzero(np.asarray(mask))
        if len(idx) == 0:
            return
        vals = (
            frame[column].to_numpy() if values is None else np.asarray(list(values), dtype=object)
        )
        # keep memory bounded: only materialise what can be shown plus a count
        ends = None if suffixes is None else np.asarray(list(suffixes), dtype=object)
        for i in idx[: MAX_SHOWN * 5]:
            end = "" if ends is None else str(ends[i])
            self.add(file, int(i) + 2, column, problem, vals[i], suffix=end)
        for _ in idx[MAX_SHOWN * 5 :]:
            self.items.append(f"{file}: {column}: {problem}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items, shown=MAX_SHOWN, hints=self.hints)


def _show(value) -> str:
    text = repr(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


# -- reading -----------------------------------------------------------------------------


def find_table_files(
    folder: Path, problems: Problems, allow_extra: bool = False
) -> tuple[dict[str, Path], list[str]]:
    """The CSV or Parquet file of each known table in ``folder``, and the ignored ones.

    A ``.csv`` / ``.parquet`` file whose name is not one of the tables is a problem (a
    misnamed ``follow.csv`` would otherwise be skipped silently), or, with
    ``allow_extra``, returned in the second list so the caller can warn about it.
    """
    found: dict[str, Path] = {}
    for name in SPECS:
        csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
        if csv.exists() and parquet.exists():
            problems.add(
                f"{name}.csv", 0, "-", f"both {name}.csv and {name}.parquet exist; keep one"
            )
        elif csv.exists():
            found[name] = csv
        elif parquet.exists():
            found[name] = parquet
    extra = sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.stem not in SPECS
    )
    if extra and not allow_extra:
        for name in extra:
            close = difflib.get_close_matches(Path(name).stem, list(SPECS), n=1, cutoff=0.6)
            guess = f"; did you mean {close[0]}{Path(name).suffix}?" if close else ""
            problems.add(name, 0, "-", f"not an input file name{guess}")
        problems.hint(
            "input files are named "
            + ", ".join(f"{n}.csv" for n in SPECS)
            + " (or .parquet); rename the file, or pass --allow-extra to ignore it"
        )
    for name in MANDATORY:
        if name not in found and not any(p.startswith(f"{name}.csv") for p in problems.items):
            problems.add(f"{name}.csv", 0, "-", "missing: this file is mandatory")
    return found, (extra if allow_extra else [])


def read_table(path: Path, problems: Problems) -> pd.DataFrame | None:
    """Read one table with every column as text (Parquet keeps its types); None on error."""
    if path.suffix == ".parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a corrupt file
            problems.add(path.name, 0, "-", f"unreadable Parquet file: {exc}")
            return None
        for c in df.columns:
            if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
                df[c] = df[c].astype(object).where(df[c].notna(), "")
        return df
    raw = path.read_bytes()
    if not raw or raw.isspace():
        problems.add(path.name, 1, "-", "empty file (no header line)")
        return None
    import pyarrow as pa

    try:
        header = pd.read_csv(io.BytesIO(raw), nrows=0).columns
    except UnicodeDecodeError:
        _report_bad_utf8(path.name, raw, problems)
        return None
    except pd.errors.ParserError as exc:
        problems.add(path.name, 1, "-", f"malformed CSV header: {str(exc).strip()}")
        return None
    sep = _other_separator(str(header[0])) if len(header) == 1 else None
    if sep is not None:
        problems.add(
            path.name,
            1,
            "-",
            f"the header is one column {str(header[0])!r}: the file looks {sep!r}-separated",
        )
        problems.hint(
            "input CSV files are comma-separated; convert with "
            f"pandas.read_csv(path, sep={sep!r}).to_csv(path, index=False)"
        )
        return None
    try:
        table = _parse_csv(path.name, raw, list(header), problems)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):  # Arrow validates while converting
            _report_bad_utf8(path.name, raw, problems)
        else:
            _report_malformed(path.name, raw, len(header), str(exc), problems)
        return None
    # pandas >= 3 keeps arrow-backed strings: no per-value Python objects
    return None if table is None else table.to_pandas()


#: the environment variable that sets the largest CSV row accepted, in MB
MAX_ROW_ENV = "BEAUTYGRAPH_MAX_ROW_MB"
#: its default: far above any real row, low enough that one stray unclosed quote cannot
#: make the reader hold gigabytes in one block
DEFAULT_MAX_ROW_MB = 64
#: Arrow's default CSV block: a row must fit in one block, so larger rows raise it
_ARROW_BLOCK = 1 << 20
#: Arrow's block size is a 32-bit integer
_MAX_BLOCK = 1 << 30


def max_row_bytes() -> int:
    """The largest CSV row accepted, from ``$BEAUTYGRAPH_MAX_ROW_MB`` (default 64)."""
    text = os.environ.get(MAX_ROW_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_ROW_MB << 20
    try:
        mb = float(text)
    except ValueError:
        mb = 0.0
    if not 1 <= mb <= _MAX_BLOCK >> 20:
        raise GraphDBError(
            f"{MAX_ROW_ENV}={text!r}: give the largest CSV row to accept in MB, "
            f"from 1 to {_MAX_BLOCK >> 20}"
        )
    return int(mb * (1 << 20))


def _parse_csv(name: str, raw: bytes, header: list[str], problems: Problems):
    """Parse ``raw`` with Arrow (every column as text), or None after reporting a row
    larger than :func:`max_row_bytes`.

    Arrow needs each row within two blocks: when one straddles more, the block grows to
    twice the longest line (or doubles, for rows spread over several quoted lines) up to
    the limit.  Only then are rows measured, so a file of short rows costs nothing more.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    limit = max_row_bytes()
    block = _ARROW_BLOCK
    while True:
        try:
            return pacsv.read_csv(
                io.BytesIO(raw),
                read_options=pacsv.ReadOptions(use_threads=True, block_size=block),
                # without any quote character no value can hold a newline: faster parsing
                parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in raw),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in header},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            if "straddling" not in str(exc):
                raise
            line, longest = _longest_line(raw)
            if longest > limit or block >= limit:
                if longest <= limit:  # a row over several quoted lines
                    line, longest = _largest_record(raw)
                _report_oversized(name, line, longest, limit, problems)
                return None
            block = min(limit, max(2 * block, 2 * longest))


def _longest_line(raw: bytes) -> tuple[int, int]:
    """The longest line of ``raw``: its number (from 1) and its length in bytes."""
    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == ord("\n"))
    lengths = np.diff(np.concatenate(([-1], ends, [len(raw)]))) - 1
    i = int(lengths.argmax())
    return i + 1, int(lengths[i])


def _largest_record(raw: bytes) -> tuple[int, int]:
    """The largest CSV record of ``raw`` (Python's csv module, only on an error path):
    the line it starts on and its size in characters."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"), newline=""))
    largest, line, start = 0, 1, 1
    with _no_csv_field_limit():
        for row in reader:
            size = sum(len(cell) for cell in row) + len(row) - 1
            if size > largest:
                largest, line = size, start
            start = reader.line_num + 1
    return line, largest


def _report_oversized(name: str, line: int, size: int, limit: int, problems: Problems) -> None:
    """Report a row of ``size`` bytes with the limit and how to raise it."""
    mb, row_mb = limit / (1 << 20), size / (1 << 20)
    problems.add(
        name, line, "-", f"a row of {row_mb:.1f} MB: more than the {mb:g} MB a CSV row may hold"
    )
    problems.hint(
        f"set {MAX_ROW_ENV} (in MB, at most {_MAX_BLOCK >> 20}) to accept larger rows, e.g. "
        f"{MAX_ROW_ENV}={int(row_mb) + 1}; a row this large may also be a quote never closed"
    )


@contextlib.contextmanager
def _no_csv_field_limit() -> Iterator[None]:
    """Let Python's csv module read fields of any size (its default limit is 128 KiB)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


_SEPARATORS = (";", "\t", "|")


def _other_separator(text: str) -> str | None:
    """The separator a one-column header line seems to use instead of a comma."""
    counts = {sep: text.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def _report_malformed(name: str, raw: bytes, n_columns: int, error: str, problems: Problems):
    """Find the first record whose field count differs from the header (Python's csv
    module, only on this error path) and report its line and the separators it holds."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8", errors="replace"), newline=""))
    with _no_csv_field_limit():
        next(reader, None)
        for row in reader:
            if row and len(row) != n_columns:
                line = reader.line_num
                seps = [s for s in _SEPARATORS if any(s in cell for cell in row)]
                seen = f"; the line also holds {seps[0]!r}" if seps else ""
                problems.add(
                    name,
                    line,
                    "-",
                    f"malformed CSV: expected {n_columns} comma-separated field(s), "
                    f"got {len(row)}{seen}",
                )
                return
    problems.add(name, "?", "-", f"malformed CSV: {error.splitlines()[0]}")


def _report_bad_utf8(name: str, raw: bytes, problems: Problems) -> None:
    """Locate the first invalid UTF-8 byte (only called once Arrow has found one)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.add(name, line, "-", "not valid UTF-8 text", raw[exc.start : exc.start + 4])
    else:
        problems.add(name, "?", "-", "not valid UTF-8 text")


# -- column checks -----------------------------------------------------------------------


def check_columns(file: str, df: pd.DataFrame, spec: TableSpec, problems: Problems) -> bool:
    missing = [c for c in spec.required if c not in df.columns]
    for c in missing:
        problems.add(file, 1, c, "required column missing", list(df.columns))
    return not missing


def check_ids(
    file: str, df: pd.DataFrame, column: str, problems: Problems, duplicates: bool = True
) -> None:
    """Ids must be non-empty; within a file each id appears once (unless not
    ``duplicates``: then the caller de-duplicates)."""
    s = df[column].astype(str)
    problems.add_rows(file, df, (s.str.strip() == "").to_numpy(), column, "empty id")
    if not duplicates:
        return
    dup = s.duplicated(keep="first").to_numpy() & (s.str.strip() != "").to_numpy()
    if dup.any():
        first = s.drop_duplicates(keep="first")
        first_line = pd.Series(first.index + 2, index=first.to_numpy())
        values = [f"{v}, first at line {first_line[v]}" for v in s]
        problems.add_rows(file, df, dup, column, "duplicate id", values)


def _fast_times(values: pd.Series) -> pd.Series | None:
    """Every cell parsed by Arrow's ISO 8601 cast to seconds, when it accepts them all
    (``2024-05-01``, ``2024-05-01T12:30``, ``2024-05-01 12:30:00``: no zone, no fraction),
    else None.  It reads those as :func:`pandas.to_datetime` with ``format="ISO8601"`` does,
    refuses the calendar dates that pandas refuses (2023-02-29), and takes a fraction of
    the time of a ``strptime`` (which would turn 2023-02-29 into March 1st)."""
    import pyarrow as pa

    arr = arrow_strings(values)
    try:
        parsed = arr.cast(pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(parsed.to_pandas(), index=values.index).dt.tz_localize("UTC")


#: epoch values at or above this are not seconds (1e11 s is the year 5138)
_EPOCH_SECONDS_MAX = 10**11
_TIME_HINT = (
    "dates are ISO 8601 (2024-05-01, 2024-05-01T12:30:00Z; UTC when no offset) or integer "
    "epoch seconds; epoch milliseconds: divide by 1000 first, e.g. "
    "pandas.to_datetime(ms, unit='ms', utc=True)"
)


def parse_times(file: str, df: pd.DataFrame, column: str, problems: Problems) -> pd.Series:
    """ISO 8601 dates/date-times or integer epoch seconds → UTC timestamps.

    Empty cells are missing (NaT).  Integers (text or a numeric Parquet column) count
    seconds since 1970-01-01 UTC; values of 10^11 or more are refused (they are
    milliseconds or microseconds) with a hint on how to convert them.
    """
    if column not in df.columns:
        return pd.Series(pd.NaT, index=df.index, dtype="datetime64[us, UTC]")
    s = df[column]
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.to_datetime(s, utc=True)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        s = s.astype("Int64").astype(str).replace("<NA>", "")
    fast = _fast_times(s) if len(s) else None
    if fast is not None:
        return fast
    text = s.astype(str).str.strip()
    empty = (text == "").to_numpy()
    is_int = text.str.fullmatch(r"[+-]?\d+").fillna(False).to_numpy(dtype=bool) & ~empty
    parsed = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us, UTC]")
    iso = ~empty & ~is_int
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso], format="ISO8601", utc=True, errors="coerce")
    bad = iso & parsed.isna().to_numpy()
    if is_int.any():
        seconds = pd.to_numeric(text[is_int]).astype("float64")
        too_big = (seconds.abs() >= _EPOCH_SECONDS_MAX).to_numpy()
        ok_idx = text.index[is_int][~too_big]
        parsed[ok_idx] = pd.to_datetime(seconds[~too_big], unit="s", utc=True)
        big = np.zeros(len(df), dtype=bool)
        big[np.flatnonzero(is_int)[too_big]] = True
        problems.add_rows(
            file, df, big, column, "integer too large for epoch seconds (milliseconds?)"
        )
        if big.any():
            problems.hint(_TIME_HINT)
    problems.add_rows(file, df, bad, column, "unparsable date (expected ISO 8601)")
    if bad.any():
        problems.hint(_TIME_HINT)
    return parsed


def parse_unit_float(file: str, df: pd.DataFrame, column: str, problems: Problems) -> pd.Series:
    """Numbers in [0, 1]; empty cells are missing (NaN)."""
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    s = df[column]
    text = s.astype(str).str.strip()
    empty = (text == "") | s.isna()
    num = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad_num = (num.isna() & ~empty).to_numpy()
    problems.add_rows(file, df, bad_num, column, "not a number")
    out_of_range = ((num < 0) | (num > 1)).fillna(False).to_numpy()
    problems.add_rows(file, df, out_of_range, column, "outside [0, 1]")
    return num.astype(float)


def parse_float(file: str, df: pd.DataFrame, column: str, problems: Problems) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    text = df[column].astype(str).str.strip()
    empty = text == ""
    num = pd.to_numeric(text.where(~empty, None), errors="coerce")
    problems.add_rows(file, df, (num.isna() & ~empty).to_numpy(), column, "not a number")
    return num.astype(float)


def arrow_strings(values: pd.Series):
    """``values`` as text in an Arrow string array (no copy of arrow-backed text)."""
    import pyarrow as pa

    return pa.array(values.astype(str).array).cast(pa.string())


def value_set(known: pd.Index):
    """Known ids as an Arrow string array, built once and reused by :func:`ref_codes`."""
    import pyarrow as pa

    return pa.array(known.astype(str).to_numpy(dtype=object), type=pa.string())


def ref_codes(values: pd.Series, known) -> np.ndarray:
    """Position of each value in ``known`` (-1 when unknown), via an Arrow hash table.

    About 15x faster than ``Series.isin`` on a million string ids, and the codes double
    as integer keys for duplicate and self-loop checks.
    """

    known_set = value_set(known) if isinstance(known, pd.Index) else known
    return _lookup(arrow_strings(values), known_set)


def check_refs(
    file: str,
    df: pd.DataFrame,
    column: str,
    known,
    what: str,
    problems: Problems,
    encoded: Encoded | None = None,
) -> np.ndarray:
    """Every value of ``column`` must be a known id (in the folder or the database).

    ``known`` is a ``pd.Index`` or a prepared :func:`value_set`.  Returns the codes of
    :func:`ref_codes` (positions in ``known``, -1 if unknown).  With ``encoded`` (the
    column's :func:`encode`) each distinct value is looked up and tested for emptiness
    once, and the verdicts are spread over the rows (:meth:`Encoded.per_row`).
    """
    if encoded is None:
        s = df[column].astype(str)
        codes = ref_codes(s, known)
        empty = (s.str.strip() == "").to_numpy()
    else:
        known_set = value_set(known) if isinstance(known, pd.Index) else known
        codes = encoded.per_row(_lookup(encoded.values, known_set))
        empty = encoded.per_row(_is_blank(encoded.values))
    problems.add_rows(file, df, (codes < 0) & ~empty, column, f"unknown {what}")
    problems.add_rows(file, df, empty, column, "empty id")
    return codes


@dataclass(frozen=True)
class Encoded:
    """A text column as its distinct ``values`` (an Arrow string array) and, per row, the
    position of the row's value among them (``indices``): Arrow's dictionary encoding.

    A question about the rows (is the id known? is it blank?) is then asked once per
    distinct value and spread over the rows with :meth:`per_row`, so a million follows
    between a hundred thousand users are hashed once, not once per question.

    >>> import pandas as pd
    >>> e = encode(pd.Series(["b", "a", "b", " "]))
    >>> e.values.to_pylist(), e.indices.tolist()
    (['b', 'a', ' '], [0, 1, 0, 2])
    >>> e.per_row(np.array([10, 20, 30])).tolist()
    [10, 20, 10, 30]
    """

    values: Any
    indices: np.ndarray

    def per_row(self, per_value: np.ndarray) -> np.ndarray:
        """``per_value[i]`` for the value of every row."""
        return per_value[self.indices]


def encode(values: pd.Series) -> Encoded:
    """The :class:`Encoded` form of a column (its cells as text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = arrow_strings(values)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    dictionary = pc.dictionary_encode(text, null_encoding="encode")
    indices = dictionary.indices.to_numpy(zero_copy_only=False)
    return Encoded(dictionary.dictionary, indices)


def encode_columns(
    tables: Mapping[str, pd.DataFrame], columns: Mapping[str, Sequence[str]]
) -> dict[tuple[str, str], Encoded]:
    """:func:`encode` each ``columns[name]`` of ``tables[name]`` present there, keyed by
    ``(name, column)``.  One after the other: on two shared cores, encoding columns in
    parallel threads was measured slower (wall and CPU) than in turn."""
    return {
        (name, col): encode(tables[name][col])
        for name, cols in columns.items()
        if name in tables
        for col in cols
        if col in tables[name].columns
    }


def _lookup(values, known_set) -> np.ndarray:
    """Position of each of ``values`` in ``known_set`` (-1 when absent)."""
    import pyarrow.compute as pc

    codes = pc.index_in(values, value_set=known_set)
    return codes.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _is_blank(values) -> np.ndarray:
    """Whether each of ``values`` is empty once blanks are trimmed, as ``str.strip()``
    (Unicode whitespace) would leave it."""
    import pyarrow.compute as pc

    blank = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(values)), 0)
    return blank.fill_null(False).to_numpy(zero_copy_only=False)


def check_duplicate_codes(
    file: str,
    df: pd.DataFrame,
    cols: list[str],
    codes: list[np.ndarray],
    n: int,
    problems: Problems,
) -> None:
    """Duplicate rows by integer key (fast path of :func:`check_duplicate_pairs`)."""
    key = codes[0] * np.int64(max(n, 1)) + codes[1]
    valid = (codes[0] >= 0) & (codes[1] >= 0)
    dup = pd.Series(key).duplicated(keep="first").to_numpy() & valid  # int64 hash table
    if dup.any():
        values = (df[cols[0]].astype(str) + " -> " + df[cols[1]].astype(str)).tolist()
        problems.add_rows(file, df, dup, cols[0], "duplicate row", values)


def check_duplicate_pairs(file: str, df: pd.DataFrame, cols: list[str], problems: Problems) -> None:
    dup = df.duplicated(subset=cols, keep="first").to_numpy()
    if dup.any():
        values = (df[cols[0]].astype(str) + " -> " + df[cols[1]].astype(str)).tolist()
        problems.add_rows(file, df, dup, cols[0], "duplicate row", values)


def check_choice(
    file: str,
    df: pd.DataFrame,
    column: str,
    allowed: Iterable[str],
    problems: Problems,
    allow_empty: bool = True,
) -> None:
    if column not in df.columns:
        return
    s = df[column].astype(str)
    allowed = set(allowed)
    bad = ~s.isin(allowed).to_numpy()
    if allow_empty:
        bad &= (s.str.strip() != "").to_numpy()
    problems.add_rows(file, df, bad, column, f"not one of the allowed values ({len(allowed)})")


def check_domains(file: str, df: pd.DataFrame, column: str, problems: Problems) -> pd.Series:
    """BabelNet domain names → canonical spelling (case and punctuation ignored).

    Empty cells stay empty; a name that matches none of the 34 is a problem with the
    nearest name as a suggestion and a hint on where the list is.
    """
    from kernel import vocabulary as voc

    s = df[column].astype(str)
    distinct = pd.unique(s)
    canon = {v: voc.canonical_domain(v) for v in distinct}
    out = s.map(canon)
    empty = (s.str.strip() == "").to_numpy()
    bad = out.isna().to_numpy() & ~empty
    if bad.any():
        guesses = {v: voc.suggest_domain(v) for v in distinct if canon[v] is None}
        ends = [f"; did you mean {guesses[v]!r}?" if guesses.get(v) else "" for v in s.to_numpy()]
        problems.add_rows(
            file,
            df,
            bad,
            column,
            f"not one of the allowed values ({len(voc.BABELNET_DOMAINS)})",
            suffixes=ends,
        )
        problems.hint(f"the 34 BabelNet domains are listed in {voc.WHERE_LISTED}")
    return out.where(~empty, None)
