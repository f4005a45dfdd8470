"""The ids and same-page links of an HTML page, read with the standard library's parser."""

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.fragment_links: list[tuple[str, str]] = []  # (target id, link text)
        self._link: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") is not None:
            self.ids.append(attrs["id"])
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self._link, self._text = href[1:], []

    def handle_data(self, data):
        if self._link is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.fragment_links.append((self._link, " ".join("".join(self._text).split())))
            self._link = None


def parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser


def duplicate_ids(html: str) -> list[str]:
    return sorted(i for i, n in Counter(parse(html).ids).items() if n > 1)
