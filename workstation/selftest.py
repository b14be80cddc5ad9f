"""`workstation --selftest`: does this installation do its job? For court IT after installing.

In a temporary folder, never the officer's data: a new encrypted case file, a case that passes the
termination check, its interview record and ruling printed to PDF and read back, the main window
rendered offscreen, and the log checked for personal data. One line per step with its time; exit
status 0 only when every step passed. The key comes from $WORKSTATION_PASSPHRASE or a random
passphrase made here (passphrase mode), so the user's keyring is never read or written.

The window step lives in `ui.selftest` (Qt); the command line passes it in as a step, so this
module stays free of Qt.
"""

import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from .domain.identity import check_digit
from .domain.measures import InquiryChannel
from .store.casefile import CaseFile, Edit

OFFICER = "张伟"
ONLINE_CHANNELS = tuple(channel.value for channel in InquiryChannel)


class StepFailed(Exception):
    """A self-test step found something wrong; the text says what (for court IT)."""


# -- a case that passes the termination check -------------------------------------------------
@dataclass(frozen=True)
class ReadyCase:
    """A case built by `build_ready_case`, with the personal values it holds (to look for them
    where they must not be, such as the log)."""

    case_id: str
    case_number: str
    applicant_id: str
    personal_values: tuple[str, ...]


def resident_id(division: str, birth: date, serial: int) -> str:
    """A well-formed 18-digit resident ID number (correct check digit) for invented people."""
    first17 = f"{division}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_digit(first17)


def build_ready_case(cf: CaseFile, today: date, serial: int = 1) -> ReadyCase:
    """A case that meets every condition of 法〔2016〕373号 on `today` except the interview with
    the applicant (hold it with `hold_interview`): notices served, the property report order and
    the debtor's report verified, the consumption restriction, the dishonest list, every online
    inquiry channel within the window, a field visit. The people and numbers are invented."""
    filed = today - timedelta(days=200)

    def on(days: int) -> str:
        return min(today - timedelta(days=7), filed + timedelta(days=days)).isoformat()

    case_number = f"（{filed.year}）豫0302执{serial}号"
    (case_id,) = cf.save(
        [
            Edit(
                "case",
                {
                    "case_number": case_number,
                    "filing_date": filed.isoformat(),
                    "court_code": "豫0302",
                    "officer": OFFICER,
                    "cause": "民间借贷纠纷",
                    "basis_court": "",
                    "basis_number": f"（{filed.year - 1}）豫0302民初{serial + 100}号",
                    "basis_kind": "民事判决书",
                    "principal": 12_345_600,
                    "interest": 0,
                    "interest_terms": "",
                    "enforcement_fee": 123_456,
                    "applicant_asked_for_termination": 0,
                },
            )
        ]
    )
    applicant = {
        "kind": "person",
        "name": "王秀英",
        "sex": "female",
        "ethnicity": "汉族",
        "birth_date": "1968-03-15",
        "id_number": resident_id("410303", date(1968, 3, 15), 242),
        "address": "河南省洛阳市西工区王城大道88号3号楼",
        "phone": "13803791234",
    }
    debtor = {
        "kind": "person",
        "name": "李建国",
        "sex": "male",
        "ethnicity": "汉族",
        "birth_date": "1975-09-02",
        "id_number": resident_id("410305", date(1975, 9, 2), 317),
        "address": "河南省洛阳市涧西区长安路16号",
        "phone": "15937905678",
    }
    applicant_id, debtor_id = cf.save(
        [
            Edit("party", {"case_id": case_id, "role": "applicant", **applicant}),
            Edit("party", {"case_id": case_id, "role": "debtor", **debtor}),
        ]
    )

    def measure(kind: str, when: str, result: str, **more: object) -> Edit:
        values = {"case_id": case_id, "kind": kind, "date": when, "result": result, **more}
        return Edit("measure", values)

    asked_on = (today - timedelta(days=20)).isoformat()
    cf.save(
        [
            measure("execution_notice", on(2), "已送达"),
            measure("property_report_order", on(2), "已送达"),
            measure("property_report_received", on(10), "申报无财产", debtor_id=debtor_id),
            measure("property_report_verified", on(12), "经核查，申报属实", debtor_id=debtor_id),
            measure("consumption_restriction", on(16), "已发出限制消费令"),
            measure("dishonest_list_entry", on(18), "已纳入失信被执行人名单"),
            *(
                measure("online_inquiry", asked_on, "未发现", channel=channel, found="no")
                for channel in ONLINE_CHANNELS
            ),
            measure("field_visit", on(40), "前往被执行人住所地调查，未发现可供执行的财产"),
        ]
    )
    personal = tuple(
        v for p in (applicant, debtor) for k, v in p.items() if k in ("id_number", "phone")
    )
    return ReadyCase(case_id, case_number, applicant_id, personal)


