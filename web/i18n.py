"""Translations for the pages: Babel message catalogs, Simplified Chinese first, English second.

Message ids are English; `translations/<locale>/LC_MESSAGES/messages.po` holds the catalogs (`make messages`
re-extracts them). Catalogs are compiled in memory at start-up, so there is no build step and no binary in git.
The locale of the current request lives in a context variable that the templates' `_()` reads.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCALES = {"zh": "zh_Hans", "en": "en"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "gig_lang"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@cache
def catalog(language: str) -> NullTranslations:
    """The compiled catalog for a language code ('zh' or 'en'); English ids fall through untranslated."""
    po_path = TRANSLATIONS_DIR / LOCALES[language] / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as fh:
        parsed = read_po(fh, locale=LOCALES[language])
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(buffer)


def pick_language(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LOCALES else DEFAULT_LANGUAGE


def gettext(message: str) -> str:
    return catalog(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(current_language.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a message for extraction without translating it now (`pybabel extract -k N_`)."""
    return message


# Values shown through `_(value)` in templates: roles, standings, shop permissions, and recruitment's tracks,
# round and application statuses and timeline actors.
ENUM_WORDS = (
    N_("worker"),
    N_("seller"),
    N_("admin"),
    N_("good"),
    N_("warned"),
    N_("restricted"),
    N_("banned"),
    N_("owner"),
    N_("billing"),
    N_("configuration"),
    N_("read_only"),
    N_("pre_sales"),
    N_("after_sales"),
    N_("complaints"),
    N_("draft"),
    N_("open"),
    N_("closed"),
    N_("submitted"),
    N_("identity_pending"),
    N_("screening_failed"),
    N_("typing"),
    N_("training"),
    N_("exam"),
    N_("certified"),
    N_("waitlisted"),
    N_("rejected"),
    N_("withdrawn"),
    N_("applicant"),
    N_("system"),
)
