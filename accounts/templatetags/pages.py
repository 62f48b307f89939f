from django import template

register = template.Library()


@register.filter
def page_numbers(page_obj, on_each_side=1):
    """The page numbers to offer around the current page, with the paginator's
    ellipsis where a run is left out, as GOV.UK pagination shows them."""
    return page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=on_each_side, on_ends=1
    )
