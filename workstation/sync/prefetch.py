"""A long pull's pages fetched and prepared in a second process while this one writes.

A first sync receives tens of thousands of changes, and about half of the time of applying one
is Python: checking its values off the wire, building its rows and its journal row with their
chain values, folding its case's search text. The machine has two cores, so a helper process
(spawned, like the demo generator's) fetches the pages after the cursor with its own HTTP client
and the sync's token, parses and checks each change (protocol.pulled_from_wire), and for a page
in which every change creates a record builds what `journal.write_new_records` inserts
(`journal.new_record_rows`) and the search entries of the cases the page makes
(`search.case_entry`). This process checks what only the case file can tell (no change and no
record of the page is here yet, the cases named exist), writes the page, and moves the cursor in
the same transaction, as the ordinary pull does; a few pages share a transaction (the cursor
moves with the last of them), which saves commits.

Whatever the helper cannot prepare goes the ordinary way: a page holding other changes, or one
this file turns out to hold already, is applied by `apply_pulled` here. Whatever goes wrong in the
helper (network, an expired token, a reply it cannot read) ends it, and the sync carries on from
the cursor the ordinary way, with its retries and its messages. The helper never opens the case
file; it stops when the sync ends, is cancelled, or its parent dies.
"""

import contextlib
import gc
import logging
import multiprocessing
import os
import queue
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, replace
from typing import Any

from ..store import journal, search
from ..store.journal import Change, NewRecordRows
from ..store.records import RECORD_TYPES
from . import protocol, tls
from .apply import PullOutcome, apply_pulled

log = logging.getLogger(__name__)

# Pages (of PULL_PAGE changes) written in one transaction: fewer commits, a bounded amount to
# redo after a kill, and other writers (the officer saving an edit) kept waiting for about as long
# as a transaction lasts (1.6 s, at most 2.2 s, in a 50,000-case first sync on the development
# machine), within the case file's busy timeout of 5 s.
PAGES_PER_TRANSACTION = 4
_WAIT = 0.2  # seconds between looks at cancel and the helper while waiting for a page


@dataclass
class PreparedPage:
    """A pulled page in which every change creates a record, ready to write."""

    rows: NewRecordRows
    # cases the page's records belong to but does not make: they must be here already
    cases_named: list[str]
    # those of them whose search entry the page changes (it adds parties to them)
    cases_to_index: list[str]
    # search entries of the cases the page makes, by case id: (body, pairs, applicants, debtors),
    # the two bodies as UTF-8 bytes (see _utf8)
    entries: dict[str, tuple[str | bytes, ...]]


# -- both processes -------------------------------------------------------------------------------


def prepare_page(changes: Sequence[Change], chain_from: str | None) -> PreparedPage | list[tuple]:
    """A page's checked changes prepared for `apply_prepared`, or, when they are not all new
    records each made once with what they require, as plain tuples for `apply_pulled`.

    Decides only what the page itself tells; `apply_prepared` checks the rest against the file.
    A record of a case made later in the page, not earlier, counts as naming a case that must be
    here already, so that the ordinary way sets it aside as it would."""
    made: set[str] = set()
    cases_made: set[str] = set()
    cases_named: dict[str, None] = {}
    cases_to_index: dict[str, None] = {}
    for ch in changes:
        rt = RECORD_TYPES[ch.record_type]
        fields = ch.fields
        if (
            ch.record_id in made
            or ch.skipped
            or list(ch.base.values()).count(None) != len(ch.base)
            or not rt.by_name.keys() >= fields.keys()
            or not all(fields.get(k) not in (None, "") for k in rt.required)
        ):
            return [astuple(ch) for ch in changes]
        if rt.case_ref is None:
            cases_made.add(ch.record_id)
        else:
            case_id = fields.get(rt.case_ref, rt.by_name[rt.case_ref].default)
            if not isinstance(case_id, str):
                return [astuple(ch) for ch in changes]
            if case_id not in cases_made:
                cases_named.setdefault(case_id)
                if search.changes_entry(rt.name):
                    cases_to_index.setdefault(case_id)
        made.add(ch.record_id)
    if len({ch.change_id for ch in changes}) != len(changes):
        return [astuple(ch) for ch in changes]
    rows = journal.new_record_rows(changes, chain_from=chain_from)
    entries = _utf8_entries(_entries(rows))
    return PreparedPage(_utf8(rows), list(cases_named), list(cases_to_index), entries)


