"""Every hand-written Cypher statement of beautygraph, one ``NAME.cypher`` file each.

``load(name, dialect)`` returns the statement text; a dialect variant
``NAME.<dialect>.cypher`` (dialect ``neo4j`` or ``ladybug``) wins over the common
``NAME.cypher``.  Lines starting with ``//`` are comments and are stripped.  Values never
appear in these files: they are ``$parameters``.
"""

from __future__ import annotations

import re
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


# -- reading statements written by users (``beautygraph query``) ------------------------------

#: clauses that change the graph or the database; a statement with any of them writes
WRITE_CLAUSES = (
    "CREATE",
    "MERGE",
    "SET",
    "DELETE",
    "DETACH",
    "REMOVE",
    "DROP",
    "ALTER",
    "FOREACH",
    "COPY",
    "LOAD",
    "IMPORT",
    "EXPORT",
    "INSTALL",
    "ATTACH",
    "CHECKPOINT",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "CALL",
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)")


def _code_only(text: str) -> str:
    """``text`` with string literals, quoted names and comments blanked out (lengths
    kept), so clause and parameter scans cannot be fooled by ``'SET'`` or ``// $x``."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j, n - 1) - i + 1))
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def write_clause(text: str) -> str | None:
    """The first clause of ``text`` that may write (conservative: ``CALL`` counts), else
    None.  Used where the database cannot be asked (the embedded store).

    >>> write_clause("MATCH (u:User) WHERE u.bio = 'SET me' RETURN u")
    >>> write_clause("MATCH (u:User) SET u.x = 1")
    'SET'
    """
    for word in _WORD.findall(_code_only(text)):
        if word.upper() in WRITE_CLAUSES:
            return word.upper()
    return None


def parameters(text: str) -> list[str]:
    """Names of the ``$parameters`` of ``text`` in order of first use.

    >>> parameters("MATCH (u:User {id: $user}) WHERE u.beauty > $min OR u.id = $user")
    ['user', 'min']
    """
    return list(dict.fromkeys(_PARAM.findall(_code_only(text))))


def strip_comments(text: str) -> str:
    """Drop ``//`` comment lines (as :func:`load` does) and surrounding blanks."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(lines).strip()


def split_statements(text: str) -> list[str]:
    """``;``-separated statements of a script (semicolons inside strings kept)."""
    code = _code_only(text)
    parts, start = [], 0
    for i, c in enumerate(code):
        if c == ";":
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if _code_only(p).strip()]


def description(name_or_path: str | Path, width: int = 90) -> str:
    """The first sentence of a statement file's leading comment, at most ``width``
    characters (its one-line description)."""
    path = Path(name_or_path)
    if not path.suffix:
        path = DIR / f"{name_or_path}.cypher"
    words: list[str] = []
    for ln in path.read_text(encoding="utf-8").splitlines():
        if not ln.lstrip().startswith("//"):
            break
        words.extend(ln.lstrip()[2:].split())
    text = " ".join(words)
    first = text
    for m in re.finditer(r"\.(\s|$)", text):
        if not re.search(r"\b(Eq|Fig|Figs|cf|al|vs|e\.g|i\.e)$", text[: m.start()]):
            first = text[: m.start() + 1]
            break
    return first if len(first) <= width else first[: width - 1].rstrip() + "…"


def _variant_of(path: Path) -> bool:
    """Whether ``path`` is a dialect variant ``NAME.<dialect>.cypher``."""
    return any(path.name.endswith(f".{d}.cypher") for d in DIALECTS)


def browser_files() -> list[Path]:
    """The saved Neo4j Browser queries (``cypher/browser/NN_*.cypher``), without their
    dialect variants (the Browser runs the common file)."""
    return sorted(p for p in (DIR / "browser").glob("*.cypher") if not _variant_of(p))


def shipped_file(target: str) -> Path | None:
    """The shipped ``.cypher`` file that ``target`` names, from any working directory:
    a saved query's name (``03_topic_authorities``, with or without ``.cypher``) or its
    path relative to the repository (``cypher/browser/03_topic_authorities.cypher``) or
    to this package (``browser/…``); None if it names none."""
    name = target.replace("\\", "/")
    candidates = [DIR.parent / name, DIR / name]
    if "/" not in name:
        stem = name[: -len(".cypher")] if name.endswith(".cypher") else name
        candidates.append(DIR / "browser" / f"{stem}.cypher")
    for path in candidates:
        if path.suffix == ".cypher" and path.is_file() and DIR in path.resolve().parents:
            return path.resolve()
    return None


def dialect_file(path: Path, dialect: str) -> Path:
    """``path``'s variant for ``dialect`` (``NAME.<dialect>.cypher`` beside it) when that
    exists and ``path`` is a shipped file, else ``path`` itself."""
    path = path.resolve()
    if DIR not in path.parents or _variant_of(path) or not dialect:
        return path
    variant = path.with_name(f"{path.name[: -len('.cypher')]}.{dialect}.cypher")
    return variant if variant.is_file() else path


_NEO4J_ONLY = re.compile(r"^//\s*Neo4j only:\s*(.+)$", re.IGNORECASE)


def neo4j_only(path: Path) -> str | None:
    """Why the file runs on Neo4j only (its leading comment line ``// Neo4j only:
    REASON``), or None when it runs on both backends."""
    for ln in path.read_text(encoding="utf-8").splitlines():
        if not ln.lstrip().startswith("//"):
            break
        m = _NEO4J_ONLY.match(ln.strip())
        if m:
            return m.group(1).strip()
    return None
