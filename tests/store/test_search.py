"""Searching, filtering, sorting and paging the case list (queries.list_cases / count_cases)."""

import random
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workstation.domain.case_number import normalize_fragment
from workstation.store import queries, search
from workstation.store.casefile import CaseFile, Edit
from workstation.store.queries import CaseFilter

TODAY = date(2026, 11, 26)
EVERYTHING = 10**6


def found(cf: CaseFile, text: str = "", **filters: Any) -> set[str]:
    """Ids of the cases the list shows, checked against the count the status bar shows."""
    flt = CaseFilter(text=text, **filters)
    ids = {row[1] for row in queries.list_cases(cf.conn, flt, limit=EVERYTHING)}
    assert queries.count_cases(cf.conn, flt) == len(ids)
    return ids


def add_case(
    cf: CaseFile, number: str, parties: list[dict], **fields: Any
) -> tuple[str, list[str]]:
    case = {"case_number": number, "filing_date": "2021-03-04", "officer": "张伟"} | fields
    ids = cf.save([Edit("case", case)])
    party_ids = cf.save([Edit("party", {"case_id": ids[0], "kind": "person"} | p) for p in parties])
    return ids[0], party_ids


class Cases:
    """A small case file whose every searchable value is known."""

    def __init__(self, cf: CaseFile) -> None:
        self.cf = cf
        self.a, self.a_parties = add_case(
            cf,
            "（2021）豫0302执12号",
            [
                {
                    "role": "applicant",
                    "kind": "organisation",
                    "name": "洛阳宏达商贸有限公司",
                    "credit_code": "91410303MA44XQ7K10",
                    "legal_representative": "赵磊",
                    "address": "河南省洛阳市西工区中州路100号",
                },
                {
                    "role": "debtor",
                    "name": "王五福",
                    "id_number": "410305198506121231",
                    "phone": "13812345678",
                    "address": "河南省洛阳市涧西区建设路22号3号楼",
                },
            ],
            notes="被执行人外出务工，下落不明",
            basis_number="（2020）豫0302民初3456号",
        )
        self.b, self.b_parties = add_case(
            cf,
            "（2022）豫0303执恢5号",
            [
                {"role": "applicant", "name": "欧阳娜娜", "phone": "13987654321"},
                {"role": "debtor", "name": "王五", "id_number": "410302199001014567"},
            ],
            officer="李娜",
            status="closed",
            closing_date="2023-01-05",
            closing_method="completed",
        )
        self.c, self.c_parties = add_case(
            cf,
            "（2023）豫0311执7号",
            [
                {"role": "applicant", "name": "买买提·吐尔逊"},
                {"role": "debtor", "name": "𠮷堃"},
                {"role": "debtor", "name": "张堃"},
            ],
        )
        self.d, self.d_parties = add_case(
            cf,
            "（2020）豫0305执99号",
            [
                {"role": "applicant", "name": "刘洋", "address": "河南省洛阳市老城区九都路8号"},
                {"role": "debtor", "name": "李四"},
            ],
            officer="李娜",
        )


@pytest.fixture
def cases(case_file: CaseFile) -> Cases:
    return Cases(case_file)


def test_two_character_name_is_found(cases: Cases) -> None:
    assert cases.b in found(cases.cf, "王五")


def test_two_character_name_also_finds_a_longer_name_that_contains_it(cases: Cases) -> None:
    assert found(cases.cf, "王五") == {cases.a, cases.b}


def test_three_character_name_is_found(cases: Cases) -> None:
    assert found(cases.cf, "王五福") == {cases.a}


def test_four_character_compound_surname_name_is_found(cases: Cases) -> None:
    assert found(cases.cf, "欧阳娜娜") == {cases.b}
    assert found(cases.cf, "欧阳") == {cases.b}


@pytest.mark.parametrize("text", ["𠮷堃", "𠮷"])
def test_rare_character_name_is_found(cases: Cases, text: str) -> None:
    assert found(cases.cf, text) == {cases.c}


def test_single_character_finds_a_name_ending_with_it(cases: Cases) -> None:
    """search.py: the bigram table serves "1 and 2 character fragments of names"."""
    assert found(cases.cf, "堃") == {cases.c}


