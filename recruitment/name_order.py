"""Names in the order a Chinese reader looks them up: by pinyin (李 before 张), syllable by syllable, tone numbers
breaking ties, the characters themselves after that. Latin letters sort among the syllables, in lower case.

The key is stored beside the legal name (`applications.legal_name_key`) so the review list can sort by an index.
The legal name itself is stored in plain text, so its pinyin reveals nothing the row does not already show; were
the name ever encrypted, this key would have to go with it (a pinyin key would tell who someone is).
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

KEY_MAX = 320  # 40 characters of at most 7 letters and a space each, with room for Latin names

# A surname is read differently from the same character in a word; these are the common ones pypinyin reads
# as the word.
SURNAMES = {
    "单": "shan4",
    "曾": "zeng1",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "区": "ou1",
    "查": "zha1",
    "盖": "ge3",
    "乐": "yue4",
    "翟": "zhai2",
    "尉": "yu4",
    "缪": "miao4",
    "种": "chong2",
    "覃": "qin2",
    "黑": "he4",
    "秘": "bi4",
    "召": "shao4",
    "沈": "shen3",
    "任": "ren2",
    "蔺": "lin4",
}


def name_sort_key(name: str) -> str:
    """The pinyin key of a legal name: 张三 is "zhang1 san1", 单雄信 "shan4 xiong2 xin4", Amy Qian "amy qian"."""
    name = " ".join(name.split())
    head = SURNAMES.get(name[:1])
    rest = name[1:] if head else name
    syllables = ([head] if head else []) + lazy_pinyin(rest, style=Style.TONE3, neutral_tone_with_five=True)
    words = " ".join(" ".join(s.lower().split()) for s in syllables if s.strip())
    return words[:KEY_MAX]
