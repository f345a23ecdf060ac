"""Every hand-written Cypher statement of beautygraph, one ``NAME.cypher`` file each.

``load(name, dialect)`` returns the statement text; a dialect variant
``NAME.<dialect>.cypher`` (dialect ``neo4j`` or ``ladybug``) wins over the common
``NAME.cypher``.  Lines starting with ``//`` are comments and are stripped.  Values never
appear in these files: they are ``$parameters``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DIR = Path(__file__).resolve().parent
DIALECTS = ("neo4j", "ladybug")


class UnknownStatement(KeyError):
    """No ``.cypher`` file of that name."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0])


def names() -> list[str]:
    """Names of all statements (without dialect suffix), sorted."""
    out = set()
    for path in DIR.glob("*.cypher"):
        stem = path.name[: -len(".cypher")]
        for d in DIALECTS:
            if stem.endswith(f".{d}"):
                stem = stem[: -len(d) - 1]
        out.add(stem)
    return sorted(out)


@cache
def load(name: str, dialect: str = "") -> str:
    """Text of statement ``name`` for ``dialect`` (comments stripped)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise UnknownStatement(f"invalid statement name {name!r}")
    candidates = [DIR / f"{name}.{dialect}.cypher"] if dialect else []
    candidates.append(DIR / f"{name}.cypher")
    for path in candidates:
        if path.is_file():
            lines = [
                ln
                for ln in path.read_text(encoding="utf-8").splitlines()
                if not ln.lstrip().startswith("//")
            ]
            return "\n".join(lines).strip().rstrip(";")
    raise UnknownStatement(
        f"no Cypher statement named {name!r}; known: {', '.join(names()) or '(none)'}"
    )
