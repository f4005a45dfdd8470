"""Markdown written in the portal (staff's report texts, discussion comments), rendered safely.

`markdown` turns the text into HTML; `nh3` (the ammonia sanitiser) then keeps only plain
text markup: no images (WeasyPrint would fetch them), no raw HTML, no scripts or styles,
links only to http(s) and mailto. Headings move down two levels, so that staff's "# Title"
sits under the report's own section heading.
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}
_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _shift_heading(match: re.Match) -> str:
    return f"<{match.group(1)}h{min(6, int(match.group(2)) + 2)}"


def render_markdown(text: str) -> SafeString:
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 - empty
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = _HEADING.sub(_shift_heading, html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
