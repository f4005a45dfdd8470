"""What each recorded action is called on the staff's audit log page.

The log stores stable verbs ("submission.screened"); this maps them to a translated label
for the page and the action filter. An action missing here is still shown, as its verb:
add a line when you record a new one. Each app keeps its own verbs in
`<app>/audit_actions.py` and registers them in its AppConfig.ready() (portal cannot import
the apps above it); a test fails when a verb recorded in the code has no label.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # The log itself.
    "audit.exported": _("Audit log exported"),
    "audit.purged": _("Old audit events purged"),
    # Accounts (portal.audit_signals and portal.services.accounts).
    "user.signed_up": _("Account created"),
    "user.signed_in": _("Signed in"),
    "user.sign_in_failed": _("Sign-in failed"),
    "user.signed_out": _("Signed out"),
    "user.profile_updated": _("Profile updated"),
    "user.mfa_added": _("Second factor added"),
    "user.mfa_removed": _("Second factor removed"),
    "user.mfa_reset": _("Recovery codes renewed"),
    "user.mfa_failed": _("Second factor refused"),
    "user.recovery_code_used": _("Recovery code used"),
    "user.password_changed": _("Password changed"),
    "user.password_set": _("Password set"),
    "user.password_reset": _("Password reset"),
    "user.email_added": _("Email address added"),
    "user.email_removed": _("Email address removed"),
    "user.email_confirmed": _("Email address confirmed"),
    "user.email_changed": _("Primary email address changed"),
    # Organisations.
    "organisation.created": _("Organisation created"),
    "organisation.updated": _("Organisation updated"),
    "invitation.created": _("Invitation sent"),
    "invitation.revoked": _("Invitation withdrawn"),
    "invitation.accepted": _("Invitation accepted"),
    "membership.added": _("Member added"),
    "membership.removed": _("Member removed"),
    # Workshops.
    "workshop.created": _("Workshop created"),
    "workshop.updated": _("Workshop updated"),
    "workshop.reviews_released": _("Reviews released to submitters"),
    "workshop.reviews_withdrawn": _("Reviews hidden from submitters"),
    # API tokens.
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
}


def register_actions(actions: dict) -> None:
    """Add an app's verbs and labels to the registry (from its AppConfig.ready())."""
    ACTIONS.update(actions)


def action_label(action: str) -> str:
    """The action's label, or the verb itself for an action nobody named yet."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """(verb, label) of every known action, by label, for the filter."""
    return sorted(((verb, str(label)) for verb, label in ACTIONS.items()), key=lambda c: c[1])
