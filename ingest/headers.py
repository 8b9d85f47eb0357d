"""What a table's header and cells say: RACI letters and their Chinese words (負責, 核定, 會辦), and which
column names each row's owner, the units supporting it, a directory's units, their parents or sub-units,
or (in a form) the unit the form is about. Read by tables.py and columns.py."""

from __future__ import annotations

import re

ROLE_WORDS = {
    "負責": "R", "负责": "R", "主责": "R", "主責": "R", "主办": "R", "主辦": "R", "牵头": "R", "牽頭": "R", "执行": "R", "執行": "R",
    "批准": "A", "审批": "A", "審批": "A", "审核": "A", "審核": "A", "决策": "A", "決策": "A",
    "諮詢": "C", "咨询": "C", "协同": "C", "協同": "C", "配合": "C", "协助": "C", "協助": "C",
    "知會": "I", "知会": "I", "通知": "I", "告知": "I",
    # a 分層負責明細表's words: 擬辦 drafts and does, 核定 decides, 會辦 / 會簽 co-sign, 核閱 reads
    "擬辦": "R", "拟办": "R", "核定": "A", "核准": "A", "決行": "A", "决行": "A",
    "會辦": "C", "会办": "C", "會簽": "C", "会签": "C", "核閱": "I", "核阅": "I",
}
# A column headed by a post, not a unit (a 分層負責明細表's levels: 課長, 部門主管, 總經理): its letters say
# which level signs, not which unit does the work.
POST_HEADER = re.compile(r"(?:[长長]|主管|[经經]理|人[员員]|主任|[总總][监監]|manager|director|head|officer|lead)$|^第\s*[一二三四五六七八九十\d]+\s*[层層级級]$|^(?:level|tier)\s*\d+$", re.I)  # a post, or a level of sign-off (第一層)
_WORD = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
RACI_CELL = re.compile(rf"^(?:[RACIS]|{_WORD})(?:\s*[/,、&+\s]?\s*(?:[RACIS]|{_WORD}))*$", re.I)
TASK_HEADER = re.compile(r"^(task|activity|activities|deliverable|process|work|item|事项|事項|任务|任務|工作|活动|活動|流程|职责|職責)", re.I)
# 「负责部门」, 「承辦單位」, 「办理科室」, 「受理機構」: a verb of handling before a word for a unit
_HANDLES_ZH = "负责|負責|主责|主責|责任|責任|牵头|牽頭|归口|歸口|主办|主辦|承办|承辦|办理|辦理|受理|实施|實施|经办|經辦|对口|對口|处理|處理"
_UNIT_ZH = "部门|部門|单位|單位|科室|处室|處室|机构|機構|部室"
OWNER_HEADER = re.compile(
    r"^(owner|owners|owning team|owner team|owner teams|team|teams|responsible|responsible team|responsible unit|"
    r"responsible department|department responsible|team responsible|lead team|lead department|owning department|"
    r"service owner|process owner|owning function|business owner|handling team|accountable team|"
    r"owner dept|owner department|owning dept|responsible dept|dept responsible|"
    r"first contact|first point of contact|point of contact|primary contact|who to contact|handled by|"
    rf"unit|department|dept|who|who owns|who approves|{_UNIT_ZH}|(?:{_HANDLES_ZH})(?:{_UNIT_ZH})|负责人|負責人)$",
    re.I,
)
# A directory of units: the first column names one unit a row ("Team | Part of | Lead | What we do").
_UNIT_COLUMN = (r"team|teams|team name|department|departments|department name|unit|units|office|offices|division|"
                r"sub-team|subteam|"
                r"[一二三]級單位|[一二三]级单位|[一二三]級部門|[一二三]级部门|部門別|部门别|小组|小組|组别|組別|股別|股别|課別|课别|科別|科别|"
                r"部门|部門|部门名称|部門名稱|单位|單位|单位名称|單位名稱|科室|机构|機構|机构名称|機構名稱|团队|團隊")
# "二级部门 / 小组": a column of units named two ways
UNIT_HEADER = re.compile(rf"^(?:{_UNIT_COLUMN})(?:\s*[/／]\s*(?:{_UNIT_COLUMN}))*$", re.I)
# A column headed by unit words alone, one level of an org table: 「部門 | 室／部／中心 | 組／中心 | 主要職掌」
LEVEL_HEADER = re.compile(r"^(?:部|處|处|室|組|组|科|課|课|股|隊|队|中心)(?:\s*[/／、]\s*(?:部|處|处|室|組|组|科|課|课|股|隊|队|中心))*$")
# Its column that names each unit's parent.
PARENT_HEADER = re.compile(r"^(part of|parent|parent team|parent unit|reports to|belongs to|directorate|division|"
                           r"上级部门|上級部門|所属部门|所屬部門|所属中心|所屬中心|所屬處|所属处|"
                           r"隶属部门|隸屬部門|上级单位|上級單位|归属部门|歸屬部門)$", re.I)
