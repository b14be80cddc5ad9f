"""The change journal: one row per effective change, no other; replaying it rebuilds the state."""

import random
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import search_tables
from workstation.cases import PartyForm, save_case, validate_case, validate_party
from workstation.domain.identity import check_digit, credit_check_char
from workstation.ids import uuid7
from workstation.store import search
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import ChangeRefused
from workstation.store.journal import Change, journal_changes, utc_now
from workstation.store.records import RECORD_TYPES

TODAY = date(2026, 11, 26)
NAMES = ["王五", "王五福", "李娜", "欧阳娜娜", "𠮷堃", "买买提·吐尔逊", "张伟", "仝玥", "赵磊"]
ORGS = ["洛阳宏达商贸有限公司", "河南鑫源建筑工程有限公司", "中国工商银行股份有限公司洛阳分行"]
NOTES = ["", "被执行人外出务工，下落不明", "申请执行人要求尽快查控车辆", "已约谈"]
OFFICERS = ["张伟", "李娜", "王强", ""]
CAUSES = ["民间借贷纠纷", "买卖合同纠纷", "信用卡纠纷"]


def resident_id(index: int) -> str:
    first17 = f"410302{1960 + index % 40}{1 + index % 12:02d}{1 + index % 28:02d}{index % 1000:03d}"
    return first17 + check_digit(first17)


def credit_code(index: int) -> str:
    first17 = f"91410302{index:09d}"
    return first17 + credit_check_char(first17)


def journal_count(cf: CaseFile) -> int:
    return cf.conn.execute("SELECT count(*) FROM journal").fetchone()[0]


def values_only(snapshot: dict) -> dict:
    return {
        rt: {
            rid: {k: v for k, v in row.items() if not k.startswith("_")}
            for rid, row in rows.items()
        }
        for rt, rows in snapshot.items()
    }


