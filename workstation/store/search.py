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
    # NFKC-normalized one by one first: the one text that needs it (a case number's full-width
    # brackets) would otherwise send all of them through the slow path (15 -> 4 microseconds).
    # NUL composes with nothing, so the joined text is normalized too, and normalize_fragment
    # sees that at once.
    joined = "\0".join(
        t if unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t)
        for t in texts
    )
    return normalize_fragment(joined).split("\0")


def index_cases(
    conn: sqlite3.Connection, case_ids: Iterable[str], fresh: Collection[str] = ()
) -> None:
    """Bring the search tables up to date for these cases (inside the caller's transaction).

    `fresh`: cases created in this transaction, which have no index rows to remove.

    The cases are written in ascending rowid (cases.n): FTS5 flushes its pending terms to a new
    segment whenever a rowid is not above the last one written, so 300 edited cases in random
    order made 300 segments to merge (about 0.5 s in an end-of-day sync, 0.16 s sorted).
    """
    cases = _cases(conn, case_ids)
    for start in range(0, len(cases), CHUNK):
        chunk = cases[start : start + CHUNK]
        stale = [(n,) for n, case_id, *_ in chunk if case_id not in fresh]
        if stale:
            for table in ("case_search", "case_bigrams"):
                conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", stale)
            conn.executemany("DELETE FROM case_index WHERE n = ?", stale)
        insert_entries(conn, _entries_of(conn, chunk))


CHUNK = 500

# A case's search entry as the tables take it: (cases.n, case_search body, case_bigrams body,
# applicants, debtors); a sync helper sends the two bodies as UTF-8 bytes (insert_entries).
Entry = tuple[int, str | bytes, str | bytes, str, str]


def entries(conn: sqlite3.Connection, case_ids: Iterable[str]) -> list[Entry]:
    """The search entries of these cases as the file holds them now, in rowid order (none for a
    deleted case), for the caller to insert with `insert_entries`."""
    cases = _cases(conn, case_ids)
    return [
        e
        for start in range(0, len(cases), CHUNK)
        for e in _entries_of(conn, cases[start : start + CHUNK])
    ]


def _cases(conn: sqlite3.Connection, case_ids: Iterable[str]) -> list[tuple]:
    """(n, id, case_number, basis_number, notes, deleted) of these cases, in rowid order."""
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
    return cases


def _entries_of(conn: sqlite3.Connection, cases: list[tuple]) -> list[Entry]:
    ids = [case_id for _, case_id, *_ in cases]
    parties: dict[str, list[tuple]] = {}
    for case_id, *party in conn.execute(
        f"SELECT case_id, {', '.join(ENTRY_PARTY_COLUMNS)} "
        f"FROM parties WHERE case_id IN ({','.join('?' * len(ids))}) AND deleted = 0 ORDER BY n",
        ids,
    ):
        parties.setdefault(case_id, []).append(party)
    return [
        (n, *case_entry(case_number, basis_number, notes, parties.get(case_id, [])))
        for n, case_id, case_number, basis_number, notes, deleted in cases
        if not deleted
    ]


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


def insert_entries(conn: sqlite3.Connection, entries: Iterable[Entry]) -> None:
    """Insert the search entries of cases that have none (inside the caller's transaction).
    Give them in ascending rowid: see index_cases. Their texts may be given as UTF-8 bytes (as
    a sync helper sends them: journal.write_new_records)."""
    entries = list(entries)
    conn.executemany(
        "INSERT INTO case_search(rowid, body) VALUES (?, CAST(? AS TEXT))",
        [(e[0], e[1]) for e in entries],
    )
    conn.executemany(
        "INSERT INTO case_bigrams(rowid, body) VALUES (?, CAST(? AS TEXT))",
        [(e[0], e[2]) for e in entries],
    )
    conn.executemany(
        "INSERT INTO case_index(n, applicants, debtors) "
        "VALUES (?, CAST(? AS TEXT), CAST(? AS TEXT))",
        [(e[0], e[3], e[4]) for e in entries],
    )


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