@pytest.mark.parametrize("text", ["买买提·吐尔逊", "买买提", "吐尔逊", "提·吐"])
def test_ethnic_minority_name_with_middle_dot_is_found(cases: Cases, text: str) -> None:
    assert found(cases.cf, text) == {cases.c}


@pytest.mark.parametrize(
    "text",
    [
        "（2021）豫0302执12号",
        "(2021)豫0302执12",
        "( 2021 ) 豫 0302 执 12",
        "〔2021〕豫0302执12号",
        "豫 0302 执 12",
        "０３０２执１２",
        "执12",
    ],
)
def test_case_number_fragment_is_found_however_typed(cases: Cases, text: str) -> None:
    assert found(cases.cf, text) == {cases.a}


def test_case_number_typed_without_year_brackets_is_found(cases: Cases) -> None:
    """CaseNumber.parse reads 2021豫0302执12号; the search should find what it reads."""
    assert found(cases.cf, "2021豫0302执12号") == {cases.a}


def test_kind_code_fragment_finds_only_that_kind(cases: Cases) -> None:
    assert found(cases.cf, "执恢5") == {cases.b}


def test_basis_number_fragment_is_found(cases: Cases) -> None:
    assert found(cases.cf, "民初3456") == {cases.a}


@pytest.mark.parametrize("text", ["1231", "121231", "198506"])
def test_id_number_fragment_is_found(cases: Cases, text: str) -> None:
    assert found(cases.cf, text) == {cases.a}


def test_id_number_with_lowercase_x_finds_the_uppercase_one(case_file: CaseFile) -> None:
    case_id, _ = add_case(
        case_file,
        "（2021）豫0302执1号",
        [{"role": "debtor", "name": "王五", "id_number": "11010519491231002X"}],
    )
    assert found(case_file, "1231002x") == {case_id}


def test_credit_code_fragment_is_found(cases: Cases) -> None:
    assert found(cases.cf, "MA44XQ") == {cases.a}
    assert found(cases.cf, "ma44xq") == {cases.a}


@pytest.mark.parametrize("text", ["3812345", "138 1234 5678", "5678"])
def test_phone_fragment_is_found(cases: Cases, text: str) -> None:
    assert found(cases.cf, text) == {cases.a}


def test_address_fragment_is_found(cases: Cases) -> None:
    assert found(cases.cf, "建设路22号") == {cases.a}
    assert found(cases.cf, "九都路") == {cases.d}


def test_notes_fragment_is_found(cases: Cases) -> None:
    assert found(cases.cf, "外出务工") == {cases.a}


def test_organisation_name_fragment_is_found(cases: Cases) -> None:
    assert found(cases.cf, "宏达商贸") == {cases.a}


def test_legal_representative_is_found(case_file: CaseFile) -> None:
    org = {"role": "debtor", "kind": "organisation", "name": "洛阳宏达商贸有限公司"}
    three, _ = add_case(
        case_file, "（2021）豫0302执1号", [org | {"legal_representative": "欧阳娜"}]
    )
    assert found(case_file, "欧阳娜") == {three}


def test_two_character_legal_representative_is_found_like_a_three_character_one(
    case_file: CaseFile,
) -> None:
    """Names are searchable from 2 characters; a legal representative's name is a name."""
    org = {"role": "debtor", "kind": "organisation", "name": "洛阳宏达商贸有限公司"}
    two, _ = add_case(case_file, "（2021）豫0302执2号", [org | {"legal_representative": "赵磊"}])
    assert found(case_file, "赵磊") == {two}


def test_fragment_nobody_has_finds_nothing(cases: Cases) -> None:
    assert found(cases.cf, "诸葛亮") == set()
    assert found(cases.cf, "钱七") == set()


def test_blank_search_lists_every_case(cases: Cases) -> None:
    assert found(cases.cf, "   ") == {cases.a, cases.b, cases.c, cases.d}


