"""The off-topic yardstick: how much of an everyday question a corpus's words already cover."""

from assistant.index.keyword import KeywordIndex
from ingest import background

SMALL = ["The Payroll team runs salaries.", "Recruiting hires people.", "薪酬绩效科负责工资核算。"]
# A larger corpus whose words reach into everyday topics: the same off-topic question finds more of its words.
LARGE = SMALL + [
    "The kitchen team cooks chicken, rice and banana bread for the office; recipes are on the wiki.",
    "Facilities checks the weather forecast before the offsite: rain or snow moves it indoors.",
    "Engineers write code in Python and fix every bug in the app before a release.",
    "行政部负责食堂的菜谱和天气预报提醒，周末下雨时活动改到室内。",
] * 3


def _index(texts: list[str]) -> KeywordIndex:
    return KeywordIndex.build([f"c{i}" for i in range(len(texts))], texts, ())


def test_everyday_questions_cover_more_of_a_larger_vocabulary():
    small, large = background.lexical(_index(SMALL)), background.lexical(_index(LARGE))
    assert set(small) == set(large) == {"en", "zh"}
    for fam in ("en", "zh"):
        cov_mean, cov_std, kw_mean, kw_std = large[fam]
        assert cov_mean > small[fam][0] and kw_mean > small[fam][2]
        assert cov_std >= 0.02 and kw_std >= 0.02 and 0 <= cov_mean <= 1 and 0 <= kw_mean < 1
