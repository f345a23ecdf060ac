"""``beautygraph query``: named statements, ``.cypher`` files and ad-hoc Cypher.

Read-only unless ``--write``: on Neo4j the statement runs in a read transaction (the server
refuses any write); the embedded store is opened read-only and the statement is scanned for
write clauses first (:func:`cypher.write_clause`), so the refusal is one clear line.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import click

from beautygraph.clikit import echo_json, main, pass_app
from beautygraph.errors import UserError


def _parse_param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise click.BadParameter(f"expected k=v, got {text!r}", param_hint="--param")
    key, value = text.split("=", 1)
    if not key.isidentifier():
        raise click.BadParameter(f"invalid parameter name {key!r}", param_hint="--param")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def _plain(value):
    """A result value as strict JSON: NaN/inf → null, times → ISO 8601, nodes → dicts."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _statements(target: str | None, text: str | None, dialect: str) -> tuple[str, list[str]]:
    """(title, statements) for a named statement, a .cypher file or --cypher text."""
    import cypher

    if text is not None:
        return "query", cypher.split_statements(text)
    assert target is not None
    if target.endswith(".cypher") or "/" in target or "\\" in target:
        path = Path(target)
        if not path.is_file():
            raise UserError(f"no such Cypher file: {target}")
        body = cypher.strip_comments(path.read_text(encoding="utf-8"))
        return path.name, cypher.split_statements(body)
    try:
        return target, [cypher.load(target, dialect)]
    except cypher.UnknownStatement as exc:
        raise UserError(str(exc)) from None


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


def _list(json_mode: bool) -> None:
    import cypher

    entries = [
        {
            "name": n,
            "parameters": cypher.parameters(cypher.load(n)),
            "description": cypher.description(n),
        }
        for n in cypher.names()
    ]
    files = [
        {
            "name": f"cypher/browser/{f.name}",
            "parameters": cypher.parameters(f.read_text(encoding="utf-8")),
            "description": cypher.description(f),
        }
        for f in cypher.browser_files()
    ]
    if json_mode:
        echo_json({"named": entries, "files": files})
        return
    click.echo("Named statements (beautygraph query NAME -p k=v):")
    for e in entries:
        params = " ".join(f"${p}" for p in e["parameters"])
        click.echo(f"  {e['name']:<22} {params}")
        click.echo(f"      {e['description']}")
    click.echo("Files (beautygraph query FILE.cypher -p k=v):")
    for e in files:
        params = " ".join(f"${p}" for p in e["parameters"])
        click.echo(f"  {e['name']:<45} {params}")
        click.echo(f"      {e['description']}")


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
    refused.  Every $parameter must be given with -p.  Examples:

      beautygraph query user_info -p user=u000001

      beautygraph query cypher/browser/03_topic_authorities.cypher -p topic=food

      beautygraph query --cypher 'MATCH (u:User) RETURN count(u) AS users'
    """
    if list_names:
        _list(json_mode)
        return
    if (target is None) == (text is None):
        raise click.UsageError("give NAME, FILE.cypher or --cypher TEXT (one of them); --list")
    store = app.store(read_only=not write)
    title, statements = _statements(target, text, store.dialect)
    if not statements:
        raise UserError("no statement to run (the text holds only comments)")
    values = dict(_parse_param(p) for p in params)
    _check_params(statements, values)
    import cypher

    rows: list[dict] = []
    for stmt in statements:
        used = {k: values[k] for k in cypher.parameters(stmt)}
        rows = store.query(stmt, used) if write else store.query_read(stmt, used)
    rows = [_plain(r) for r in rows]
    if json_mode:
        echo_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    keys = list(rows[0]) if rows else []
    for k in keys:
        table.add_column(k)
    for r in rows:
        table.add_row(*("" if r[k] is None else str(r[k]) for k in keys))
    Console().print(table)
    click.echo(f"{len(rows)} row(s)")
