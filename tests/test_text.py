from assistant.text import clean, fold, has_content, in_script, script


def test_fold_meets_simplified_and_traditional_and_variants():
    assert fold("用户留存率") == fold("用戶留存率")
    assert fold("公关部") == fold("公關部")
    # the source mixes variant spellings; both fold to one form
    assert fold("關系") == fold("關係")
    assert fold("發布會") == fold("發佈會")


def test_fold_width_and_case():
    assert fold("ＡＰＰ上架") == fold("app上架")
    assert fold("?") == "?"


def test_script_detection():
    assert script("新聞稿和危機公關歸誰管?") == "zh-Hant"
    assert script("用户留存率低该找哪个部门?") == "zh-Hans"
    assert script("who sets product prices?") == "en"
    assert script("Who owns 拉新?") == "en"


def test_in_script_converts_only_for_simplified():
    assert in_script("這是公關部的工作", "zh-Hans") == "这是公关部的工作"
    assert in_script("這是公關部的工作", "zh-Hant") == "這是公關部的工作"


def test_clean_drops_controls_and_lone_surrogates():
    assert clean("a\x00b\u200bc") == "a bc"
    assert "\ud800" not in clean("x\ud800y")
    assert not has_content("?!…🙂")
    assert has_content("PR")


def test_chinese_share_counts_passages_not_letters():
    """A bilingual corpus (READMEs in both languages, code in the Chinese ones) is partly Chinese."""
    from assistant.text import chinese_share, is_chinese

    assert is_chinese("运维SIG负责 A-Ops 和 gala-gopher 的维护")
    assert not is_chinese("The Ops SIG maintains A-Ops and gala-gopher.")
    passages = ["负责内核的维护", "The Kernel SIG maintains the kernel.", "Build tooling lives in the CI SIG."]
    assert chinese_share(passages) == 1 / 3
    assert chinese_share([]) == 0.0
