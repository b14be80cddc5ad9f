"""The enforcement case's fixed vocabularies: English codes in storage, Chinese on screen."""

CASE_STATUSES = {"open": "执行中", "closed": "已结案"}

# 结案方式
CLOSING_METHODS = {
    "completed": "执行完毕",
    "termination": "终结本次执行程序",
    "ended": "终结执行",
    "withdrawn": "销案",
    "not_enforced": "不予执行",
    "rejected": "驳回申请",
}


def status_label(status: str, closing_method: str | None) -> str:
    """How a case's state reads on screen and in the command line: 执行中, or how it was closed."""
    if status == "closed":
        return CLOSING_METHODS.get(closing_method or "", CASE_STATUSES["closed"])
    return CASE_STATUSES.get(status, status)


PARTY_ROLES = {"applicant": "申请执行人", "debtor": "被执行人", "agent": "委托代理人"}
PARTY_KINDS = {"person": "自然人", "organisation": "法人或其他组织"}
SEXES = {"male": "男", "female": "女"}
AUTHORITIES = {"general": "一般授权", "special": "特别授权"}

# 执行依据的文书种类
BASIS_KINDS = (
    "民事判决书",
    "民事调解书",
    "民事裁定书",
    "支付令",
    "仲裁裁决书",
    "仲裁调解书",
    "公证债权文书",
    "刑事判决书",
    "行政判决书",
    "行政处罚决定书",
)

# The officer's words for each field, where a field is shown outside its own form (conflicts,
# rejected changes, the journal).
FIELD_LABELS = {
    "case": {
        "case_number": "案号",
        "court_code": "法院代字",
        "officer": "承办人",
        "filing_date": "立案日期",
        "cause": "案由",
        "basis_court": "执行依据作出法院",
        "basis_number": "执行依据文书案号",
        "basis_kind": "执行依据文书种类",
        "basis_effective_date": "执行依据生效日期",
        "principal": "本金",
        "interest": "利息",
        "interest_terms": "利息计算方式",
        "enforcement_fee": "执行费",
        "status": "状态",
        "closing_date": "结案日期",
        "closing_method": "结案方式",
        "notes": "备注",
        "deleted": "已删除",
    },
    "party": {
        "role": "身份",
        "kind": "类别",
        "name": "姓名或名称",
        "sex": "性别",
        "ethnicity": "民族",
        "birth_date": "出生日期",
        "id_number": "身份证号",
        "address": "住址或住所地",
        "phone": "电话",
        "credit_code": "统一社会信用代码",
        "legal_representative": "法定代表人",
        "represents": "代理的当事人",
        "authority": "授权",
        "authority_document": "授权委托书",
        "deleted": "已删除",
    },
    "attachment": {"name": "文件名", "note": "说明", "deleted": "已删除"},
}
RECORD_LABELS = {"case": "案件", "party": "当事人", "attachment": "附件", "conflict": "冲突"}


def field_label(record_type: str, field: str) -> str:
    return FIELD_LABELS.get(record_type, {}).get(field, field)
