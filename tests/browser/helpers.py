"""What the browser tests do to pages: find the control that leads to a kind of page,
fill in a form by its fields' names, send it, read what went wrong."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from .. import walk

# The form a page is about: in the main content, never the sign-out form in the banner.
MAIN_FORM = "main form[method=post], main form[method=POST]"


def page_name(page):
    """The URL name of the page the browser is on."""
    try:
        return resolve(urlsplit(page.url).path).view_name
    except Resolver404:
        return None


def link_to(page, predicate, description):
    """The first link in the main content to a page for which ``predicate(Page)`` holds."""
    pages = walk.pages_by_name()
    html = page.content()
    for kind, url, _method, name in walk.controls(html, urlsplit(page.url).path):
        if kind == "link" and name in pages and predicate(pages[name]):
            locator = page.locator(f'main a[href="{url}"]')
            if locator.count():
                return locator.first
    raise AssertionError(f"{page.url} has no link to {description}")


def adds(model):
    """A predicate: the page adds a record of ``model``."""
    return lambda p: p.verb == "add" and p.instance_model is model


def fill(form, values):
    """Type ``values`` (field name -> text, or a list for several boxes) into ``form``."""
    for name, value in values.items():
        boxes = form.locator(f'[name="{name}"]')
        if not boxes.count():
            raise AssertionError(f"the form has no field named {name!r}")
        first = boxes.first
        tag = first.evaluate("e => e.tagName.toLowerCase()")
        kind = (first.get_attribute("type") or "").lower()
        wanted = value if isinstance(value, list) else [value]
        if tag == "select":
            first.select_option([str(v) for v in wanted])
        elif kind in {"checkbox", "radio"}:
            if kind == "checkbox" and wanted == ["on"] and boxes.count() == 1:
                first.check()
                continue
            for v in wanted:
                form.locator(f'[name="{name}"][value="{v}"]').check()
        else:
            first.fill(str(value))


def submit(page, form=None):
    """Press the form's own button and wait for the page that answers."""
    form = form or page.locator(MAIN_FORM).first
    button = form.locator("button[type=submit], input[type=submit], button:not([type])").first
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def error_summary(page):
    summary = page.locator(".govuk-error-summary")
    return summary.inner_text() if summary.count() else ""


def assert_no_errors(page, doing):
    problem = error_summary(page)
    assert not problem, f"{doing}: the form was sent back: {problem}"


def wait_for_error_summary_focus(page, timeout=5_000):
    """GOV.UK Frontend moves focus to the error summary once its script has run."""
    page.wait_for_function(
        "() => document.activeElement && "
        "document.activeElement.classList.contains('govuk-error-summary')",
        timeout=timeout,
    )


def edit_controls(page, pages):
    """Links and forms on the page as the browser shows it that lead to a write
    (sign-in and sign-out aside), and buttons outside a search form."""
    found = []
    for kind, url, method, name in walk.controls(page.content(), urlsplit(page.url).path):
        if name in walk.SESSION_PAGES:
            continue
        if (name in pages and pages[name].is_write) or (kind == "form" and method == "post"):
            found.append(f"{kind} to {url} ({name})")
    buttons = page.evaluate(
        """() => [...document.querySelectorAll(
                'main button, main input[type=submit], main [role=button]')]
            .filter(b => !b.closest('form') || b.closest('form').method !== 'get')
            .filter(b => !b.hasAttribute('aria-controls') && !b.closest('details'))
            .map(b => (b.innerText || b.value || '').trim())"""
    )
    found.extend(f"button {text!r}" for text in buttons)
    return found


def visit(page, url):
    """Go to ``url``; the response, or None when the server sends a file to save.

    A download is read to its end before this returns. The live server on SQLite
    shares one in-memory connection between its request threads, so a streamed
    export still being read while the next page is asked for would have two
    requests interleave their savepoints on that one connection.
    """
    from playwright.sync_api import Error as PlaywrightError

    downloads = []

    def keep(download):
        downloads.append(download)

    page.on("download", keep)
    try:
        return page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        download = downloads[0] if downloads else page.wait_for_event("download")
        download.path()  # waits until the last byte has arrived
        return None
    finally:
        page.remove_listener("download", keep)
