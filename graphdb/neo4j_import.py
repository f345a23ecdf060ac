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
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from graphdb import schema
from graphdb.errors import GraphDBError
from graphdb.tables import LoadCounts

_HEADER_TYPES = {"STRING": "", "DOUBLE": ":double", "INT64": ":long", "TIMESTAMP": ":datetime"}
_ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"


def admin_command(neo4j_home: Path) -> list[str]:
    """``bin/neo4j-admin`` when the installation has it, else the admin class on java."""
    script = neo4j_home / "bin" / "neo4j-admin"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    if not (neo4j_home / "lib").is_dir():
        raise GraphDBError(f"{str(neo4j_home)!r} is not a Neo4j installation (no bin/ or lib/)")
    java = shutil.which("java")
    if os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java").exists():
        java = str(Path(os.environ["JAVA_HOME"], "bin", "java"))
    if java is None:
        raise GraphDBError("java not found: the Neo4j importer needs Java 17 or 21")
    return [java, "-XX:+UseParallelGC", "-cp", str(neo4j_home / "lib" / "*"), _ADMIN_CLASS]


def _csv_value(series: pd.Series, logical_type: str) -> pd.Series:
    if logical_type == "TIMESTAMP":
        ts = pd.to_datetime(series, utc=True)
        return ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(ts.notna(), None)
    return series


def write_import_files(frames: dict[str, pd.DataFrame], folder: Path) -> list[str]:
    """Importer CSV files for ``frames`` (as :func:`graphdb.loader.read_folder` returns
    them) in ``folder``; returns the ``--nodes=…`` / ``--relationships=…`` arguments."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    args: list[str] = []
    for key, frame in frames.items():
        if len(frame) == 0:
            continue
        if key in schema.NODE_PROPS:
            cols = [c for c in frame.columns if c != "id"]
            header = [f"id:ID({key})"] + [
                f"{c}{_HEADER_TYPES[schema.prop_type(key, c)]}" for c in cols
            ]
            data = {"id": frame["id"].astype(str)}
            data.update({c: _csv_value(frame[c], schema.prop_type(key, c)) for c in cols})
            flag = "--nodes"
        else:
            a, b = schema.REL_ENDPOINTS[key]
            cols = [c for c in frame.columns if c not in ("src", "dst")]
            header = [f":START_ID({a})", f":END_ID({b})"] + [
                f"{c}{_HEADER_TYPES[schema.prop_type(key, c)]}" for c in cols
            ]
            data = {"src": frame["src"].astype(str), "dst": frame["dst"].astype(str)}
            data.update({c: _csv_value(frame[c], schema.prop_type(key, c)) for c in cols})
            flag = "--relationships"
        head = folder / f"{key}.header.csv"
        body = folder / f"{key}.csv"
        head.write_text(",".join(header) + "\n", encoding="utf-8")
        table = pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False)
        table = table.cast(pa.schema([pa.field(n, pa.string()) for n in table.column_names]))
        pacsv.write_csv(table, body, pacsv.WriteOptions(include_header=False))
        args.append(f"{flag}={key}={head},{body}")
    return args


def import_initial(
    frames: dict[str, pd.DataFrame],
    neo4j_home: str | os.PathLike,
    neo4j_conf: str | os.PathLike | None = None,
    database: str = "neo4j",
    overwrite: bool = False,
    workdir: str | os.PathLike | None = None,
) -> LoadCounts:
    """Import validated ``frames`` into the offline database ``database``.

    Raises :class:`GraphDBError` with the importer's own reason (e.g. the database is in
    use because the server is running, or it exists and ``overwrite`` is False).
    """
    home = Path(neo4j_home)
    env = dict(os.environ, NEO4J_HOME=str(home))
    if neo4j_conf is not None:
        env["NEO4J_CONF"] = str(neo4j_conf)
    multiline = any(
        frame[c].astype(str).str.contains("\n", regex=False).any()
        for frame in frames.values()
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    )
    with tempfile.TemporaryDirectory(dir=workdir, prefix="beautygraph-import-") as tmp:
        files = write_import_files(frames, Path(tmp))
        cmd = [
            *admin_command(home),
            "database",
            "import",
            "full",
            database,  # before the file lists, which take several values
            f"--overwrite-destination={'true' if overwrite else 'false'}",
            f"--multiline-fields={'true' if multiline else 'false'}",
            f"--report-file={Path(tmp) / 'import.report'}",
            *files,
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp)
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
) -> LoadCounts:
    """Validate ``folder`` completely (nothing is written on any problem), then import it
    into the offline, empty database ``database`` (see the module docstring)."""
    from graphdb.loader import read_folder

    frames = read_folder(Path(folder), None)
    return import_initial(frames, neo4j_home, neo4j_conf, database=database, overwrite=overwrite)
