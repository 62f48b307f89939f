"""The menu each person sees: only the places their role lets them use."""

from django.urls import NoReverseMatch, reverse

from .access import may

# (label, url name, the question that decides whether it shows). Each entry's
# test receives the user; the pages themselves check again on the server.
MENU = [
    ("Home", "home", lambda user: True),
    ("Dashboard", "progress:dashboard", lambda user: may(user, "view_dashboard")),
    ("Inspections", "inspections:inspection_list", lambda user: _may_view(user, "inspection")),
    ("Visits", "inspections:visit_list", lambda user: _may_view(user, "visit")),
    ("Areas of concern", "inspections:area_list", lambda user: _may_view(user, "areaofconcern")),
    ("Measures", "measures:measure_list", lambda user: _may_view(user, "measure")),
    # An officer who supplies a measure's figures but holds no role has no list of
    # measures to start from: this is their way in (the team's is the list's button).
    (
        "Enter figures",
        "measures:figures_entry",
        lambda user: may(user, "enter_figures") and not _may_view(user, "measure"),
    ),
    ("Actions", "actions:action_list", lambda user: _may_view(user, "improvementaction")),
    ("Progress", "progress:scrutiny_matrix", lambda user: _may_view(user, "visit")),
    ("My actions", "actions:my_actions", lambda user: not _is_read_only(user)),
    ("Audit log", "accounts:audit_log", lambda user: may(user, "view_history")),
    ("People", "accounts:people", lambda user: _may_view(user, "user")),
    # Anyone may own actions, so anyone may want their due dates in a calendar.
    ("Feeds and downloads", "progress:token_list", lambda user: True),
]


def _may_view(user, model_name):
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return may(user, "view", model)
    return False


def _is_read_only(user):
    from .access import is_read_only

    return is_read_only(user)


def menu_for(request):
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    for label, url_name, allowed in MENU:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # a part of the service that is not installed
        if allowed(user):
            active = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    # One place is current: where one menu address starts another (/progress/ and
    # /progress/tokens/), the longer, nearer one.
    current = max(
        (item for item in items if item["active"]), key=lambda i: len(i["url"]), default=None
    )
    for item in items:
        item["active"] = item is current
    return items


def navigation(request):
    """Context processor: the menu and the person's roles for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    from .access import _group_names

    return {"navigation": menu_for(request), "user_roles": sorted(_group_names(user))}
