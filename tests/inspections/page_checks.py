"""What the view tests of inspections and findings read off a page: the GOV.UK
error summary, the links it carries, and how many history rows exist."""

import html.parser
import re

from django.apps import apps
from simple_history.models import HistoricalChanges


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.links = []
        self.summary_links = []
        self.title = ""
        self._in_title = False
        self._summary_depth = 0
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        classes = (attrs.get("class") or "").split()
        if self._summary_depth:
            self._summary_depth += 1
        elif "govuk-error-summary" in classes:
            self._summary_depth = 1
        if tag == "title":
            self._in_title = True
        if tag == "a" and attrs.get("href"):
            self._link = [attrs["href"], ""]
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "a" and self._link is not None:
            if self._summary_depth:
                self.summary_links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if self._summary_depth:
            self._summary_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._link is not None:
            self._link[1] += data


def parse(response):
    page = _Page()
    page.feed(response.content.decode())
    page.title = " ".join(page.title.split())
    return page


def error_messages(response):
    """The error summary's messages, having checked it is a proper one: the title
    starts "Error: ", it says "There is a problem", and each message links to an
    element of the page."""
    page = parse(response)
    content = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert page.title.startswith("Error: "), page.title
    assert "There is a problem" in content
    assert page.summary_links, "the error summary lists no message"
    for href, message in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, f"{message} links to {href}"
    return [message for _href, message in page.summary_links]


def history_rows():
    """History rows of every audited model: a refused request adds none."""
    return sum(
        model._default_manager.count()
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
    )


def links(response):
    return parse(response).links


def text(response):
    """The page's main content as plain words, for order and presence checks."""
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())
