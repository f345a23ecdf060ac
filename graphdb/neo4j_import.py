"""First load of an empty Neo4j database with the offline importer (``load --initial``).

``neo4j-admin database import full`` writes the store files directly instead of running
one transaction per batch; for 100k users / 1M follows it is several times faster than
any online (Bolt) loader measured in ``bench/bench_load.py``.  It needs what the online
loader does not:

- the server's own installation (``NEO4J_HOME``, for ``bin/neo4j-admin`` or the admin
  classes in ``lib/``) and its configuration folder (``NEO4J_CONF``, for the data paths);
- the database offline: in the community edition, stop the server, import, start it
  again (a new database name would need ``CREATE DATABASE``, an enterprise feature);
- an empty or missing database; ``overwrite=True`` replaces an existing one.

The input is validated exactly as for the online loader (:func:`graphdb.loader.read_folder`)
before anything is written; the frames are then written as importer CSV files (one header
file and one data file per label and type).  Constraints and indexes are created by the
first ``graphdb.connect`` after the server is started again.

Most of a small import's time is fixed cost, so the importer runs in one JVM straight from
``lib/`` (not through the launcher, which starts a second JVM) and maps a class-data archive
written by its first run (:func:`class_archive_path`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from graphdb import schema
from graphdb.errors import GraphDBError
from graphdb.tables import LoadCounts
from kernel.steps import Steps, as_steps

_HEADER_TYPES = {
    "STRING": "",
    "DOUBLE": ":double",
    "INT64": ":long",
    # values are written as UTC wall-clock time without an offset: the header's zone makes
    # them the same ``datetime`` (offset Z) the online loader stores, whatever the server's
    # ``db.temporal.timezone`` is
    "TIMESTAMP": ":datetime{timezone:Z}",
}
_ADMIN_TOOL = "org.neo4j.cli.AdminTool"
DEFAULT_HEAP = "1g"


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


def class_archive_path(neo4j_home: Path, java: str) -> Path:
    """Where the importer's class-data archive for this installation and JVM is kept.

    Starting the admin tool loads and verifies several thousand classes from ~240 jars,
    seconds of CPU on a small machine; a JVM class-data-sharing archive (``-XX:SharedArchiveFile``)
    maps them instead.  The key covers the installation's jars and the ``java`` binary, so a
    new Neo4j or JVM gets a new archive.  ``$BEAUTYGRAPH_CACHE`` (default
    ``$XDG_CACHE_HOME/beautygraph`` or ``~/.cache/beautygraph``) holds it.
    """
    jars = sorted((neo4j_home / "lib").glob("*.jar"))
    key = hashlib.sha256()
    for item in [Path(java).resolve(), *jars]:
        st = item.stat()
        key.update(f"{item}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    root = os.environ.get("BEAUTYGRAPH_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "beautygraph"
    )
    return Path(root) / f"neo4j-admin-{key.hexdigest()[:16]}.jsa"


class ArchiveWrite(NamedTuple):
    """A class archive the admin JVM writes at ``pending``; ``final`` once it succeeded."""

    pending: Path
    final: Path


def admin_command(
    neo4j_home: Path, heap: str = DEFAULT_HEAP, class_cache: bool = True
) -> tuple[list[str], ArchiveWrite | None]:
    """The command line that runs ``neo4j-admin``, and the class archive it will write.

    The admin tool runs in one JVM, straight from the installation's ``lib/`` (the
    ``bin/neo4j-admin`` launcher starts a second JVM for it), with ``heap`` as ``-Xmx``; with
    ``class_cache`` it maps the class archive of :func:`class_archive_path`, or writes it
    when there is none yet (the second element of the result: move ``pending`` to ``final``
    after a successful run).  Without ``java`` or ``lib/`` it falls back to
    ``bin/neo4j-admin``.
    """
    lib = neo4j_home / "lib"
    java = _java()
    if not lib.is_dir() or java is None:
        script = neo4j_home / "bin" / "neo4j-admin"
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script)], None
        if not lib.is_dir():
            raise GraphDBError(f"{str(neo4j_home)!r} is not a Neo4j installation (no bin/ or lib/)")
        raise GraphDBError("java not found: the Neo4j importer needs Java 17 or 21")
    if not re.fullmatch(r"[0-9]+[kmgKMG]?", heap):
        raise GraphDBError(f"importer heap {heap!r}: expected a JVM size such as 1g or 4096m")
    flags = [f"-Xmx{heap}", "-XX:+UseParallelGC"]
    write = None
    if class_cache:
        archive = class_archive_path(neo4j_home, java)
        if archive.is_file():
            flags += [f"-XX:SharedArchiveFile={archive}", "-Xshare:auto"]
        else:
            archive.parent.mkdir(parents=True, exist_ok=True)
            write = ArchiveWrite(archive.with_name(f"{archive.stem}.{os.getpid()}.tmp"), archive)
            flags.append(f"-XX:ArchiveClassesAtExit={write.pending}")
    return [java, *flags, "-cp", str(lib / "*"), _ADMIN_TOOL], write


def _csv_column(series: pd.Series, logical_type: str) -> pa.Array:
    """One column as importer text; missing values stay empty (no property)."""
    if logical_type == "TIMESTAMP":
        ts = pd.to_datetime(series, utc=True)
        missing = ts.isna().to_numpy()
        return iso_seconds(ts.dt.tz_localize(None).to_numpy("datetime64[s]"), missing)
    return pa.array(series, from_pandas=True).cast(pa.string())


#: from this instant on Arrow and numpy write the same text (before it, years are negative)
_YEAR_ZERO = np.datetime64("0000-01-01T00:00:00", "s")


def iso_seconds(seconds: np.ndarray, missing: np.ndarray) -> pa.Array:
    """``YYYY-MM-DDThh:mm:ss`` text of ``datetime64[s]`` values, null where ``missing``.

    Arrow's cast to text (with its date-time space made a ``T``) is several times faster
    than numpy's ``datetime_as_string``; a column with a year before 0 keeps numpy's text
    (Arrow pads a negative year to four digits, numpy does not).

    >>> t = np.array(["2024-05-01T12:30:00", "NaT"], dtype="datetime64[s]")
    >>> iso_seconds(t, np.isnat(t)).to_pylist()
    ['2024-05-01T12:30:00', None]
    """
    import pyarrow.compute as pc

    if (seconds[~missing] < _YEAR_ZERO).any():
        return pa.array(np.datetime_as_string(seconds, unit="s"), type=pa.string(), mask=missing)
    text = pa.array(seconds, mask=missing).cast(pa.string())
    return pc.replace_substring(text, " ", "T", max_replacements=1)


def write_import_files(frames: dict[str, pd.DataFrame], folder: Path) -> tuple[list[str], bool]:
    """Importer CSV files for ``frames`` (as :func:`graphdb.loader.read_folder` returns
    them) in ``folder``; returns the ``--nodes=…`` / ``--relationships=…`` arguments and
    whether any value holds a line break (the importer's ``--multiline-fields``)."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    args: list[str] = []
    multiline = False
    for key, frame in frames.items():
        if len(frame) == 0:
            continue
        if key in schema.NODE_PROPS:
            keys = ["id"]
            header = [f"id:ID({key})"]
            flag = "--nodes"
        else:
            a, b = schema.REL_ENDPOINTS[key]
            keys = ["src", "dst"]
            header = [f":START_ID({a})", f":END_ID({b})"]
            flag = "--relationships"
        cols = [c for c in frame.columns if c not in keys]
        header += [f"{c}{_HEADER_TYPES[schema.prop_type(key, c)]}" for c in cols]
        types = ["STRING"] * len(keys) + [schema.prop_type(key, c) for c in cols]
        columns = [_csv_column(frame[c], t) for c, t in zip([*keys, *cols], types, strict=True)]
        multiline = multiline or any(  # only text can hold a line break
            pc.any(pc.match_substring(col, "\n")).as_py()
            for col, t in zip(columns, types, strict=True)
            if t == "STRING"
        )
        head = folder / f"{key}.header.csv"
        body = folder / f"{key}.csv"
        head.write_text(",".join(header) + "\n", encoding="utf-8")
        table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
        pacsv.write_csv(table, body, pacsv.WriteOptions(include_header=False))
        args.append(f"{flag}={key}={head},{body}")
    return args, multiline


def import_initial(
    frames: dict[str, pd.DataFrame],
    neo4j_home: str | os.PathLike,
    neo4j_conf: str | os.PathLike | None = None,
    database: str = "neo4j",
    overwrite: bool = False,
    workdir: str | os.PathLike | None = None,
    heap: str = DEFAULT_HEAP,
    class_cache: bool = True,
    steps: Steps | None = None,
) -> LoadCounts:
    """Import validated ``frames`` into the offline database ``database``.

    ``steps`` gets an ``importer files`` stage (writing the CSV files) and an ``importer``
    stage (the ``neo4j-admin`` process).

    ``heap`` is the importer JVM's ``-Xmx``; ``class_cache`` maps (or, the first time,
    writes) its class-data archive (:func:`admin_command`).  Raises :class:`GraphDBError`
    with the importer's own reason (e.g. the database is in use because the server is
    running, or it exists and ``overwrite`` is False).
    """
    home = Path(neo4j_home)
    env = dict(os.environ, NEO4J_HOME=str(home))
    if neo4j_conf is not None:
        env["NEO4J_CONF"] = str(neo4j_conf)
    steps = as_steps(steps)
    admin, archive = admin_command(home, heap=heap, class_cache=class_cache)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="beautygraph-import-") as tmp:
        with steps("importer files", total=1) as stage:
            files, multiline = write_import_files(frames, Path(tmp))
            stage.advance()
        cmd = [
            *admin,
            "database",
            "import",
            "full",
            database,  # before the file lists, which take several values
            f"--overwrite-destination={'true' if overwrite else 'false'}",
            f"--multiline-fields={'true' if multiline else 'false'}",
            f"--report-file={Path(tmp) / 'import.report'}",
            *files,
        ]
        with steps("importer", total=1) as stage:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp)
            stage.advance()
    if archive is not None:
        if proc.returncode == 0 and archive.pending.is_file():
            archive.pending.replace(archive.final)
        else:
            archive.pending.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise GraphDBError(f"the Neo4j importer failed: {_importer_reason(proc)}")
    nodes = {k: len(f) for k, f in frames.items() if k in schema.NODE_PROPS}
    rels = {k: len(f) for k, f in frames.items() if k in schema.REL_ENDPOINTS}
    return LoadCounts(nodes=nodes, relationships=rels)