# The largest texts of a page go to the writing process as UTF-8 bytes: the journal's fields and
# the two search bodies, most of the page's text. The pipe carries bytes as they are and SQLite
# takes them as they are (journal.write_new_records), where text was encoded here to be sent,
# decoded there and encoded again to be bound. The writing process is the one the others wait
# for; this one has time to spare once it is ahead.


def _utf8(rows: NewRecordRows) -> NewRecordRows:
    return replace(rows, journal=[(*r[:3], r[3].encode(), *r[4:]) for r in rows.journal])


def _utf8_entries(
    entries: dict[str, tuple[str, str, str, str]],
) -> dict[str, tuple[str | bytes, ...]]:
    return {case_id: (e[0].encode(), e[1].encode(), e[2], e[3]) for case_id, e in entries.items()}


def _entries(rows: NewRecordRows) -> dict[str, tuple[str, str, str, str]]:
    """Search entries of the cases these rows make, by case id (their parties in the order the
    store reads them: as made)."""
    case_rows = rows.state.get("case", [])
    cols = _columns("case")
    number, basis, notes, deleted = (
        cols["case_number"],
        cols["basis_number"],
        cols["notes"],
        cols["deleted"],
    )
    parties: dict[str, list[list[Any]]] = {}
    pcols = _columns("party")
    wanted = [pcols[c] for c in search.ENTRY_PARTY_COLUMNS]
    for row in rows.state.get("party", []):
        if row[pcols["deleted"]] == 0:
            parties.setdefault(row[pcols["case_id"]], []).append([row[i] for i in wanted])
    return {
        row[0]: search.case_entry(row[number], row[basis], row[notes], parties.get(row[0], []))
        for row in case_rows
        if not row[deleted]
    }


def _columns(record_type: str) -> dict[str, int]:
    """Positions in a `NewRecordRows.state` row: id, the fields in order, _origin."""
    return {name: i for i, name in enumerate(["id", *RECORD_TYPES[record_type].columns])}


# -- this process ---------------------------------------------------------------------------------


def apply_prepared(
    conn: sqlite3.Connection, page: PreparedPage | list[tuple], entries: "PendingEntries"
) -> tuple[int, PullOutcome]:
    """Apply a prepared page inside the caller's transaction: what `apply_pulled` and
    `search.index_cases` would do with its changes, except that the search entries of a page
    in which every change creates a record are left in `entries`, for the caller to write once
    its transaction holds all its pages (`PendingEntries.write`). Returns the number of changes
    applied and, for a page that went the ordinary way, what `apply_pulled` said."""
    if isinstance(page, list):
        entries.write(conn)
        return _apply_ordinarily(conn, [Change(*t) for t in page])
    rows = page.rows
    if (
        journal.existing_ids(conn, "journal", [row[0] for row in rows.journal], "change_id")
        or any(
            journal.existing_ids(conn, RECORD_TYPES[name].table, [row[0] for row in state])
            for name, state in rows.state.items()
        )
        or len(journal.existing_ids(conn, "cases", page.cases_named)) != len(page.cases_named)
    ):
        entries.write(conn)
        changes = [journal.change_from_row(journal.as_text(row)) for row in rows.journal]
        return _apply_ordinarily(conn, changes)
    (before,) = conn.execute("SELECT coalesce(max(n), 0) FROM cases").fetchone()
    journal.write_new_records(conn, rows)
    entries.add(conn, before, page)
    return rows.count, PullOutcome()


def _apply_ordinarily(conn: sqlite3.Connection, changes: list[Change]) -> tuple[int, PullOutcome]:
    outcome = apply_pulled(conn, changes)
    search.index_cases(conn, outcome.applied.case_ids, outcome.applied.created_case_ids)
    return len(outcome.applied.changes), outcome


class PendingEntries:
    """The search entries of the prepared pages a transaction has written, inserted together in
    ascending rowid just before it commits. FTS5 writes out everything it holds in memory when a
    rowid comes that is not above the last one: a page adding parties to a case of an earlier
    page, indexed at once, made a segment of all the pages before it in the transaction (a third
    of the full-text time of a first sync)."""

    def __init__(self) -> None:
        self._made: dict[int, search.Entry] = {}  # by cases.n
        self._ids: dict[str, int] = {}  # cases.n of those cases, by case id
        self._again: dict[str, None] = {}  # cases whose entry must be read from the file

    def add(self, conn: sqlite3.Connection, before: int, page: PreparedPage) -> None:
        """The page has just made the cases after cases.n `before`."""
        self._again.update(dict.fromkeys(page.cases_to_index))
        made = dict(conn.execute("SELECT id, n FROM cases WHERE n > ?", (before,)))
        for case_id, entry in page.entries.items():
            n = made[case_id]
            self._made[n] = (n, *entry)
            self._ids[case_id] = n

    def write(self, conn: sqlite3.Connection) -> None:
        """Write what is pending: first the cases of earlier transactions whose entries pages
        have changed (the lowest rowids), then, in rowid order, the cases made here, those that
        later pages added to read afresh from the file."""
        earlier = [case_id for case_id in self._again if case_id not in self._ids]
        search.index_cases(conn, earlier)
        again = [case_id for case_id in self._again if case_id in self._ids]
        for case_id in again:
            del self._made[self._ids[case_id]]
        for entry in search.entries(conn, again):
            self._made[entry[0]] = entry
        search.insert_entries(conn, [self._made[n] for n in sorted(self._made)])
        for kept in (self._made, self._ids, self._again):
            kept.clear()


