"""Legal names sort the way a Chinese reader looks them up: by pinyin, syllable by syllable (issue 16)."""

from __future__ import annotations

from recruitment.name_order import KEY_MAX, name_sort_key


def test_names_sort_by_pinyin_not_by_code_point() -> None:
    names = ["张伟", "李娜", "王芳", "陈静", "赵敏", "Amy Qian", "李", "李四", "林一", "吕布", "绿"]
    ordered = sorted(names, key=lambda n: (name_sort_key(n), n))
    assert ordered == ["Amy Qian", "陈静", "李", "李娜", "李四", "林一", "吕布", "绿", "王芳", "张伟", "赵敏"]
    assert sorted(["张三", "李四"]) == ["张三", "李四"]  # code points put 张 first; pinyin does not
    assert name_sort_key("李四") < name_sort_key("张三")


def test_a_syllable_sorts_before_a_longer_one_and_tones_break_ties() -> None:
    assert name_sort_key("李") < name_sort_key("李四") < name_sort_key("林一")  # li, li si, lin
    assert name_sort_key("吕布") < name_sort_key("绿")  # lv3 before lv4


def test_common_surnames_read_as_surnames() -> None:
    assert name_sort_key("单田芳").startswith("shan4 ")
    assert name_sort_key("曾小贤").startswith("zeng1 ")
    assert name_sort_key("解缙").startswith("xie4 ")


def test_latin_names_and_spacing() -> None:
    assert name_sort_key("  Amy   Qian ") == "amy qian"
    assert name_sort_key("阿依古丽·买买提").startswith("a1 yi1 gu3 li4")
    assert len(name_sort_key("张" * 40)) <= KEY_MAX and len(name_sort_key("A" * 400)) == KEY_MAX
