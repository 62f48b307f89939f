"""The home page everyone lands on after signing in; ``progress.home`` decides
what it shows each person."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .home import home_for


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "progress/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = home_for(self.request)
        return context
