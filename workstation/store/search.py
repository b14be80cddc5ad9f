"""Full-text search over cases: derived from the state tables, never journaled or synced.

Two contentless FTS5 tables (the index only, no copy of the text; migration 7), because
SQLite's trigram tokenizer only matches 3+ characters and Chinese names are often two (王五).
See shared/measured-floors.md for why these and not LIKE scans.
- case_search (trigram): any 3+ character fragment of case numbers, names, ID and phone numbers,
  credit codes, addresses and notes;
- case_bigrams (unicode61 over space-separated character pairs, plus each name's last character
  alone): 1 and 2 character fragments of names (parties and legal representatives) and case
  numbers.
Case numbers are indexed as written and without their year brackets (2021豫0302执12号), the way
officers often type them.
"""

import sqlite3
import unicodedata
from collections.abc import Collection, Iterable, Sequence

from ..domain.case_number import normalize_fragment

# A party's columns in its case's search entry, in the order case_entry takes them.
ENTRY_PARTY_COLUMNS = (
    "role",
    "name",
    "id_number",
    "phone",
    "address",
    "credit_code",
    "legal_representative",
)
# The fields a case's search entry is made of (case_entry): a change to any other field, or to
# any other record type (measures, funds, visits, ...), leaves the entry as it is, and its case
# is not indexed again.
ENTRY_FIELDS = {
    "case": frozenset({"case_number", "basis_number", "notes", "deleted"}),
    "party": frozenset({*ENTRY_PARTY_COLUMNS, "case_id", "deleted"}),
}


def changes_entry(record_type: str, fields: Iterable[str] | None = None) -> bool:
    """Whether a change to a `record_type` record touching `fields` (None: a new record) can
    change its case's search entry."""
    searched = ENTRY_FIELDS.get(record_type)
    return searched is not None and (fields is None or not searched.isdisjoint(fields))


def _letters(text: str) -> str:
    return _letters_of(normalize_fragment(text))


def _letters_of(normalized: str) -> str:
    # isalnum() holds only for letters and numbers (categories L*, N*; a test checks every code
    # point), so most names need no walk over their characters
    if normalized.isalnum():
        return normalized
    return "".join(c for c in normalized if unicodedata.category(c)[0] in "LN")


def _bigrams(text: str) -> list[str]:
    """Each pair of neighbouring characters, and the last character alone (so that a one
    character query, a prefix match over these tokens, finds a name ending with it: 张堃 by 堃)."""
    return _pairs(normalize_fragment(text))


def _pairs(normalized: str) -> list[str]:
    letters = _letters_of(normalized)
    if not letters:
        return []
    return [letters[i : i + 2] for i in range(len(letters) - 1)] + [letters[-1]]


def _normalize_each(texts: list[str]) -> list[str]:
    """[normalize_fragment(t) for t in texts], in one call: NFKC, case folding, whitespace and
    bracket folding all work character by character and stop at NUL, so the texts can be folded
    joined by NUL and split again (unless one of them holds a NUL itself)."""
    if any("\0" in t for t in texts):
        return [normalize_fragment(t) for t in texts]
    return normalize_fragment("\0".join(texts)).split("\0")


def index_cases(
    conn: sqlite3.Connection, case_ids: Iterable[str], fresh: Collection[str] = ()
) -> None:
    """Bring the search tables up to date for these cases (inside the caller's transaction).

    `fresh`: cases created in this transaction, which have no index rows to remove.

    The cases are written in ascending rowid (cases.n): FTS5 flushes its pending terms to a new
    segment whenever a rowid is not above the last one written, so 300 edited cases in random
    order made 300 segments to merge (about 0.5 s in an end-of-day sync, 0.16 s sorted).
    """
    ids = list(dict.fromkeys(case_ids))
    cases: list[tuple] = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        cases.extend(
            conn.execute(
                "SELECT n, id, case_number, basis_number, notes, deleted FROM cases "
                f"WHERE id IN ({','.join('?' * len(part))})",
                part,
            )
        )
    cases.sort()
    for start in range(0, len(cases), CHUNK):
        _index_chunk(conn, cases[start : start + CHUNK], fresh)


CHUNK = 500