def _importer_reason(proc: subprocess.CompletedProcess) -> str:
    """The importer's most telling line (it prints stack traces after its message)."""
    lines = [ln.strip() for ln in (proc.stderr + "\n" + proc.stdout).splitlines() if ln.strip()]
    for ln in lines:
        low = ln.lower()
        if ln.startswith("at ") or low.startswith("caused by"):
            continue
        if any(w in low for w in ("exist", "in use", "lock", "error", "failed", "exception")):
            return ln[:300]
    return (lines[-1] if lines else f"exit status {proc.returncode}")[:300]


def load_folder_initial(
    folder: str | os.PathLike,
    neo4j_home: str | os.PathLike,
    neo4j_conf: str | os.PathLike | None = None,
    database: str = "neo4j",
    overwrite: bool = False,
    heap: str = DEFAULT_HEAP,
    class_cache: bool = True,
    steps: Steps | None = None,
) -> LoadCounts:
    """Validate ``folder`` completely (nothing is written on any problem), then import it
    into the offline, empty database ``database`` (see the module docstring).

    ``steps`` gets the loader's ``validate`` stage and those of :func:`import_initial`."""
    from graphdb.loader import read_folder

    frames = read_folder(Path(folder), None, steps=steps)
    return import_initial(
        frames,
        neo4j_home,
        neo4j_conf,
        database=database,
        overwrite=overwrite,
        heap=heap,
        class_cache=class_cache,
        steps=steps,
    )
