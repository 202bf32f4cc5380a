"""Page structure checks for rendered HTML, with the standard library's parser."""

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageStructure:
    """What a page is made of: its <title> texts and every id attribute, in order."""

    titles: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    tags_in_title: list[str] = field(default_factory=list)

    @property
    def duplicate_ids(self) -> list[str]:
        return sorted(i for i, n in Counter(self.ids).items() if n > 1)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageStructure()
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if self._in_title:
            self.page.tags_in_title.append(tag)
        if tag == "title":
            self._in_title = True
            self.page.titles.append("")
        for name, value in attrs:
            if name == "id" and value is not None:
                self.page.ids.append(value)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.page.titles[-1] += data


def page_structure(html: str) -> PageStructure:
    """Parse ``html``. <title> is raw text in a browser, so markup inside it (which the parser
    here reads as tags) shows up in ``tags_in_title``."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page
