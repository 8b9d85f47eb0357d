"""The verdict's reading of a question (assistant/verdict/verdict.py)."""

import pytest

from assistant.text import fold
from assistant.verdict.verdict import WHICH_TEAM, YES_NO

# Department names are cut out of the question before it is read (answer.py): "" is where one stood.
GUESSES = [
    "Is payroll run by ?",
    "The cache package must belong to  since they ship its exporter, right?",
    "Badges are Security's thing, so I should ask , correct?",
    "Finance keeps the books, so I guess they're the ones doing the count?",
    "物料编码应该是负责的吧？",
    "那这个项目是不是归？",
    "劳动争议不是一直在处理吗，这个官司也归跟？",
    "報稅是在處理嗎?",
]
QUESTIONS = [
    "Who runs payroll?",
    "Which team owns the billing dashboard?",
    "新员工的社保找哪个部门?",
    "展會的攤位誰在賣?",
    "We need a banner for the trade fair; who designs it?",
]


@pytest.mark.parametrize("question", GUESSES)
def test_a_question_that_checks_a_guess_is_read_as_one(question):
    assert YES_NO.search(fold(question))


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_that_asks_for_the_owner_is_not(question):
    assert not YES_NO.search(fold(question))


# Sections, offices and divisions are the teams inside a Chinese-language department (科, 科室, 室, 處, 課, 中心).
INSIDE = ["报销单要交给财务哪个科审?", "宿舍热水器坏了找行政部哪个科室?", "這歸法務哪個室?", "Which team inside Finance does the audit?"]


@pytest.mark.parametrize("question", INSIDE)
def test_a_question_about_a_team_inside_a_department_is_read_as_one(question):
    assert WHICH_TEAM.search(fold(question))


@pytest.mark.parametrize("question", ["Who runs payroll?", "新员工的社保找哪个部门?", "科技項目的補貼歸哪個部門?", "實驗室的設備誰管?", "這筆費用記哪個科目?", "新人要上哪个课程?", "财务说这笔钱投哪个股票?"])
def test_a_question_about_the_owner_is_not_about_a_team_inside(question):
    assert not WHICH_TEAM.search(fold(question))