def test_edited_name_is_found_and_the_old_name_no_longer_is(cases: Cases) -> None:
    debtor = cases.b_parties[1]
    cases.cf.save([Edit("party", {"name": "钱七"}, debtor)])
    assert found(cases.cf, "钱七") == {cases.b}
    assert found(cases.cf, "王五") == {cases.a}
    cases.cf.save([Edit("party", {"name": "孙八福"}, cases.a_parties[1])])
    assert found(cases.cf, "孙八福") == {cases.a}
    assert found(cases.cf, "王五福") == set()
    assert found(cases.cf, "王五") == set()


def test_deleted_party_no_longer_finds_the_case(cases: Cases) -> None:
    cases.cf.save([Edit("party", {"deleted": 1}, cases.a_parties[1])])
    assert found(cases.cf, "王五福") == set()
    assert found(cases.cf, "3812345") == set()
    assert found(cases.cf, "王五") == {cases.b}
    assert found(cases.cf, "宏达商贸") == {cases.a}  # the other party still does


def test_deleted_case_is_neither_found_nor_listed(cases: Cases) -> None:
    cases.cf.save([Edit("case", {"deleted": 1}, cases.c)])
    assert found(cases.cf, "吐尔逊") == set()
    assert found(cases.cf) == {cases.a, cases.b, cases.d}


def test_party_added_later_is_found(cases: Cases) -> None:
    cases.cf.save(
        [Edit("party", {"case_id": cases.d, "role": "debtor", "kind": "person", "name": "钱七"})]
    )
    assert found(cases.cf, "钱七") == {cases.d}


def test_party_moved_to_another_case_finds_that_case_only(cases: Cases) -> None:
    cases.cf.save([Edit("party", {"case_id": cases.d}, cases.a_parties[1])])
    assert found(cases.cf, "王五福") == {cases.d}
    assert found(cases.cf, "3812345") == {cases.d}


def test_edited_case_number_is_found_and_the_old_one_no_longer_is(cases: Cases) -> None:
    cases.cf.save([Edit("case", {"case_number": "（2021）豫0302执88号"}, cases.a)])
    assert found(cases.cf, "执88") == {cases.a}
    assert found(cases.cf, "执12") == set()


@pytest.mark.parametrize("text", ['"', "*", "AND", "a OR b", "NEAR(", "-", "'", '"王五"', "()"])
def test_search_syntax_characters_are_taken_literally(cases: Cases, text: str) -> None:
    assert found(cases.cf, text) == set()


def test_list_row_shows_applicants_and_debtors(cases: Cases) -> None:
    (row,) = queries.list_cases(cases.cf.conn, CaseFilter(text="吐尔逊"))
    data = dict(zip(queries.LIST_COLUMNS, row, strict=True))
    assert data["applicants"] == "买买提·吐尔逊"
    assert data["debtors"] == "𠮷堃、张堃"


# -- filters ----------------------------------------------------------------------------------


def test_status_filter(cases: Cases) -> None:
    assert found(cases.cf, status="closed") == {cases.b}
    assert found(cases.cf, status="open") == {cases.a, cases.c, cases.d}


def test_officer_filter(cases: Cases) -> None:
    assert found(cases.cf, officer="李娜") == {cases.b, cases.d}
    assert queries.officers(cases.cf.conn) == ["张伟", "李娜"]


def test_text_and_filters_combine(cases: Cases) -> None:
    assert found(cases.cf, "王五", status="open") == {cases.a}
    assert found(cases.cf, "王五", officer="李娜") == {cases.b}


def test_open_over_one_year_counts_from_the_day_after_one_full_year(case_file: CaseFile) -> None:
    def filed(number: int, filing_date: str, **fields: Any) -> str:
        parties = [{"role": "debtor", "name": "王五"}]
        return add_case(
            case_file, f"（2025）豫0302执{number}号", parties, filing_date=filing_date, **fields
        )[0]

    exactly_one_year = filed(1, "2025-11-26")
    one_day_more = filed(2, "2025-11-25")
    long_ago = filed(3, "2021-03-04")
    filed(4, "2021-03-04", status="closed", closing_date="2022-01-01", closing_method="completed")
    filed(5, "2026-11-26")
    assert exactly_one_year not in found(case_file, open_over_one_year=True, today=TODAY)
    assert found(case_file, open_over_one_year=True, today=TODAY) == {one_day_more, long_ago}


