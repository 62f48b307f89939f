"""Reading the figures pages in tests: what a row of the month's page posts, the
page's text, and its error summary's links."""

import html as html_module
import re


def row(measure, value="", england="", neighbours="", note="", seen=None, page=None):
    """What the page posts for one measure; ``seen`` as the page drew it."""
    if seen is None:
        seen = page.context["form"][f"seen_{measure.pk}"].value() if page else ""
    return {
        f"value_{measure.pk}": value,
        f"england_{measure.pk}": england,
        f"neighbours_{measure.pk}": neighbours,
        f"note_{measure.pk}": note,
        f"seen_{measure.pk}": seen,
    }


def text_of(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html_module.unescape(text))


def error_links(response):
    html = response.content.decode()
    summary = html[html.index("govuk-error-summary") :]
    summary = summary[: summary.index("</ul>")]
    return [
        (href, html_module.unescape(text))
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    ]


def assert_refused(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "<title>Error: " in html
