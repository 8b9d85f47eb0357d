"""Business functions a question is about (assistant/verdict/topics.py) and whether the documents cover them."""

from assistant.verdict import topics

MARKETING_HANDBOOK = [
    "Marketing runs the company blog, the newsletter and paid advertising campaigns.",
    "People Ops handles annual leave requests, payroll questions and the employee handbook.",
    "人力资源部负责考勤、培训和员工档案。",
]


def test_the_lexicon_is_data_one_function_per_term():
    lex = topics.lexicon()
    functions = set(lex.latin.values()) | set(lex.chinese.values())
    assert len(functions) >= 20 and {"it_support", "legal", "payroll_compensation"} <= functions
    seen: dict[str, str] = {}
    section = ""
    for line in topics.TOPICS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#"):
            assert seen.setdefault(line.lower(), section) == section, line  # never under two functions
    assert all(sum(1 for f in lex.chinese.values() if f == name) >= 10 for name in functions)  # Chinese too


def test_terms_are_found_as_people_write_them():
    assert topics.topics("my vpn keeps dropping and the printers are jammed") == {"it_support": {"vpn", "printer"}}
    assert topics.topics("Who handles a Password Reset?") == {"it_support": {"password reset"}}
    # Traditional Chinese is read in Simplified, as the lexicon is
    assert topics.topics("我的筆記型電腦連不上公司VPN了") == {"it_support": {"笔记型电脑", "vpn"}}
    assert "legal" in topics.topics("跟代理商签的合同要找谁做法务审核?")
    # a word inside another word is not the term: "apply" is not "app", "nda" is not in "agenda"
    assert "legal" not in topics.topics("What is on the agenda for Monday?")
    assert topics.topics("Who sets product prices?") == {}


def test_a_question_about_a_function_the_documents_never_mention_is_uncovered():
    covered = topics.presence(MARKETING_HANDBOOK)
    assert "it_support" not in covered and "hr_people" in covered
    assert topics.uncovered("My VPN is down and my laptop will not boot, who fixes it?", covered) == 1.0
    assert topics.uncovered("How many days of annual leave do I get?", covered) == 0.0
    # half of what it asks about is covered
    assert topics.uncovered("Who approves sick leave when my laptop died?", covered) == 0.5
    # fewer than COVERED words of a function, but the very word asked about is in the documents: covered
    assert len(covered.get("learning_development", ())) < topics.COVERED
    assert topics.uncovered("新人培训归哪个部门?", covered) == 0.0
    # functions beyond the usual departments: R&D, government affairs
    assert topics.uncovered("新产品的研发立项归哪个部门?", covered) == 1.0
    assert topics.uncovered("Who prepares the government subsidy application?", covered) == 1.0
    # no function named, or an index built before topics were counted: nothing is said
    assert topics.uncovered("Who writes the slogans?", covered) is None
    assert topics.uncovered("My VPN is down", None) is None


def test_words_with_an_everyday_sense_besides_the_function_name_none():
    """"Which teams …" is no question about Microsoft Teams, "deals with" none about sales, a factory's
    workshop none about training, Leeds none about LEED."""
    assert topics.topics("Which teams handle refunds at the town hall?") == {"customer_support": {"refund"}}
    assert topics.topics("Who deals with the offer of a promotion? The workshop in Leeds should monitor it.") == {}
    assert topics.topics("Can't join the call on Microsoft Teams") == {"it_support": {"microsoft teams"}}
