"""``beautygraph query``: named statements, ``.cypher`` files and ad-hoc Cypher.

Read-only unless ``--write``: on Neo4j the statement runs in a read transaction (the server
refuses any write); the embedded store is opened read-only and the statement is scanned for
write clauses first (:func:`cypher.write_clause`), so the refusal is one clear line.

Whatever a statement returns is printed: lists, maps, nodes (labels and properties),
relationships (type, properties, endpoint ids) and paths, the same on both backends
(:mod:`graphdb.values`).  A script of several ``;``-separated statements prints the result
of each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from beautygraph.clikit import echo_json, main, pass_app
from beautygraph.errors import UserError
from graphdb.errors import GraphDBError

if TYPE_CHECKING:
    from graphdb.base import Store


def _parse_param(text: str) -> tuple[str, object]:
    import json

    if "=" not in text:
        raise click.BadParameter(f"expected k=v, got {text!r}", param_hint="--param")
    key, value = text.split("=", 1)
    if not key.isidentifier():
        raise click.BadParameter(f"invalid parameter name {key!r}", param_hint="--param")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def _parse_params(texts: tuple[str, ...]) -> dict[str, object]:
    """``-p k=v`` options as a dict; a parameter given twice is an error (the last one
    would otherwise win without a word)."""
    values: dict[str, object] = {}
    given: dict[str, str] = {}
    for text in texts:
        key, value = _parse_param(text)
        if key in values:
            raise UserError(
                f"parameter {key!r} given twice (-p {given[key]}, -p {text}): give it once"
            )
        values[key], given[key] = value, text
    return values


# -- what to run ---------------------------------------------------------------------------


def _file(target: str) -> Path | None:
    """The ``.cypher`` file ``target`` names: a path from the working directory, else a
    shipped file by name or repository path (:func:`cypher.shipped_file`); None when
    ``target`` names no file."""
    import cypher

    path = Path(target)
    if path.suffix == ".cypher" and path.is_file():
        return path
    return cypher.shipped_file(target)


def _statements(target: str | None, text: str | None, dialect: str) -> tuple[str, list[str]]:
    """(title, statements) for a named statement, a .cypher file or --cypher text."""
    import cypher

    if text is not None:
        return "query", cypher.split_statements(text)
    assert target is not None
    if target in cypher.names():
        return target, [cypher.load(target, dialect)]
    path = _file(target)
    if path is None:
        what = "file" if target.endswith(".cypher") or "/" in target else "statement or file"
        raise UserError(f"no Cypher {what} named {target!r}; beautygraph query --list shows them")
    reason = cypher.neo4j_only(path)
    if reason and dialect != "neo4j":
        raise UserError(f"{path.name} runs on Neo4j only: {reason}")
    source = cypher.dialect_file(path, dialect) if dialect else path
    body = cypher.strip_comments(source.read_text(encoding="utf-8"))
    return path.name, cypher.split_statements(body)


def _check_params(statements: list[str], values: dict) -> None:
    """Every ``$parameter`` given, and no ``-p`` that no statement uses."""
    import cypher

    used = list(dict.fromkeys(p for s in statements for p in cypher.parameters(s)))
    missing = [p for p in used if p not in values]
    if missing:
        uses = ", ".join(f"${p}" for p in used)
        raise UserError(
            f"missing parameter ${missing[0]}: pass -p {missing[0]}=VALUE (the statement uses {uses})"
        )
    unused = [k for k in values if k not in used]
    if unused:
        uses = ", ".join(f"${p}" for p in used) or "no parameters"
        raise UserError(f"unknown parameter {unused[0]!r}: the statement uses {uses}")


# -- running -------------------------------------------------------------------------------

_NO_PROPERTY = re.compile(r"Cannot find property (\w+) for (\w+)")


def _schema_hint(message: str, statement: str) -> str | None:
    """For the embedded store's "Cannot find property P for V": one line saying that its
    schema is fixed and naming the properties V's label has (all labels' when the
    statement does not say V's label)."""
    from graphdb import schema

    m = _NO_PROPERTY.search(message)
    if m is None:
        return None
    prop, var = m.groups()
    tables = {**schema.NODE_PROPS, **schema.REL_PROPS}
    bound = re.search(rf"[(\[]\s*{re.escape(var)}\s*:\s*(\w+)", statement)
    label = bound.group(1) if bound and bound.group(1) in tables else None
    head = (
        f"the embedded store's schema is fixed (graphdb/schema.py): {var} has no property {prop!r}"
    )
    tail = " (a Neo4j store takes new properties)"
    if label is not None:
        names = ", ".join(tables[label]) or "none"
        return f"{head}; {label} properties: {names}{tail}"
    listing = "; ".join(f"{t}: {', '.join(p) or 'none'}" for t, p in tables.items())
    return f"{head}; properties: {listing}{tail}"


def _run(store: Store, statements: list[str], values: dict, write: bool) -> list[list[dict]]:
    """The rows of every statement, in order (values as :mod:`graphdb.values` gives)."""
    import cypher

    results = []
    for i, stmt in enumerate(statements, 1):
        used = {k: values[k] for k in cypher.parameters(stmt)}
        try:
            rows = store.query_values(stmt, used) if write else store.query_read(stmt, used)
        except GraphDBError as exc:
            where = f"statement {i} of {len(statements)}: " if len(statements) > 1 else ""
            hint = _schema_hint(str(exc), stmt) if store.dialect == "ladybug" else None
            if hint is not None:
                raise UserError(where + hint) from None
            if where:
                raise GraphDBError(where + str(exc)) from exc
            raise
        results.append(rows)
    return results


# -- output --------------------------------------------------------------------------------