def hold_interview(cf: CaseFile, ready: ReadyCase, today: date) -> str:
    """The applicant agrees to ending the procedure, in a finalised and signed interview record
    (held a week before `today`); its document id."""
    from . import interview

    day = (today - timedelta(days=6)).isoformat()
    draft = interview.start_draft(cf, ready.case_id, officer=OFFICER)
    draft.data["header"] |= {
        "date": day,
        "start": "09:30",
        "end": "10:05",
        "place": "本院执行局约谈室",
        "method": "in_person",
        "officer": OFFICER,
        "recorder": "李娜",
        "interviewee_id": ready.applicant_id,
    }
    draft.data["notices_read"] = [n["id"] for n in draft.data["template"]["notices"]]
    draft.data["answers"] = {"understood": "听清楚了。", "new_clues": "no"}
    draft.data["opinion"] = {"choice": "agrees", "reasons": ""}
    doc_id = interview.finalise(cf, draft, today)
    interview.confirm_signed(cf, doc_id, {"signed_date": day}, today)
    return doc_id


# -- reading a PDF back without a PDF library ----------------------------------------------------
@dataclass(frozen=True)
class PdfFacts:
    pages: int
    embedded_fonts: int
    unembedded_fonts: tuple[str, ...]


def pdf_facts(data: bytes) -> PdfFacts:
    """Pages and fonts of a PDF as reportlab writes it (object dictionaries are not compressed).
    A font is embedded when its descriptor carries a font file; a Type 1 font without one
    (Helvetica and friends) would print in whatever the printer has."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise StepFailed("not a complete PDF file")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    embedded = len(re.findall(rb"/FontFile[23]?\s+\d+\s+\d+\s+R", data))
    bare = []
    for match in re.finditer(rb"/BaseFont\s*/([A-Za-z0-9+_\-]+)", data):
        name = match[1].decode("ascii")
        if name in ("Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats") or (
            name.split("-")[0] in ("Helvetica", "Times", "Courier")
        ):
            bare.append(name)
    return PdfFacts(pages, embedded, tuple(dict.fromkeys(bare)))


def check_pdf(path: Path, expected_pages: int) -> str:
    """Raise StepFailed unless the PDF at `path` has pages (as many as laid out) and embeds its
    fonts; a short description otherwise."""
    facts = pdf_facts(path.read_bytes())
    if facts.pages < 1:
        raise StepFailed(f"{path.name}: no pages")
    if facts.pages != expected_pages:
        raise StepFailed(f"{path.name}: {facts.pages} pages, the layout made {expected_pages}")
    if facts.embedded_fonts < 1 or facts.unembedded_fonts:
        raise StepFailed(
            f"{path.name}: fonts not embedded ({facts.embedded_fonts} embedded, "
            f"not embedded: {', '.join(facts.unembedded_fonts) or 'none'})"
        )
    return f"{facts.pages} 页/pages, {facts.embedded_fonts} 个嵌入字体/embedded fonts"


# -- running the steps --------------------------------------------------------------------------
@dataclass
class SelfTest:
    """The state the steps share: the folder, the open case file, what they made."""

    folder: Path
    today: date
    cf: CaseFile | None = None
    ready: ReadyCase | None = None
    files: dict[str, Path] = field(default_factory=dict)
    log_path: Path | None = None

    @property
    def case_path(self) -> Path:
        return self.folder / "data" / "casefile.sqlite3"


Step = tuple[str, Callable[[SelfTest], str]]


def _step_keyring(t: SelfTest) -> str:
    """The keyring backends are found (entry points) and this platform's own one loads; nothing
    is read from or written to the keyring."""
    from importlib.metadata import entry_points

    import keyring
    import keyring.backend

    names = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not names:
        raise StepFailed("no keyring backends registered (package metadata of keyring missing)")
    native = {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, "SecretService")
    if native not in names:
        raise StepFailed(f"the {native} keyring backend is not registered: {names}")
    next(e for e in entry_points(group="keyring.backends") if e.name == native).load()
    from .secrets import keyring_available

    if sys.platform in ("win32", "darwin") and not keyring_available():
        # Windows and macOS always have one: its absence means the bundle lacks the backend's
        # libraries (pywin32-ctypes on Windows).
        raise StepFailed(f"the {native} keyring backend is not usable")
    chosen = type(keyring.get_keyring())
    where = (
        f"{chosen.__module__}.{chosen.__name__}"
        if keyring_available()
        else "无（口令模式）/none (passphrase mode)"
    )
    return f"{len(names)} 个后端/backends; 本机/here: {where}"


def _step_new_file(t: SelfTest) -> str:
    from .logs import setup_logging
    from .store import keys

    t.log_path = setup_logging(t.case_path.parent)
    passphrase = os.environ.get(keys.PASSPHRASE_ENV) or secrets.token_urlsafe(18)
    made = keys.setup(t.case_path, passphrase=passphrase)
    t.cf = CaseFile.open(t.case_path, create=True, officer=OFFICER)
    header = t.case_path.read_bytes()[:16]
    if header.startswith(b"SQLite format 3"):
        raise StepFailed("the case file is not encrypted")
    return f"SQLCipher, {made.mode}"


def _step_demo(t: SelfTest) -> str:
    """The demo generator runs in a second process: this checks that a frozen program can start
    one (multiprocessing's spawn)."""
    from .demo import fill_demo
    from .store import queries

    assert t.cf is not None
    changes = fill_demo(t.cf, 20, seed=1)
    return f"{queries.count_cases(t.cf.conn)} 件/cases, {changes} changes"


def _step_case(t: SelfTest) -> str:
    assert t.cf is not None
    t.ready = build_ready_case(t.cf, t.today, serial=9001)
    return t.ready.case_number


def _step_interview(t: SelfTest) -> str:
    from . import interview
    from .documents import page_count, render_pdf

    assert t.cf is not None and t.ready is not None
    doc_id = hold_interview(t.cf, t.ready, t.today)
    held = interview.record(t.cf, doc_id)
    out = t.folder / "interview-record.pdf"
    render_pdf(held.document, out)
    t.files["interview"] = out
    return check_pdf(out, page_count(held.document))


def _step_readiness(t: SelfTest) -> str:
    from .enforcement import readiness

    assert t.cf is not None and t.ready is not None
    result = readiness(t.cf, t.ready.case_id, t.today)
    if not result.ready:
        unmet = [f.title for f in result.findings if f.status.value == "not_met"]
        raise StepFailed("the case does not pass the termination check: " + "; ".join(unmet))
    return f"{len(result.findings)} 项条件满足/conditions met"


def _step_ruling(t: SelfTest) -> str:
    from . import ruling
    from .documents import page_count, render_pdf

    assert t.cf is not None and t.ready is not None
    raw = ruling.ruling_form_defaults(t.cf, t.ready.case_id, t.today) | {"clerk": "李娜"}
    held = ruling.ruling_record(t.cf, ruling.issue_ruling(t.cf, t.ready.case_id, raw, t.today))
    out = t.folder / "ruling.pdf"
    render_pdf(held.document, out)
    t.files["ruling"] = out
    return f"{held.number}: " + check_pdf(out, page_count(held.document))


def _step_log(t: SelfTest) -> str:
    """The log file is written and holds none of the case's ID numbers or phone numbers."""
    from .logs import find_personal_data

    assert t.ready is not None and t.log_path is not None
    for handler in logging.getLogger().handlers:
        handler.flush()
    if not t.log_path.exists():
        raise StepFailed(f"no log file at {t.log_path}")
    text = t.log_path.read_text(encoding="utf-8")
    found = [v for v in t.ready.personal_values if v in text] + find_personal_data(text)
    if found:
        raise StepFailed(f"personal data in the log: {len(found)} item(s)")
    return f"{len(text.splitlines())} 行/lines"


CORE_STEPS: list[Step] = [
    ("钥匙串 / keyring backends", _step_keyring),
    ("新建加密案件数据 / new encrypted case file", _step_new_file),
    ("演示数据 / demo data (second process)", _step_demo),
    ("可终本的案件 / a case ready for termination", _step_case),
    ("约谈笔录 PDF / interview record PDF", _step_interview),
    ("终本条件核查 / termination check", _step_readiness),
    ("终本裁定 PDF / termination ruling PDF", _step_ruling),
]
LAST_STEPS: list[Step] = [("日志无个人信息 / log without personal data", _step_log)]


def run_selftest(
    extra_steps: list[Step] | None = None,
    *,
    out: TextIO | None = None,
    folder: Path | None = None,
    today: date | None = None,
) -> int:
    """Run every step, printing one line each; 0 when all passed, 1 at the first failure (the
    failing step and why are printed, the traceback goes to the log). `extra_steps` (the window)
    run after the core steps. The files go to `folder`, else to a temporary folder that is
    removed when every step passed and kept (its path printed) when one failed."""
    from . import __version__
    from .logs import stop_logging

    out = out or sys.stdout
    started = time.perf_counter()
    frozen = "，已打包 / frozen" if getattr(sys, "frozen", False) else ""
    print(f"自检 / self-test: 执行干警离线工作站 {__version__}{frozen}", file=out, flush=True)
    where = folder or Path(tempfile.mkdtemp(prefix="workstation-selftest-"))
    where.mkdir(parents=True, exist_ok=True)
    t = SelfTest(where, today or date.today())
    failed = ""
    try:
        for name, step in [*CORE_STEPS, *(extra_steps or []), *LAST_STEPS]:
            began = time.perf_counter()
            try:
                detail = step(t)
            except Exception as exc:  # every failure is reported, whatever it is
                # the traceback goes to stderr and the log file
                logging.getLogger(__name__).error("self-test step %s failed", name, exc_info=True)
                reason = str(exc) if isinstance(exc, StepFailed) else repr(exc)
                print(f"失败 FAIL  {name}: {reason}", file=out, flush=True)
                failed = name
                break
            took = time.perf_counter() - began
            print(f"通过 ok    {name} ({took:.2f} s): {detail}", file=out, flush=True)
    finally:
        if t.cf is not None:
            t.cf.close()
        stop_logging()
    if failed:
        print(f"自检未通过 / self-test FAILED: {failed}; 文件/files: {where}", file=out, flush=True)
        return 1
    if folder is None:
        shutil.rmtree(where, ignore_errors=True)
    total = time.perf_counter() - started
    print(f"自检通过 / self-test passed ({total:.1f} s)", file=out, flush=True)
    return 0
