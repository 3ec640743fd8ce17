"""The message catalogs: Chinese is the default language, so every page text must have a real Chinese translation.

No database and no server: these tests read the `.po` files, the templates and the Python sources only. A text
that is missing from the Chinese catalog would silently show up in English to a Chinese visitor, so it fails here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from gigplatform.accounts.models import Role, ShopPermission, Standing
from web import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "web" / "templates"
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
# `_("...")` or `_('...')` in a template; `_(user.role.value)` and other expressions are covered by ENUM_WORDS.
TEMPLATE_LITERAL = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def po(locale: str) -> Catalog:
    """The catalog as written in the repository (not compiled), so flags and empty strings are visible."""
    with (i18n.TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def message_ids(catalog: Catalog) -> set[str]:
    return {m.id for m in catalog if m.id and isinstance(m.id, str)}


def template_literals() -> set[str]:
    """Every literal message id the templates pass to `_()`."""
    found: set[str] = set()
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in TEMPLATE_LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def extracted_ids() -> set[str]:
    """What `make messages` would extract today, with the project's babel.cfg and the N_ keyword."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ):
        ids.update([message] if isinstance(message, str) else [m for m in message if m])
    return ids


def test_every_chinese_message_is_translated() -> None:
    catalog = po("zh_Hans")
    assert len(message_ids(catalog)) > 50, "the Chinese catalog looks empty: run `make messages` and translate"
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == [], f"zh_Hans msgstr is empty for: {untranslated}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == [], f"zh_Hans entries still marked fuzzy (Babel ignores them when compiling): {fuzzy}"


def test_chinese_translations_are_chinese() -> None:
    """A copied English id would pass the emptiness check yet still show English to a Chinese visitor."""
    not_chinese = [
        m.id for m in po("zh_Hans") if m.id and isinstance(m.string, str) and m.string and not HAN.search(m.string)
    ]
    assert not_chinese == []


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_placeholders_match(locale: str) -> None:
    """A translation that drops or renames `%(name)s` raises KeyError (or loses data) when the page renders."""
    mismatched = []
    for m in po(locale):
        if not m.id or not isinstance(m.id, str) or not m.string:
            continue
        if sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(str(m.string))):
            mismatched.append((m.id, m.string))
        if PLACEHOLDER.search(m.id):
            assert "python-format" in m.flags, f"{m.id!r} should carry the python-format flag"
    assert mismatched == []


def test_both_catalogs_hold_the_same_ids() -> None:
    """Both catalogs come from one template; a difference means one of them was not updated."""
    assert message_ids(po("zh_Hans")) == message_ids(po("en"))


def test_template_texts_are_in_the_chinese_catalog() -> None:
    literals = template_literals()
    assert "Sign in" in literals and "Hello, %(name)s" in literals, "the template scan found too little"
    missing = sorted(literals - message_ids(po("zh_Hans")))
    assert missing == [], f"template texts missing from zh_Hans (run `make messages`): {missing}"


def test_rule_messages_come_out_chinese_with_their_values() -> None:
    """The pages show a rule's own message (marked `N_` where the rule lives) translated at run time, with its values
    put in: each accounts rule's words reach the catalog and come out Chinese, with the limit in them."""
    from gigplatform.accounts import service as accounts
    from gigplatform.errors import DomainError

    zh = i18n.catalog("zh")
    refusals = [
        lambda: accounts.normalize_login("123"),
        lambda: accounts.check_password("abc1"),
        lambda: accounts.check_password("a1" * 100),
        lambda: accounts.check_password("abcdefgh"),
        lambda: accounts.check_display_name(""),
        lambda: accounts.check_display_name("\u202e"),
        lambda: accounts.check_shop_name("x" * 65),
    ]
    for refuse in refusals:
        with pytest.raises(DomainError) as caught:
            refuse()
        (error,) = caught.value.errors
        assert error.template in message_ids(po("zh_Hans")), error.template
        words = zh.gettext(error.template) % (error.params or {})
        assert HAN.search(words), words
        assert all(str(v) in words for v in (error.params or {}).values()), words


def test_enum_words_cover_the_models_and_are_translated() -> None:
    """Templates show `_(user.role.value)` and the like; every value of these enums needs a word in the catalog."""
    values = {e.value for enum in (Role, Standing, ShopPermission) for e in enum}
    assert values <= set(i18n.ENUM_WORDS), f"add to web.i18n.ENUM_WORDS: {sorted(values - set(i18n.ENUM_WORDS))}"
    zh = i18n.catalog("zh")
    for word in i18n.ENUM_WORDS:
        assert word in message_ids(po("zh_Hans")), f"missing from zh_Hans: {word!r}"
        assert HAN.search(zh.gettext(word)), f"not translated at run time: {word!r}"


def test_the_vocabulary_is_the_products() -> None:
    """The words Taobao sellers and agents know; a drift here changes what every page says."""
    zh = i18n.catalog("zh")
    expected = {
        "worker": "云客服",
        "seller": "商家",
        "admin": "管理员",
        "good": "良好",
        "warned": "警告",
        "restricted": "受限",
        "banned": "封禁",
        "owner": "主账号",
        "billing": "财务",
        "configuration": "配置",
        "read_only": "只读",
        "Sign in": "登录",
        "Register": "注册",
        "Sign out": "退出登录",
        "Add sub-account": "添加子账号",
        "Mobile number or e-mail": "手机号或邮箱",
    }
    assert {k: zh.gettext(k) for k in expected} == expected


def test_catalog_is_up_to_date_with_the_sources() -> None:
    """Every text the sources mark (templates, `_()` and `N_()` in Python) is in the catalog, and nothing stale is."""
    extracted = extracted_ids()
    catalog = message_ids(po("zh_Hans"))
    assert sorted(extracted - catalog) == [], "new texts: run `make messages` and translate them"
    assert sorted(catalog - extracted) == [], "stale texts: run `make messages` to drop them"


def test_english_falls_back_to_the_ids_and_names_the_enums() -> None:
    en = i18n.catalog("en")
    assert en.gettext("Sign in") == "Sign in"
    assert en.gettext("read_only") == "Read-only"
    assert en.gettext("Hello, %(name)s") % {"name": "Li"} == "Hello, Li"


def test_the_default_language_is_chinese() -> None:
    assert i18n.pick_language(None) == "zh"
    assert i18n.pick_language("fr") == "zh"
    assert i18n.catalog("zh").gettext("Hello, %(name)s") % {"name": "小王"} == "小王，您好"
