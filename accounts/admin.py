from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from simple_history.admin import SimpleHistoryAdmin

from .models import User


class UserCreationForm(forms.ModelForm):
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "line_manager"]

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError("The two passwords do not match.")
        return second

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "line_manager", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "job_title"]
    autocomplete_fields = ["line_manager"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("About", {"fields": ["full_name", "job_title", "line_manager"]}),
        ("Reminders", {"fields": ["reminders_due_soon"]}),
        ("Roles", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "job_title",
                    "line_manager",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    filter_horizontal = ["groups"]


@never_cache
def sign_in_to_the_admin(request, extra_context=None):
    """The admin's sign-in page, replaced by the service's own.

    There is one way in, with one lockout (django-axes) and one GOV.UK page saying
    when a locked account can be tried again. Someone signed in who may not use
    the admin is refused rather than asked to sign in again.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if admin.site.has_permission(request):
        return redirect(next_url)
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(next_url, login_url=settings.LOGIN_URL)


admin.site.login = sign_in_to_the_admin
