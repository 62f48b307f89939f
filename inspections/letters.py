"""A visit's letter as a page shows it.

Letters come in as text taken from Ofsted's PDFs and Word files, which marks
headings, bold and lists the Markdown way ("### **Headline findings**", "- item").
The text is read by markdown-it-py (CommonMark, raw HTML switched off, so a
``<script>`` in a letter stays text), given GOV.UK's classes, and what comes out
goes through nh3, an allow-list sanitiser, so only the few tags a letter needs
ever reach the page, whatever the text holds.
https://markdown-it-py.readthedocs.io/ https://nh3.readthedocs.io/
"""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

# The page around a letter has its own h1 and an h2 for the letter: the letter's
# own headings start at h3, whatever level the text gave them.
TOP_HEADING = 3
HEADING_CLASSES = {"h3": "govuk-heading-s", "h4": "govuk-heading-s", "h5": "govuk-heading-s"}

CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
    "blockquote_open": "govuk-inset-text",
}

ALLOWED_CLASSES = {
    "p": {"govuk-body"},
    "h3": {"govuk-heading-s"},
    "h4": {"govuk-heading-s"},
    "h5": {"govuk-heading-s"},
    "ul": {"govuk-list", "govuk-list--bullet"},
    "ol": {"govuk-list", "govuk-list--number"},
    "a": {"govuk-link"},
    "blockquote": {"govuk-inset-text"},
}
ALLOWED_TAGS = set(ALLOWED_CLASSES) | {"li", "strong", "em", "br"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _style(tokens):
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(max(int(token.tag[1]), TOP_HEADING), 5)
            token.tag = f"h{level}"
            if token.type == "heading_open":
                token.attrSet("class", HEADING_CLASSES[token.tag])
        elif token.type == "image":
            # An image in a letter is a conversion's leftover, never something to
            # load from elsewhere: its description stays, as text.
            token.type, token.tag, token.attrs, token.children = "text", "", {}, None
        elif token.type in CLASSES:
            token.attrSet("class", CLASSES[token.type])
        if token.children:
            _style(token.children)


def letter_html(text):
    """The letter's text as safe HTML: GOV.UK paragraphs, headings and lists."""
    if not (text or "").strip():
        return ""
    tokens = _parser.parse(text)
    _style(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},  # and the classes above, no others
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Safe to mark: nh3 has just kept only the tags, classes and links allowed above.
    return mark_safe(clean)  # noqa: S308  # nosec B308 B703
