from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history import register

from .identity import normalise_email, plain_address_problem, require_plain_address
from .m2m_history import EitherSideHistoricalRecords

UNAUDITED_FIELDS = {"password", "last_login"}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is needed to sign in")
        problem = plain_address_problem(email)
        if problem:
            raise ValueError(problem)
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        """The person an address names, typed in any case (accounts.identity).

        A look-alike spelling names nobody, even where it folds to a real address,
        and the match is exact on the one stored spelling, never the database's
        own case-insensitive match, which folds differently on PostgreSQL.
        """
        if plain_address_problem(email):
            raise self.model.DoesNotExist("No one signs in with a look-alike address")
        return self.get(email=normalise_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an officer of the council or a councillor."""

    # Stored in its one spelling (accounts.identity.normalise_email) and plain ASCII,
    # so the constraint on its lower case is unique however it is typed.
    email = models.EmailField("e-mail address", unique=True, validators=[require_plain_address])
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Who hears about this person's actions when they are long overdue.",
    )
    is_active = models.BooleanField(default=True)
    # Django's own flag, kept for its tools; the admin asks for a system
    # administrator (accounts.admin_site), so on its own it opens nothing.
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Django's staff flag. Only system administrators (superusers) may open "
        "the admin, whatever this says.",
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # The daily reminder digest (actions.reminders) always lists overdue, stale
    # and escalated actions; only the "due soon" part is a person's choice.
    reminders_due_soon = models.BooleanField(
        "remind me about actions due soon",
        default=True,
        help_text="Whether the daily reminder e-mail lists this person's actions due soon.",
    )

    # Password hashes and sign-in times are not part of the audit trail; the roles
    # a person holds (groups) and any permission given to them alone are.
    history = EitherSideHistoricalRecords(
        excluded_fields=sorted(UNAUDITED_FIELDS), m2m_fields=["groups", "user_permissions"]
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        permissions = [
            ("view_audit_log", "Can see the audit log of every change"),
            ("restore_deleted", "Can restore a deleted record from its history"),
            ("manage_roles", "Can give and remove roles"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
            # Kept in its one spelling: lower case, and nothing but printable ASCII,
            # so that a look-alike letter cannot make a second account that the
            # unique constraint above would take for a different address.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")) & ~models.Q(email__regex=r"[^!-~]"),
                name="user_email_in_its_one_spelling",
                violation_error_message=(
                    "An e-mail address is kept in lower case and plain letters and numbers."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("id")),
                name="user_not_own_line_manager",
                violation_error_message="Nobody can be their own line manager.",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("accounts:person_detail", args=[self.pk])

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean_line_manager(self):
        from .officers import is_scrutiny_member_id, not_a_line_manager_message

        if is_scrutiny_member_id(self.line_manager_id):
            raise ValidationError(
                {"line_manager": not_a_line_manager_message(self.line_manager)},
                code="scrutiny_member",
            )

    def clean(self):
        super().clean()
        self.clean_line_manager()
        if plain_address_problem(self.email):
            # The field's own validator has said so; folding it would only add a
            # second, misleading message about someone else's address.
            return
        self.email = normalise_email(self.email)
        # Said here, on the field, because the case-insensitive constraint can only
        # say "Constraint ... is violated", which tells nobody what to do.
        others = type(self)._default_manager.exclude(pk=self.pk)
        if self.email and others.filter(email=self.email).exists():
            raise ValidationError(
                {"email": "Someone already signs in with this e-mail address."}, code="unique"
            )

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= UNAUDITED_FIELDS:
            # Signing in (last_login) or a hasher upgrade (password) is not a change
            # anyone made to the record: no history row, which would show no change.
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    @property
    def public_label(self):
        """How scrutiny members see this person: by role, never by address."""
        return self.job_title or "Council officer"


# A role is a group: what each role may do (its permissions) is on the record too.
register(
    Group,
    app="accounts",
    records_class=EitherSideHistoricalRecords,
    m2m_fields=["permissions"],
)
