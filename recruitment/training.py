"""Training content: Markdown rendered to safe HTML (no raw HTML, no script links), as every page shows it."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    # CommonMark with raw HTML off: tags in the source are shown as text, and markdown-it refuses
    # javascript:, vbscript:, file: and data: links (except images), so a module cannot carry script.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(source: str) -> str:
    return _renderer().render(source or "")
