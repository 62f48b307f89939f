"""The menu each person sees: only the places their role lets them use."""

from django.urls import NoReverseMatch, reverse

from .access import may

# (label, url name, the question that decides whether it shows). Each entry's
# test receives the user; the pages themselves check again on the server.
MENU = [
    ("Home", "home", lambda user: True),
    ("Inspections", "inspections:inspection_list", lambda user: _may_view(user, "inspection")),
    ("Visits", "inspections:visit_list", lambda user: _may_view(user, "visit")),
    ("Areas of concern", "inspections:area_list", lambda user: _may_view(user, "areaofconcern")),
    ("Actions", "actions:action_list", lambda user: _may_view(user, "improvementaction")),
    ("My actions", "actions:my_actions", lambda user: not _is_read_only(user)),
    ("Audit log", "accounts:audit_log", lambda user: may(user, "view_history")),
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
    return items


def navigation(request):
    """Context processor: the menu and the person's roles for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    from .access import _group_names

    return {"navigation": menu_for(request), "user_roles": sorted(_group_names(user))}