class Session:
    """Drives a case file with random edits and keeps a plain-Python model of what it must hold."""

    def __init__(self, cf: CaseFile) -> None:
        self.cf = cf
        self.model: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in RECORD_TYPES}
        self.expected_changes = 0
        self.cases: list[str] = []
        self.parties: list[str] = []
        self.forms: dict[str, tuple[dict[str, str], list[PartyForm]]] = {}
        self.serial = 0

    # -- the model ----------------------------------------------------------------------------
    def _expect(self, rt: str, record_id: str, values: dict[str, Any]) -> int:
        current = self.model[rt].get(record_id)
        if current is None:
            defaults = {f.name: f.default for f in RECORD_TYPES[rt].fields}
            self.model[rt][record_id] = defaults | values
            return 1
        differing = {k: v for k, v in values.items() if current[k] != v}
        current.update(differing)
        return 1 if differing else 0

    def _save(self, edits: list[Edit]) -> list[str]:
        ids = self.cf.save(edits)
        for edit, record_id in zip(edits, ids, strict=True):
            self.expected_changes += self._expect(edit.record_type, record_id, edit.values)
        self._check_count()
        return ids

    def _check_count(self) -> None:
        assert journal_count(self.cf) == self.expected_changes
        assert self.cf.unsynced_count() == self.expected_changes

    # -- the operations (each takes plain numbers, so hypothesis and random can drive it) --------
    def run(self, op: str, a: int, b: int, c: int) -> None:
        if op == "create" or not self.cases:
            self.create(a, b)
        elif op == "case_field":
            self.case_field(self.cases[a % len(self.cases)], b, c)
        elif op == "party_name":
            self.party_field(self.parties[a % len(self.parties)], "name", NAMES[b % len(NAMES)])
        elif op == "party_phone":
            self.party_field(self.parties[a % len(self.parties)], "phone", f"138{c % 10**8:08d}")
        elif op == "party_delete":
            self.party_field(self.parties[a % len(self.parties)], "deleted", 1)
        elif op == "party_add":
            self.party_add(self.cases[a % len(self.cases)], b)
        elif op == "noop":
            self.noop(self.cases[a % len(self.cases)])
        elif op == "resave":
            self.resave(self.cases[a % len(self.cases)])
        elif op == "renumber":
            self.serial += 1
            number = f"（2022）豫0303执恢{self.serial}号"
            self._save([Edit("case", {"case_number": number}, self.cases[a % len(self.cases)])])
        elif op == "case_delete":
            self._save([Edit("case", {"deleted": b % 2}, self.cases[a % len(self.cases)])])
        elif op == "party_move":
            party_id, case_id = self.parties[a % len(self.parties)], self.cases[b % len(self.cases)]
            self.party_field(party_id, "case_id", case_id)
        else:  # pragma: no cover
            raise AssertionError(op)

    def create(self, a: int, b: int) -> None:
        """A new case with an applicant and 1-3 debtors, through validation and save_case."""
        self.serial += 1
        case_raw = {
            "case_number": f"（2021）豫0302执{self.serial}号",
            "filing_date": f"2021-{1 + a % 12:02d}-{1 + b % 28:02d}",
            "officer": OFFICERS[a % len(OFFICERS)],
            "cause": CAUSES[b % len(CAUSES)],
            "principal": f"{(a * 7919 + b) % 10**7}.{b % 100:02d}",
            "notes": NOTES[a % len(NOTES)],
        }
        forms = [
            PartyForm(
                {
                    "role": "applicant",
                    "kind": "organisation",
                    "name": ORGS[a % len(ORGS)],
                    "credit_code": credit_code(self.serial),
                }
            )
        ]
        for i in range(1 + b % 3):
            forms.append(
                PartyForm(
                    {
                        "role": "debtor",
                        "kind": "person",
                        "name": NAMES[(a + i) % len(NAMES)],
                        "id_number": resident_id(self.serial * 3 + i),
                        "phone": f"1391234{(a + i) % 10000:04d}",
                    }
                )
            )
        party_ids = [uuid7() for _ in forms]
        forms = [PartyForm(f.values, pid) for f, pid in zip(forms, party_ids, strict=True)]
        case_id = uuid7()
        self._save_case(case_raw, forms, case_id)
        self.cases.append(case_id)
        self.parties.extend(party_ids)
        self.forms[case_id] = (case_raw, forms)

    def _save_case(self, case_raw: dict, forms: list[PartyForm], case_id: str) -> None:
        expected = self._expect("case", case_id, validate_case(case_raw, today=TODAY))
        for form in forms:
            values = validate_party(form.values, today=TODAY) | {"case_id": case_id}
            expected += self._expect("party", form.party_id, values)
        assert save_case(self.cf, case_raw, forms, case_id=case_id, today=TODAY) == case_id
        self.expected_changes += expected
        self._check_count()

    def case_field(self, case_id: str, b: int, c: int) -> None:
        field, value = [
            ("notes", NOTES[c % len(NOTES)]),
            ("officer", OFFICERS[c % len(OFFICERS)]),
            ("principal", c),
            ("interest", c // 7),
            ("cause", CAUSES[c % len(CAUSES)]),
            ("basis_effective_date", f"2020-{1 + c % 12:02d}-{1 + c % 28:02d}"),
        ][b % 6]
        self._save([Edit("case", {field: value}, case_id)])

    def party_field(self, party_id: str, field: str, value: Any) -> None:
        self._save([Edit("party", {field: value}, party_id)])

    def party_add(self, case_id: str, b: int) -> None:
        values = {"case_id": case_id, "role": "debtor", "kind": "person"}
        (party_id,) = self._save([Edit("party", values | {"name": NAMES[b % len(NAMES)]})])
        self.parties.append(party_id)

    def noop(self, case_id: str) -> None:
        """Save exactly what is there: must write nothing."""
        case = self.cf.get("case", case_id)
        before = journal_count(self.cf)
        self._save([Edit("case", dict(case.values), case_id, seen=case.versions)])
        assert journal_count(self.cf) == before

    def resave(self, case_id: str) -> None:
        """Save the case form as first typed: restores what was edited since, nothing more."""
        case_raw, forms = self.forms[case_id]
        self._save_case(case_raw, forms, case_id)

    # -- the invariants -----------------------------------------------------------------------
    def check_invariants(self, workdir: Path) -> None:
        cf = self.cf
        self._check_count()
        snapshot = cf.state_snapshot()
        assert values_only(snapshot) == self.model
        self._check_versions_follow_the_journal()
        self._check_rows_match_journal_records(snapshot)
        with CaseFile.open(workdir / "replay.sqlite3", create=True) as replay:
            replay.apply(list(journal_changes(cf.conn)), check_base=False)
            assert replay.state_snapshot() == snapshot
            assert search_tables(replay.conn) == search_tables(cf.conn)
        self._check_index_equals_a_rebuild()

    def _check_index_equals_a_rebuild(self) -> None:
        """The search tables, kept up to date edit by edit, equal ones built from scratch."""
        incremental = search_tables(self.cf.conn)
        with self.cf.transaction() as conn:
            search.rebuild_index(conn)
        assert search_tables(self.cf.conn) == incremental

    def _check_versions_follow_the_journal(self) -> None:
        origin: dict[str, str] = {}
        last: dict[tuple[str, str], tuple[str, Any]] = {}
        for change in journal_changes(self.cf.conn):
            origin.setdefault(change.record_id, change.change_id)
            for name, value in change.fields.items():
                last[change.record_id, name] = (change.change_id, value)
        for rt_name, rows in self.model.items():
            rt = RECORD_TYPES[rt_name]
            for record_id in rows:
                record = self.cf.get(rt_name, record_id)
                for f in rt.fields:
                    if (record_id, f.name) in last:
                        change_id, value = last[record_id, f.name]
                    else:  # never set by a change: the default, versioned by the creating change
                        change_id, value = origin[record_id], f.default
                    assert record.versions[f.name] == change_id, (rt_name, f.name)
                    assert record.values[f.name] == value, (rt_name, f.name)

    def _check_rows_match_journal_records(self, snapshot: dict) -> None:
        journaled: dict[str, set[str]] = defaultdict(set)
        for rt_name, record_id in self.cf.conn.execute(
            "SELECT record_type, record_id FROM journal"
        ):
            journaled[rt_name].add(record_id)
        for rt_name, rt in RECORD_TYPES.items():
            rows = self.cf.conn.execute(f"SELECT count(*) FROM {rt.table}").fetchone()[0]
            assert rows == len(journaled[rt_name]) == len(snapshot[rt_name])


OPS = [
    "create",
    "case_field",
    "party_name",
    "party_phone",
    "party_delete",
    "party_add",
    "noop",
    "resave",
    "renumber",
    "case_delete",
    "party_move",
]
op_strategy = st.tuples(
    st.sampled_from(OPS),
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.integers(0, 10**12),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(op_strategy, min_size=1, max_size=20))
def test_journal_invariants_hold_after_any_sequence_of_edits(ops: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with CaseFile.open(workdir / "casefile.sqlite3", create=True, officer="张伟") as cf:
            session = Session(cf)
            for op in ops:
                session.run(*op)
            session.check_invariants(workdir)


def test_journal_invariants_hold_after_a_few_hundred_random_edits(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    with CaseFile.open(tmp_path / "casefile.sqlite3", create=True, officer="张伟") as cf:
        session = Session(cf)
        for _ in range(300):
            session.run(
                rng.choice(OPS), rng.randrange(1000), rng.randrange(1000), rng.randrange(10**12)
            )
        assert len(session.cases) > 10
        session.check_invariants(tmp_path)


# -- single behaviours ------------------------------------------------------------------------


def new_case(cf: CaseFile, number: int = 12) -> str:
    (case_id,) = cf.save(
        [Edit("case", {"case_number": f"（2021）豫0302执{number}号", "filing_date": "2021-03-04"})]
    )
    return case_id


def test_no_op_save_writes_no_journal_row(case_file: CaseFile) -> None:
    case_id = new_case(case_file)
    case = case_file.get("case", case_id)
    before = journal_count(case_file)
    case_file.save([Edit("case", {"case_number": "（2021）豫0302执12号", "notes": ""}, case_id)])
    case_file.save([Edit("case", dict(case.values), case_id, seen=case.versions)])
    assert journal_count(case_file) == before == 1


def test_only_the_changed_fields_are_journaled(case_file: CaseFile) -> None:
    case_id = new_case(case_file)
    case_file.save(
        [Edit("case", {"case_number": "（2021）豫0302执12号", "notes": "已约谈"}, case_id)]
    )
    last = list(journal_changes(case_file.conn))[-1]
    assert last.fields == {"notes": "已约谈"}
    assert last.officer == "张伟"
    assert last.device == case_file.device


def test_save_with_stale_versions_is_refused_and_changes_nothing(
    case_file: CaseFile, unchanged
) -> None:
    case_id = new_case(case_file)
    seen = case_file.get("case", case_id).versions
    case_file.save([Edit("case", {"notes": "同步来的修改"}, case_id)])  # made meanwhile
    with unchanged(case_file), pytest.raises(ChangeRefused) as refused:
        case_file.save([Edit("case", {"notes": "本机的修改"}, case_id, seen=seen)])
    assert "已被修改" in refused.value.message
    assert case_file.get("case", case_id).values["notes"] == "同步来的修改"


def test_stale_versions_of_another_field_do_not_block_a_save(case_file: CaseFile) -> None:
    case_id = new_case(case_file)
    seen = case_file.get("case", case_id).versions
    case_file.save([Edit("case", {"notes": "同步来的修改"}, case_id)])
    case_file.save([Edit("case", {"officer": "李娜"}, case_id, seen=seen)])
    values = case_file.get("case", case_id).values
    assert (values["notes"], values["officer"]) == ("同步来的修改", "李娜")


def test_save_case_with_stale_versions_is_refused_and_changes_nothing(
    case_file: CaseFile, unchanged
) -> None:
    raw = {"case_number": "（2021）豫0302执12号", "filing_date": "2021-03-04", "notes": "甲"}
    parties = [
        PartyForm({"role": "applicant", "kind": "person", "name": "王五"}, uuid7()),
        PartyForm({"role": "debtor", "kind": "person", "name": "李四"}, uuid7()),
    ]
    case_id = save_case(case_file, raw, parties, today=TODAY)
    seen = case_file.get("case", case_id).versions
    case_file.save([Edit("case", {"notes": "乙"}, case_id)])
    with unchanged(case_file), pytest.raises(ChangeRefused, match="已被修改"):
        save_case(
            case_file, raw | {"notes": "丙"}, parties, case_id=case_id, seen=seen, today=TODAY
        )


def test_a_refused_edit_rolls_back_the_whole_save(case_file: CaseFile, unchanged) -> None:
    case_id = new_case(case_file)
    with unchanged(case_file), pytest.raises(ChangeRefused):
        case_file.save(
            [
                Edit("case", {"notes": "会被撤销"}, case_id),
                Edit(
                    "party",
                    {"case_id": case_id, "role": "debtor", "kind": "person", "name": "王五"},
                ),
                Edit("case", {"principal": -1}, case_id),
            ]
        )


BAD_CASE_VALUES = {
    "negative money": {"principal": -100},
    "float money": {"principal": 100.5},
    "float money with no fraction": {"interest": 100.0},
    "money as text": {"enforcement_fee": "100"},
    "money as a bool": {"principal": True},
    "money left empty": {"principal": None},
    "date not ISO": {"filing_date": "2021/03/04"},
    "date without zero padding": {"filing_date": "2021-3-4"},
    "impossible date": {"filing_date": "2021-02-30"},
    "compact date": {"filing_date": "20210304"},
    "unknown status": {"status": "pending"},
    "unknown closing method": {"closing_method": "执行完毕"},
    "flag out of range": {"deleted": 2},
    "text as a number": {"notes": 12},
}


@pytest.mark.parametrize("values", BAD_CASE_VALUES.values(), ids=BAD_CASE_VALUES.keys())
def test_bad_value_in_a_change_is_refused_and_nothing_is_written(
    case_file: CaseFile, unchanged, values: dict
) -> None:
    case_id = new_case(case_file)
    with unchanged(case_file), pytest.raises(ChangeRefused) as refused:
        case_file.save([Edit("case", values, case_id)])
    assert "不合规定" in refused.value.message
    assert next(iter(values)) in refused.value.message


@pytest.mark.parametrize("values", BAD_CASE_VALUES.values(), ids=BAD_CASE_VALUES.keys())
def test_bad_value_in_a_new_case_is_refused_and_nothing_is_written(
    case_file: CaseFile, unchanged, values: dict
) -> None:
    fields = {"case_number": "（2021）豫0302执13号", "filing_date": "2021-03-04"} | values
    with unchanged(case_file), pytest.raises(ChangeRefused, match="不合规定"):
        case_file.save([Edit("case", fields)])


def test_unknown_field_in_a_change_is_refused_and_nothing_is_written(
    case_file: CaseFile, unchanged
) -> None:
    case_id = new_case(case_file)
    change = Change(
        uuid7(),
        "case",
        case_id,
        {"judge": "张三"},
        {"judge": None},
        "张伟",
        case_file.device,
        utc_now(),
    )
    with unchanged(case_file), pytest.raises(ChangeRefused) as refused:
        case_file.apply([change])
    assert "没有字段" in refused.value.message
    assert "judge" in refused.value.message


def test_unknown_field_in_an_edit_is_refused_as_a_change_refused(
    case_file: CaseFile, unchanged
) -> None:
    """errors.ChangeRefused is documented as the error for an unknown field."""
    case_id = new_case(case_file)
    with unchanged(case_file), pytest.raises(ChangeRefused, match="没有字段"):
        case_file.save([Edit("case", {"judge": "张三"}, case_id)])


def test_changing_the_record_id_column_is_refused(case_file: CaseFile, unchanged) -> None:
    case_id = new_case(case_file)
    change = Change(uuid7(), "case", case_id, {"id": "x"}, {"id": None}, "", "", utc_now())
    with unchanged(case_file), pytest.raises(ChangeRefused):
        case_file.apply([change])


def test_new_party_of_a_missing_case_is_refused_and_nothing_is_written(
    case_file: CaseFile, unchanged
) -> None:
    new_case(case_file)
    party = {"case_id": uuid7(), "role": "debtor", "kind": "person", "name": "王五"}
    with unchanged(case_file), pytest.raises(ChangeRefused) as refused:
        case_file.save([Edit("party", party)])
    assert "所属案件不存在" in refused.value.message


def test_moving_a_party_to_a_missing_case_is_refused_and_nothing_is_written(
    case_file: CaseFile, unchanged
) -> None:
    case_id = new_case(case_file)
    (party_id,) = case_file.save(
        [Edit("party", {"case_id": case_id, "role": "debtor", "kind": "person", "name": "王五"})]
    )
    with unchanged(case_file), pytest.raises(ChangeRefused, match="所属案件不存在"):
        case_file.save([Edit("party", {"case_id": uuid7()}, party_id)])


def test_new_record_without_its_required_fields_is_refused(case_file: CaseFile, unchanged) -> None:
    with unchanged(case_file), pytest.raises(ChangeRefused, match="缺少必填项"):
        case_file.save([Edit("case", {"case_number": "（2021）豫0302执12号"})])


def test_change_to_a_missing_record_is_refused(case_file: CaseFile, unchanged) -> None:
    change = Change(uuid7(), "case", uuid7(), {"notes": "x"}, {"notes": uuid7()}, "", "", utc_now())
    with unchanged(case_file), pytest.raises(ChangeRefused, match="记录不存在"):
        case_file.apply([change])


def test_replay_of_a_demo_journal_rebuilds_the_same_state(
    demo_file: CaseFile, tmp_path: Path
) -> None:
    with CaseFile.open(tmp_path / "replay.sqlite3", create=True) as replay:
        replay.apply(list(journal_changes(demo_file.conn)), check_base=False)
        assert replay.state_snapshot() == demo_file.state_snapshot()