# Its column that lists each unit's own sub-units (「所屬課別」: 人事課、總務課).
CHILD_HEADER = re.compile(r"^(sub-teams|subteams|teams within|下设科室|下設科室|下设机构|下設機構|内设机构|內設機構|所屬課別|所属科别|所屬科室|所属科室|下設單位|下设单位|下設部門|下设部门|下設|下设|下轄|下辖|"
                          r"下屬部門|下属部门|下轄單位|下辖单位|所屬單位|所属单位)$", re.I)
# A table of units' short names: a code / abbreviation column beside their full names (「代碼／簡稱 | 單位全名」,
# "Team | Abbrev."), with maybe their English names: the codes a RACI's columns or a flow chart use.
_CODE = r"code|codes|abbr\.?|abbrev\.?|abbreviation|short name|short form|acronym|代碼|代码|代號|代号|簡稱|简称|縮寫|缩写"
CODE_HEADER = re.compile(rf"^(?:{_CODE})(?:\s*[/／]\s*(?:{_CODE}))?$", re.I)
FULL_NAME_HEADER = re.compile(r"^(?:full name|full unit name|unit name|team name|department name|name|全名|全稱|全称|"
                              r"單位全名|单位全名|單位全稱|单位全称|部門全名|部门全名|完整名稱|完整名称)$", re.I)
ENGLISH_HEADER = re.compile(r"^(?:english|english name|英文|英文名|英文名稱|英文名称|英文全名)$", re.I)
SUPPORT_HEADER = re.compile(
    r"^(support|supporting|supporting teams?|contributors?|consulted|informed|helpers?|also involved|escalate to|"
    r"support group|support team|resolver group|"
    r"escalation|escalation contact|escalation point|second line|升级至|升級至|上报|上報|"
    r"配合部门|配合部門|协办部门|協辦部門|协同部门|協同部門|协助部门|協助部門|配合单位|配合單位|相关部门|相關部門)$",
    re.I,
)


def roles(cell: str) -> set[str]:
    """R/A/C/I in one RACI cell ('A/R', 'RA', '主责/审批' -> {'R','A'}); empty when it is not one."""
    value = cell.strip()
    if not value or not RACI_CELL.match(value):
        return set()
    found = set()
    for word, role in ROLE_WORDS.items():
        if word in value:
            found.add(role)
            value = value.replace(word, " ")
    found |= {ch.upper() for ch in value if ch.upper() in "RACIS"}
    if "S" in found:  # RASCI's Support counts as consulted
        found = (found - {"S"}) | {"C"}
    return found


NUMBER_CELL = re.compile(r"\s*[A-Za-z]{0,3}[-\d.、]*\d[-\d.、]*\s*|\s*[壹貳參肆伍陸柒捌玖拾一二三四五六七八九十]+、.*")  # 19, 7-1, A.3, 「肆、財務」


def column_name(header: str) -> str:
    """"Service Owner (team)" is the Service Owner column, 「责任科室（牵头）」 the 责任科室 one: the parenthesis
    qualifies the column, it does not name it."""
    return re.sub(r"\s*[（(][^()（）]{1,20}[)）]\s*$", "", header).strip()


# The other fields of a unit's form (a charter, a 部门职责说明书's table per department: 「部门名称 | X」 then
# 「部门职责 | …」): what it does, who leads it, how to reach it. With the unit's own field they tell a form
# from a directory whose first column is headed 部门名称 / Team (tables.py).
FORM_FIELD = re.compile(
    r"^(?:mission|purpose|scope|remit|charter|responsibilities|duties|what we do|we own|what we own|owns|lead|leads|"
    r"team lead|manager|head|contact|contacts|slack|channel|channels|email|e-mail|phone|escalation|headcount|"
    r"last reviewed|location)$|职责|職責|职能|職能|负责人|負責人|联系|聯絡|联络|电话|電話|邮箱|郵箱|编制|編制",
    re.I,
)
# A form's row about other units' work, not the form's own: "We don't own (go to …)", 「主要协作部门」
NOT_OWN_FIELD = re.compile(r"\b(?:don't|do not|doesn't|does not|not|isn't|never)\b|不负责|不負責|不属于|不屬於|非本|协作|協作|"
                           r"配合|协同|協同|协助|協助|相关部门|相關部門|\bsupport|\bwork with|\bhand-?offs?\b", re.I)

# A form's field that says which unit the form is about: a job description's 「所属部门 | 人资部 | 所属科室/组 |
# 薪酬绩效科」, "Department | Finance".
OWN_FIELD = re.compile(
    rf"^(?:所[属屬]|所在|隶属|隸屬)?(?:{_UNIT_ZH}|科[别別]|[组組][别別])(?:\s*[/／]\s*[组組])?(?:名称|名稱)?$"
    r"|^(?:department|team|unit|division|section)(?: name)?$",
    re.I,
)
