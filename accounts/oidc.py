"""Signing in with a council account through OpenID Connect (mozilla-django-oidc).

Switched on by OIDC_RP_CLIENT_ID (config/settings/oidc.py). The council's identity
provider (Microsoft Entra ID, usually) vouches for the person; this service then
decides who they are here, by e-mail address, and what they may do, by their role
here alone:

- a person is matched by the ``email`` claim, in any case, to an account here,
  through the address's one spelling (accounts.identity); a claim written with a
  look-alike letter matches no one and makes no account;
- with no account, none is made, unless OIDC_CREATE_USERS is set; an account made
  that way has no role (no group), no password and no admin access, until the
  improvement team gives it a role;
- an account that is switched off (not active) cannot sign in this way either.
"""

import requests
from django.conf import settings
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from .audit import acting_as
from .identity import normalise_email, plain_address_problem
from .security import client_ip_address, logger, user_agent


def email_claim(claims):
    """The e-mail address the provider vouches for, in its one spelling as addresses
    are stored here, or "" when it sent none or one that is not plain."""
    claimed = claims.get("email") or ""
    if plain_address_problem(claimed):
        return ""
    return normalise_email(claimed)


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching people by e-mail address and never
    giving anyone a role."""

    def authenticate(self, request, **kwargs):
        # Only the provider's callback (CouncilAccountCallbackView) passes a nonce.
        # A password sign-in also reaches every backend, and its URL's query string
        # could carry a "code": it is not this backend's to answer.
        if "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            # The provider could not be reached or refused the code: the person is
            # sent back to the sign-in page, not shown a server error.
            logger.warning(
                "Single sign-on failed: the identity provider could not be used: %s",
                type(error).__name__,
                extra={
                    "event": "single_sign_on_failed",
                    "reason": f"identity provider request failed ({type(error).__name__})",
                    "ip_address": client_ip_address(request),
                    "user_agent": user_agent(request),
                },
            )
            return None

    def verify_claims(self, claims):
        # The library's own check warns on any scopes but its default; what matters
        # here is only that an e-mail address came.
        return bool(email_claim(claims))

    def filter_users_by_claims(self, claims):
        email = email_claim(claims)
        self.email_tried = email
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email=email)

    def create_user(self, claims):
        """A new account for the address, with no role and no password. Only called
        when OIDC_CREATE_USERS is set."""
        email = email_claim(claims)
        name = (claims.get("name") or "").strip() or email
        user = self.UserModel(email=email, full_name=name[:150])
        user.set_unusable_password()
        # The person made their own account by signing in: the history row says so.
        acting_as(user, user)
        user.save()
        logger.info(
            "Single sign-on created an account for %s, with no role",
            email,
            extra={"event": "single_sign_on_account_created", "user": email, "user_id": user.pk},
        )
        return user

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            email = getattr(self, "email_tried", "")
            logger.warning(
                "Single sign-on failed for %s: no account here has that e-mail address",
                email,
                extra={
                    "event": "single_sign_on_failed",
                    "username": email,
                    "reason": "no account with this e-mail address",
                    "ip_address": client_ip_address(self.request),
                    "user_agent": user_agent(self.request),
                },
            )
        return user


class CouncilAccountCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends people back. On failure: the sign-in page, saying
    that single sign-on did not work, and a line in the security log."""

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        from .views import SINGLE_SIGN_ON_FAILED

        request = self.request
        user = getattr(self, "user", None)
        if request.GET.get("error"):
            reason = f"identity provider said {request.GET['error'][:100]}"
        elif user is not None and not user.is_active:
            reason = "account is switched off"
        elif user is None and "code" in request.GET:
            reason = "not signed in by the identity provider's answer"
        else:
            reason = "callback without an authorisation code"
        logger.warning(
            "Single sign-on failed: %s",
            reason,
            extra={
                "event": "single_sign_on_failed",
                "username": user.email if user is not None else None,
                "reason": reason,
                "ip_address": client_ip_address(request),
                "user_agent": user_agent(request),
            },
        )
        if not request.user.is_authenticated:
            request.session[SINGLE_SIGN_ON_FAILED] = True
        return super().login_failure()
