"""The admin's pages for people. Only system administrators reach the admin at all
(accounts/admin_site.py); here it keeps the service's rules about people: roles
follow accounts.granting, a line manager is an officer, and every change to roles
and permissions is recorded like any other."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.urls import reverse

from .admin_site import HistoryAdmin
from .granting import role_problems
from .identity import EmailAddressField
from .models import User
from .officers import officers
from .roles import MANAGE_ROLES


class UserCreationForm(forms.ModelForm):
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "line_manager"]
        field_classes = {"email": EmailAddressField}

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


def _is_manage_roles(permission):
    return f"{permission.content_type.app_label}.{permission.codename}" == MANAGE_ROLES


class UserChangeForm(DjangoUserChangeForm):
    """The admin's change page for a person, held to the same role rules as the
    service's roles page."""

    class Meta(DjangoUserChangeForm.Meta):
        model = User
        field_classes = {"email": EmailAddressField}

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is None:
            return cleaned
        permissions = cleaned.get("user_permissions")
        problems = role_problems(
            self.instance,
            {group.name for group in groups},
            manages_roles=None
            if permissions is None
            else any(_is_manage_roles(permission) for permission in permissions),
            is_superuser=cleaned.get("is_superuser", self.instance.is_superuser),
        )
        for problem in problems:
            field = "groups" if problem.field == "roles" else "user_permissions"
            self.add_error(field if field in self.fields else None, problem.message)
        return cleaned


class OfficersOnlyInAutocomplete:
    """The admin's type-ahead for an action's owner or a person's line manager
    offers officers only (accounts.officers); the models refuse a councillor too."""

    officer_fields = {"owner", "line_manager"}

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if (
            request.path == reverse("admin:autocomplete")
            and request.GET.get("field_name") in self.officer_fields
        ):
            queryset = officers(queryset)
        return queryset, may_have_duplicates


@admin.register(User)
class UserAdmin(OfficersOnlyInAutocomplete, HistoryAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "line_manager", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "job_title"]
    autocomplete_fields = ["line_manager"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("About", {"fields": ["full_name", "job_title", "line_manager"]}),
        ("Reminders", {"fields": ["reminders_due_soon"]}),
        (
            "Roles",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
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
    filter_horizontal = ["groups", "user_permissions"]


# A role is a group: its history (who gave it which permission) shows in the admin too.
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(HistoryAdmin, GroupAdmin):
    pass
