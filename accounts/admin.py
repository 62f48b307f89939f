from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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