@dataclass
class Page:
    """What the helper sends for each page: the cursor before and after it, whether more follow,
    and the page prepared (None: the helper stopped there, `reason` says why)."""

    since: int
    after: int = 0
    more: bool = False
    prepared: PreparedPage | list[tuple] | None = None
    reason: str = ""


class PageHelper:
    """The helper process fetching and preparing the pages after `since`."""

    def __init__(self, base_url: str, token: str, since: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pages = ctx.Queue(maxsize=3)
        self._heads = ctx.Queue()  # (cursor, where the journal's chain ends with it written)
        self._process = ctx.Process(
            target=_helper,
            args=(base_url, token, since, protocol.PULL_PAGE, self._pages, self._heads),
            daemon=True,
            name="sync-pages",
        )
        self._process.start()

    def written(self, cursor: int, chain_head: str) -> None:
        """The pages up to `cursor` are written and the journal's chain ends at `chain_head`:
        the helper chains the rows of the page after it from there."""
        self._heads.put((cursor, chain_head))

    def next_page(self, since: int, check_cancel: Callable[[], None]) -> Page:
        """The page after `since`; a stopped one (prepared None) if the helper has ended."""
        while True:
            check_cancel()
            try:
                page = self._pages.get(timeout=_WAIT)
            except queue.Empty:
                if not self._process.is_alive() and self._pages.empty():
                    return Page(since, reason=f"helper ended ({self._process.exitcode})")
                continue
            if page.since != since:  # never expected: the helper is out of step
                return Page(since, reason=f"helper at {page.since}, cursor at {since}")
            return page

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=10)
        for q in (self._pages, self._heads):
            q.cancel_join_thread()
            q.close()


@contextlib.contextmanager
def _cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused: the pages' rows are millions of new objects, none in a
    cycle, and collecting as they arrived took a third of the time of receiving them (0.45 of
    1.3 s in a 50,000-case first sync). Whatever cycles the process makes meanwhile are
    collected afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cycles_uncollected()
def pull_pages(
    target: Any,
    helper: PageHelper,
    since: int,
    check_cancel: Callable[[], None],
    written: Callable[[int, PullOutcome], None],
) -> Page:
    """Write the helper's pages into the case file `target` from the cursor `since` on, each
    with the cursor after it, PAGES_PER_TRANSACTION to a transaction (a commit costs about as
    much as writing a tenth of a page). `written(changes applied, outcome)` after each page is
    committed. Returns the last page, or the stopped one where the helper ended: the caller
    goes on from there. A cancel (whatever `check_cancel` raises) while a transaction waits for
    its next page commits the pages before it first."""
    helper.written(since, journal.chain_heads(target.conn)[0])
    cancelled: BaseException | None = None
    while True:
        page = helper.next_page(since, check_cancel)
        if page.prepared is None:
            return page
        done = []
        entries = PendingEntries()
        with target.transaction() as conn:
            for count in range(PAGES_PER_TRANSACTION):
                if count:
                    try:
                        page = helper.next_page(since, check_cancel)
                    except BaseException as exc:  # the cancel: keep the pages written
                        cancelled = exc
                        break
                    if page.prepared is None:
                        break
                done.append(apply_prepared(conn, page.prepared, entries))
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('pull_cursor', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (str(page.after),),
                )
                since = page.after
                helper.written(since, journal.chain_heads(conn)[0])
                if not page.more:
                    break
            entries.write(conn)
        for applied, outcome in done:
            written(applied, outcome)
        if cancelled is not None:
            raise cancelled
        if page.prepared is None or not page.more:
            return page


# -- the helper process ---------------------------------------------------------------------------