# -- sorting and paging on a demo file ---------------------------------------------------------

SORTS = [(sort, desc) for sort in queries.SORT_COLUMNS for desc in (False, True)]


@pytest.mark.parametrize(("sort", "descending"), SORTS)
def test_case_list_sorts_by_each_column_both_ways(
    demo_file: CaseFile, sort: str, descending: bool
) -> None:
    rows = queries.list_cases(demo_file.conn, sort=sort, descending=descending, limit=EVERYTHING)
    column = queries.LIST_COLUMNS.index(sort)
    assert rows == sorted(rows, key=lambda r: (r[column], r[0]), reverse=descending)
    assert len(rows) == queries.count_cases(demo_file.conn) == 300
    assert rows[0][column] != rows[-1][column]


@pytest.mark.parametrize(("sort", "descending"), SORTS)
def test_keyset_paging_returns_every_row_exactly_once(
    demo_file: CaseFile, sort: str, descending: bool
) -> None:
    for flt in (CaseFilter(), CaseFilter(text="洛阳市", status="open")):
        whole = queries.list_cases(
            demo_file.conn, flt, sort=sort, descending=descending, limit=EVERYTHING
        )
        assert len(whole) > 2 * 7
        pages, after = [], None
        while page := queries.list_cases(
            demo_file.conn, flt, sort=sort, descending=descending, after=after, limit=7
        ):
            pages.extend(page)
            after = queries.sort_key(page[-1], sort)
        assert pages == whole
        assert (
            len({row[0] for row in pages}) == len(pages) == queries.count_cases(demo_file.conn, flt)
        )


# -- search against a brute-force scan ---------------------------------------------------------