def _print_table(title: str | None, rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    from graphdb import values

    table = Table(title=title)
    keys = list(rows[0]) if rows else []
    for k in keys:
        table.add_column(k)
    for r in rows:
        table.add_row(*(values.cell(r[k]) for k in keys))
    Console().print(table)
    click.echo(f"{len(rows)} row(s)")


@dataclass(frozen=True)
class QueryResult:
    """The rows of every statement of one run, in order (values as :mod:`graphdb.values`
    gives them); ``title`` names what ran (the statement or file, or ``query``)."""

    title: str
    statements: tuple[str, ...]
    results: tuple[list[dict], ...]

    def to_json(self) -> list:
        """One statement: its rows.  Several: ``[{statement, text, rows}]``, numbered
        from 1."""
        from graphdb import values

        if len(self.results) == 1:
            return values.to_json(self.results[0])
        return [
            {"statement": i, "text": s, "rows": values.to_json(rows)}
            for i, (s, rows) in enumerate(zip(self.statements, self.results, strict=True), 1)
        ]


def _print(result: QueryResult) -> None:
    """One statement: its rows as a table.  Several: one table each, under a header line."""
    title, results = result.title, result.results
    if len(results) == 1:
        _print_table(title, results[0])
        return
    for i, (stmt, rows) in enumerate(zip(result.statements, results, strict=True), 1):
        # a plain header line: a rich table title would wrap to the table's width
        first = " ".join(stmt.split())
        first = first if len(first) <= 60 else first[:59] + "…"
        click.echo(f"{'' if i == 1 else chr(10)}{title} ({i}/{len(results)}): {first}")
        _print_table(None, rows)


@dataclass(frozen=True)
class StatementList:
    """``query --list``: the named statements and the saved Browser files, each with its
    parameters and description (a file also with why it runs on Neo4j only, or None)."""

    named: tuple[dict[str, Any], ...]
    files: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        """``{named: [{name, parameters, description}], files: [{…, neo4j_only}]}``."""
        return {"named": list(self.named), "files": list(self.files)}


def _statement_list() -> StatementList:
    import cypher

    named = tuple(
        {
            "name": n,
            "parameters": cypher.parameters(cypher.load(n)),
            "description": cypher.description(n),
        }
        for n in cypher.names()
    )
    files = tuple(
        {
            "name": f"cypher/browser/{f.name}",
            "parameters": cypher.parameters(f.read_text(encoding="utf-8")),
            "description": cypher.description(f),
            "neo4j_only": cypher.neo4j_only(f),
        }
        for f in cypher.browser_files()
    )
    return StatementList(named, files)


def _list(json_mode: bool) -> None:
    listing = _statement_list()
    if json_mode:
        echo_json(listing.to_json())
        return
    click.echo("Named statements (beautygraph query NAME -p k=v):")
    for e in listing.named:
        params = " ".join(f"${p}" for p in e["parameters"])
        click.echo(f"  {e['name']:<22} {params}")
        click.echo(f"      {e['description']}")
    click.echo(
        "Files (beautygraph query FILE.cypher -p k=v, or by name: query 03_topic_authorities):"
    )
    for file in listing.files:
        params = " ".join(f"${p}" for p in file["parameters"] or [])
        click.echo(f"  {file['name']:<45} {params}")
        click.echo(f"      {file['description']}")
        if file["neo4j_only"]:
            click.echo(f"      Neo4j only: {file['neo4j_only']}")


@main.command()
@click.argument("target", required=False, metavar="[NAME | FILE.cypher]")
@click.option("--cypher", "text", default=None, help="Run this Cypher text instead.")
@click.option("--param", "-p", "params", multiple=True, help="k=v (v parsed as JSON if it can be).")
@click.option("--write", is_flag=True, help="Allow statements that write.")
@click.option(
    "--list", "list_names", is_flag=True, help="List named statements and files, with parameters."
)
@click.option("--json", "json_mode", is_flag=True, help="Print rows as JSON.")
@pass_app
def query(
    app,
    target: str | None,
    text: str | None,
    params: tuple[str, ...],
    write: bool,
    list_names: bool,
    json_mode: bool,
) -> None:
    """Run a named statement (cypher/NAME.cypher), a .cypher file, or --cypher TEXT.

    Read-only unless --write: Neo4j runs the statement in a read transaction; the
    embedded database is opened read-only and statements with a write clause are
    refused.  Every $parameter must be given with -p, once.  Lists, maps, nodes and
    relationships print as JSON values (--json) or readable cells.  Several statements
    separated by ';' print one result each (--json: a list of {statement, text, rows});
    with --write they run in one transaction: a failing statement leaves nothing written.
    The saved Browser queries run by name from any directory.  Examples:

      beautygraph query user_info -p user=u000001

      beautygraph query 03_topic_authorities -p topic=food

      beautygraph query --cypher 'MATCH (u:User) RETURN count(u) AS users'
    """
    if list_names:
        _list(json_mode)
        return
    if (target is None) == (text is None):
        raise click.UsageError("give NAME, FILE.cypher or --cypher TEXT (one of them); --list")
    values = _parse_params(params)
    store = app.store(read_only=not write)
    title, statements = _statements(target, text, store.dialect)
    if not statements:
        raise UserError("no statement to run (the text holds only comments)")
    _check_params(statements, values)
    if write:
        # a script that writes is all or nothing, like every other writing command
        with store.atomic():
            results = _run(store, statements, values, write)
    else:
        results = _run(store, statements, values, write)
    result = QueryResult(title, tuple(statements), tuple(results))
    if json_mode:
        echo_json(result.to_json())
    else:
        _print(result)