def _helper(base_url: str, token: str, since: int, limit: int, pages: Any, heads: Any) -> None:
    """Fetch and prepare the pages after `since` until the last, or until something goes wrong
    (said in the last page sent). The next page is fetched while this one is prepared."""
    parent = multiprocessing.parent_process()
    # This process keeps nothing from one page to the next and makes no cycles worth finding:
    # the cycle collector only slowed the parsing of pages (millions of new objects).
    gc.disable()

    def alive() -> bool:
        return parent is None or parent.is_alive()

    def send(page: Page) -> bool:
        while alive():
            try:
                pages.put(page, timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    try:
        _fetch_and_prepare(base_url, token, since, limit, send, _Chains(heads, alive))
    finally:
        if not alive():
            # The sync was killed: nobody reads what is still queued, and a fetch still in
            # flight (up to its 30 s timeout) is of no use. Exit now, without flushing the queue
            # or waiting for the fetching thread, as interpreter shutdown would.
            pages.cancel_join_thread()
            os._exit(0)


def _fetch_and_prepare(
    base_url: str,
    token: str,
    since: int,
    limit: int,
    send: Callable[[Page], bool],
    chains: "_Chains",
) -> None:
    import httpx

    fetcher = ThreadPoolExecutor(max_workers=1)
    with (
        httpx.Client(
            base_url=base_url,
            timeout=30.0,
            headers={"Authorization": f"Bearer {token}"},
            verify=tls.verify_for(base_url),
            follow_redirects=False,
        ) as client,
        _shut_down_after(fetcher, chains),
    ):

        def fetch(cursor: int) -> tuple[list[Any], int, bool, bool]:
            reply = client.get(protocol.API + "/changes", params={"since": cursor, "limit": limit})
            if reply.status_code != 200:
                raise ValueError(f"HTTP {reply.status_code}")
            return protocol.page_from_body(reply.content)

        upcoming = fetcher.submit(fetch, since)
        while True:
            try:
                wires, after, more, storable = upcoming.result()
                if more:
                    upcoming = fetcher.submit(fetch, after)
                changes = [protocol.pulled_from_wire(c, strings_storable=storable) for c in wires]
            except (httpx.HTTPError, ValueError) as exc:  # ProtocolError is a ValueError
                send(Page(since, reason=f"{type(exc).__name__}: {exc}"))
                return
            prepared = prepare_page(changes, chains.start(since))
            if isinstance(prepared, PreparedPage) and prepared.rows.chained_from is not None:
                chains.expect(after, prepared.rows.journal[-1][12])
            if not send(Page(since, after, more, prepared)) or not more:
                return
            since = after


@contextlib.contextmanager
def _shut_down_after(fetcher: ThreadPoolExecutor, chains: "_Chains") -> Iterator[None]:
    """The fetching thread is waited for only while the sync still runs (see _helper)."""
    try:
        yield
    finally:
        fetcher.shutdown(wait=chains.writer_alive(), cancel_futures=True)


class _Chains:
    """Where the journal's chain will end at each cursor, as far as the helper can tell: the end
    of the rows it chained itself, unless the writer has reported otherwise (a page it wrote the
    ordinary way); then it waits to hear where the chain ends before chaining more. The writer
    keeps its rows' chain values only if they start where its journal ends, so a wrong guess
    costs time, never a wrong chain."""

    def __init__(self, heads: Any, alive: Callable[[], bool]) -> None:
        self._heads = heads
        self._alive = alive
        self._expected: dict[int, str] = {}  # cursor -> end of the rows chained here
        self._reported: dict[int, str] = {}  # cursor -> end the writer reported
        self._astray = False

    def writer_alive(self) -> bool:
        return self._alive()

    def expect(self, cursor: int, head: str) -> None:
        self._expected[cursor] = head

    def _hear(self, cursor: int, head: str) -> None:
        self._reported[cursor] = head
        if self._expected.get(cursor, head) != head:
            self._astray = True

    def start(self, cursor: int) -> str | None:
        """The chain value to chain the page after `cursor` from; None if the writer stopped."""
        while True:
            try:
                self._hear(*self._heads.get_nowait())
            except queue.Empty:
                break
        if cursor in self._reported:
            self._astray = False
            return self._reported[cursor]
        if cursor in self._expected and not self._astray:
            return self._expected[cursor]
        while self._alive():  # the writer has that page: it reports it when written
            try:
                self._hear(*self._heads.get(timeout=_WAIT))
            except queue.Empty:
                continue
            if cursor in self._reported:
                self._astray = False
                return self._reported[cursor]
        return None