def is_letter_or_digit(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LN" for c in text)


class Scan:
    """The searchable text of every case, read straight from the state tables."""

    def __init__(self, cf: CaseFile) -> None:
        self.long: dict[str, list[str]] = {}  # everything: 3+ character fragments
        self.short: dict[str, list[str]] = {}  # names and case numbers: 1-2 characters
        for case_id, number, basis, notes in cf.conn.execute(
            "SELECT id, case_number, basis_number, notes FROM cases WHERE deleted = 0"
        ):
            self.long[case_id] = [t for t in (number, basis, notes) if t]
            self.short[case_id] = [number]
        for case_id, name, *rest in cf.conn.execute(
            """SELECT case_id, name, id_number, phone, address, credit_code, legal_representative
               FROM parties WHERE deleted = 0"""
        ):
            self.long[case_id].extend(t for t in (name, *rest) if t)
            self.short[case_id].extend(t for t in (name, rest[-1]) if t)  # and legal rep.

    def __call__(self, fragment: str) -> set[str]:
        query = normalize_fragment(fragment)
        texts = self.short if len(query) <= 2 else self.long
        return {
            case_id
            for case_id, values in texts.items()
            if any(query in normalize_fragment(v) for v in values)
        }

    def fragments(self, rng: random.Random, count: int) -> list[str]:
        """Random 2-6 character pieces of real names, case numbers, ID and phone numbers."""
        names = sorted({v for values in self.short.values() for v in values})
        everything = sorted({v for values in self.long.values() for v in values})
        out: list[str] = []
        while len(out) < count:
            length = rng.randint(2, 6)
            text = rng.choice(names if length == 2 else everything)
            if len(text) < length:
                continue
            start = rng.randrange(len(text) - length + 1)
            piece = text[start : start + length]
            if length == 2 and not is_letter_or_digit(piece):
                continue
            out.append(piece)
        return out


def test_search_finds_exactly_what_a_brute_force_scan_finds(demo_file: CaseFile) -> None:
    scan = Scan(demo_file)
    fragments = scan.fragments(random.Random(7), 250)
    assert sum(len(f) == 2 for f in fragments) > 20
    for fragment in fragments:
        expected = scan(fragment)
        assert expected, fragment  # it was taken from the file
        assert found(demo_file, fragment) == expected, fragment


def test_demo_names_of_two_characters_are_each_found(demo_file: CaseFile) -> None:
    scan = Scan(demo_file)
    names = sorted({n for ns in scan.short.values() for n in ns[1:] if len(n) == 2})
    assert len(names) > 20
    for name in names:
        assert found(demo_file, name) == scan(name), name


# -- migration 7: contentless full-text tables ----------------------------------------------------


def test_migration_7_rebuilds_the_search_tables_contentless_and_search_still_finds(
    tmp_path: Path,
) -> None:
    """A file from before migration 7 (full-text tables keeping a copy of each body) opens, its
    tables are rebuilt without the copy, and names, case numbers and notes are found as before;
    an edit afterwards is found and its old text no longer is."""
    path = tmp_path / "casefile.sqlite3"
    with CaseFile.open(path, create=True, officer="张伟") as cf:
        a, _ = add_case(
            cf, "（2021）豫0302执12号", [{"role": "debtor", "name": "王五"}], notes="车辆在郑州停放"
        )
        b, _ = add_case(cf, "（2022）豫0302执8号", [{"role": "debtor", "name": "欧阳娜娜"}])
        with cf.transaction() as conn:  # back to version 6: tables with content, as they were
            for table in ("case_search", "case_bigrams"):
                conn.execute(f"DROP TABLE {table}")
            conn.execute("CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize='trigram')")
            conn.execute("CREATE VIRTUAL TABLE case_bigrams USING fts5(body, tokenize='unicode61')")
            search.rebuild_index(conn)
            conn.execute("CREATE INDEX journal_server_seq ON journal(server_seq)")  # to m8
            conn.execute("PRAGMA user_version = 6")
        assert cf.conn.execute("SELECT count(body) FROM case_search").fetchone()[0] == 2
    with CaseFile.open(path) as cf:
        conn = cf.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 7
        for table in ("case_search", "case_bigrams"):
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
            assert "contentless_delete=1" in sql[0]
            automerge = conn.execute(f"SELECT v FROM {table}_config WHERE k = 'automerge'")
            assert automerge.fetchone()[0] == 16
        assert conn.execute("SELECT count(body) FROM case_search").fetchone()[0] == 0
        for table in ("case_search", "case_bigrams"):  # migration 8
            hashsize = conn.execute(f"SELECT v FROM {table}_config WHERE k = 'hashsize'")
            assert hashsize.fetchone()[0] == 8 << 20
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "journal_server_seq" not in indexes and "journal_unsynced" in indexes
        assert found(cf, "王五") == {a}
        assert found(cf, "欧阳娜") == {b}
        assert found(cf, "执12") == {a}
        assert found(cf, "郑州停放") == {a}
        cf.save([Edit("case", {"notes": "车辆在洛阳扣押"}, a)])
        assert found(cf, "洛阳扣押") == {a}
        assert found(cf, "郑州停放") == set()


def index_pages(cf: CaseFile) -> int:
    return sum(
        cf.conn.execute(f"SELECT count(*) FROM {table}_data").fetchone()[0]
        for table in ("case_search", "case_bigrams")
    )


def test_only_changes_to_what_a_search_entry_holds_index_the_case_again(
    case_file: CaseFile,
) -> None:
    """A change to a field outside the search entry (the principal, a party's kind) leaves the
    full-text tables as they are; a change to one inside (notes, a party's name) re-indexes."""
    a, (debtor,) = add_case(case_file, "（2021）豫0302执12号", [{"role": "debtor", "name": "王五"}])
    before = index_pages(case_file)
    case_file.save([Edit("case", {"principal": 1_000_000}, a)])
    case_file.save([Edit("party", {"kind": "organisation"}, debtor)])
    assert index_pages(case_file) == before
    case_file.save([Edit("party", {"name": "赵六"}, debtor)])
    assert index_pages(case_file) > before
    assert found(case_file, "赵六") == {a} and found(case_file, "王五") == set()
    grown = index_pages(case_file)
    case_file.save([Edit("case", {"notes": "车辆已查封"}, a)])
    assert index_pages(case_file) > grown
    assert found(case_file, "车辆已查封") == {a}
