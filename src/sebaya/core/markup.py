"""User text to HTML: the one place where markdown is rendered, always sanitised with nh3.

HTML typed into a field is escaped before markdown sees it (it shows as typed). Markdown's
output is then cleaned with nh3 (a maintained sanitiser,
Rust's ammonia): a short list of tags, no attributes but a link's href and title, links only
to http, https and mailto, and rel="nofollow noopener noreferrer" on every link. Script and
style elements are removed with their content; event handlers, style attributes, javascript:
and data: URLs never survive.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import markdown as markdown_lib  # type: ignore[import-untyped]
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_INPUT = 200_000


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown (line breaks kept, as people type them) to sanitised HTML."""
    if not text:
        return SafeString("")
    # HTML typed by a writer is shown as text, not interpreted: only markdown makes markup.
    source = str(text)[:MAX_INPUT].replace("&", "&amp;").replace("<", "&lt;")
    html = markdown_lib.markdown(
        source,
        extensions=["nl2br", "sane_lists"],
        output_format="html",
    )
    # nh3 is the sanitiser: everything markdown produced (or let through) is cleaned here.
    return mark_safe(clean_html(html))  # noqa: S308


def safe_url(url: str | None) -> str:
    """The URL if its scheme is http, https or mailto (or it is relative), else ""."""
    if not url:
        return ""
    text = str(url).strip()
    if any(ord(ch) < 32 for ch in text):
        return ""
    scheme = urlsplit(text).scheme.lower()
    if scheme and scheme not in URL_SCHEMES:
        return ""
    if not scheme and text.startswith("//"):
        return ""
    return text


def plain(text: str | None) -> str:
    """Escaped text, for places where no markup is allowed at all."""
    return escape(text or "")
