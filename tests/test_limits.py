"""The text patterns of gigplatform/limits.py: what they let through, and that their tables match unicodedata."""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Annotated

import msgspec
import pytest

from gigplatform.errors import rule_of
from gigplatform.limits import INVISIBLE_CLASS, NOT_BLANK, VISIBLE, VISIBLE_SPACES, is_invisible, pattern_rule, text

Name = Annotated[str, text(8, pattern=VISIBLE)]
Title = Annotated[str, text(8, pattern=NOT_BLANK)]


def _ranges(hit) -> str:  # type: ignore[no-untyped-def]
    parts, start = [], None
    for cp in range(sys.maxunicode + 2):
        on = cp <= sys.maxunicode and hit(chr(cp))
        if on and start is None:
            start = cp
        elif not on and start is not None:
            end = cp - 1
            parts.append(_esc(start) if start == end else f"{_esc(start)}-{_esc(end)}")
            start = None
    return "".join(parts)


def _esc(cp: int) -> str:
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def test_the_written_out_classes_match_this_pythons_unicode_tables() -> None:
    assert unicodedata.category("\u200b") == "Cf"
    assert _ranges(is_invisible) == INVISIBLE_CLASS
    assert _ranges(lambda ch: ch.isspace() and not is_invisible(ch)) == VISIBLE_SPACES


@pytest.mark.parametrize("good", ["小店", " 小 店 ", "a", "Ä" * 8])
def test_visible_names_pass(good: str) -> None:
    assert msgspec.convert(good, Name) == good


@pytest.mark.parametrize("bad", ["", "   ", "\u200b\u200b", "a\u202eb", "\u2066x", "a\tb", "\x00", "\ue000"])
def test_invisible_or_empty_names_are_refused_as_visible_characters(bad: str) -> None:
    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.convert(bad, Name)
    assert pattern_rule(str(refused.value))[0] == rule_of(str(refused.value)) == "visible_characters"  # type: ignore[index]


@pytest.mark.parametrize(("value", "ok"), [("x", True), (" x ", True), ("", False), ("   ", False), ("\n\t", False)])
def test_not_blank(value: str, ok: bool) -> None:
    try:
        msgspec.convert(value, Title)
    except msgspec.ValidationError as refused:
        assert not ok and rule_of(str(refused)) == "length"
    else:
        assert ok


def test_a_long_hostile_name_is_refused_quickly() -> None:
    """The pattern is linear: leading spaces and the first visible character are disjoint classes."""
    assert re.match(VISIBLE, " " * 200_000 + "\u200b") is None


def test_a_pattern_needs_its_rule() -> None:
    with pytest.raises(ValueError):
        text(8, pattern="^a")


def test_required_text_names_the_rule_required() -> None:
    from gigplatform.limits import REQUIRED

    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.convert(" \n ", Annotated[str, text(8, pattern=REQUIRED)])
    assert rule_of(str(refused.value)) == "required"
