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