def _index_chunk(conn: sqlite3.Connection, cases: list[tuple], fresh: Collection[str]) -> None:
    ids = [case_id for _, case_id, *_ in cases]
    marks = ",".join("?" * len(ids))
    parties: dict[str, list[tuple]] = {}
    for case_id, *party in conn.execute(
        f"SELECT case_id, {', '.join(ENTRY_PARTY_COLUMNS)} "
        f"FROM parties WHERE case_id IN ({marks}) AND deleted = 0 ORDER BY n",
        ids,
    ):
        parties.setdefault(case_id, []).append(party)
    stale = [(n,) for n, case_id, *_ in cases if case_id not in fresh]
    if stale:
        for table in ("case_search", "case_bigrams"):
            conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", stale)
        conn.executemany("DELETE FROM case_index WHERE n = ?", stale)
    bodies, pair_bodies, summaries = [], [], []
    for n, case_id, case_number, basis_number, notes, deleted in cases:
        if deleted:
            continue
        body, pairs, applicants, debtors = case_entry(
            case_number, basis_number, notes, parties.get(case_id, [])
        )
        bodies.append((n, body))
        pair_bodies.append((n, pairs))
        summaries.append((n, applicants, debtors))
    insert_entries(conn, bodies, pair_bodies, summaries)


def case_entry(
    case_number: str, basis_number: str | None, notes: str | None, parties: Sequence[Sequence]
) -> tuple[str, str, str, str]:
    """A case's search entry: (case_search body, case_bigrams body, applicants, debtors), from
    its fields and its parties that are not deleted, in the order they were made, each as
    (role, name, id_number, phone, address, credit_code, legal_representative). A pure function:
    a sync helper process builds the entries of the cases a pulled page makes (sync/prefetch.py).
    """
    texts = [case_number, _without_year_brackets(case_number), basis_number, notes]
    names = [case_number]
    for _role, name, *rest in parties:
        texts.append(name)
        texts.extend(rest)
        names.extend((name, rest[-1]))  # rest[-1]: the legal representative
    present = [t for t in texts if t]
    normalized = _normalize_each(present)
    folded = dict(zip(present, normalized, strict=True))  # every name is one of the texts
    pairs = dict.fromkeys(p for name in names if name for p in _pairs(folded[name]))
    return (
        "\n".join(normalized),
        " ".join(pairs),
        "、".join(p[1] for p in parties if p[0] == "applicant"),
        "、".join(p[1] for p in parties if p[0] == "debtor"),
    )


def insert_entries(
    conn: sqlite3.Connection,
    bodies: Iterable[tuple[int, str]],
    pair_bodies: Iterable[tuple[int, str]],
    summaries: Iterable[tuple[int, str, str]],
) -> None:
    """Insert search entries (by cases.n) of cases that have none."""
    conn.executemany("INSERT INTO case_search(rowid, body) VALUES (?, ?)", bodies)
    conn.executemany("INSERT INTO case_bigrams(rowid, body) VALUES (?, ?)", pair_bodies)
    conn.executemany("INSERT INTO case_index(n, applicants, debtors) VALUES (?, ?, ?)", summaries)


def _without_year_brackets(case_number: str) -> str:
    return case_number.replace("（", "", 1).replace("）", "", 1)


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Rebuild every search table from the state tables (inside the caller's transaction)."""
    for table in ("case_search", "case_bigrams", "case_index"):
        conn.execute(f"DELETE FROM {table}")
    ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY n")]
    index_cases(conn, ids)


def match_clause(text: str) -> tuple[str, list[str]] | None:
    """SQL selecting the `cases.n` that match `text`, or None when there is nothing to search."""
    query = normalize_fragment(text)
    if not query:
        return None
    if len(query) >= 3:
        phrase = '"' + query.replace('"', '""') + '"'
        return "SELECT rowid FROM case_search WHERE case_search MATCH ?", [phrase]
    letters = _letters(query)
    if not letters:
        return "SELECT rowid FROM case_search WHERE 0", []
    # One character: any pair that starts with it; two: exactly that pair. Always one token:
    # the table keeps no positions (detail=none, migration 7).
    phrase = f'"{letters}"' + ("*" if len(letters) == 1 else "")
    return "SELECT rowid FROM case_bigrams WHERE case_bigrams MATCH ?", [phrase]
