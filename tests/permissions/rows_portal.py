"""Core pages: home, dashboard, profile, legal pages, workshops, organisations."""

from tests.permissions.matrix import (
    MFA,
    OK,
    REDIRECT,
    STAFF,
    Row,
    each,
    expect,
    signed_in,
    staff_only,
)

ORG_ADMINS = ("org_admin", *STAFF)


def _organisation(w):
    return {"code": w.organisation.code}


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _workshop_form(w):
    return {
        "title": "Matrix call",
        "description": "",
        "venue": "Brussels",
        "event_date": "2027-06-01",
        "timezone": "Europe/Brussels",
        "submission_opens_at": "2027-03-01T09:00",
        "submission_closes_at": "2027-03-28T23:59",
        "review_deadline": "2027-04-30T23:59",
        "phase_override": "",
        "review_visibility": "after_own",
        "justification_min_length": "20",
        "reminder_days": "7,2",
    }


# Only the organisation's administrators and staff manage it; its members see it (403),
# everyone else does not (404).
def _manage(outcome):
    return signed_in(404, evaluator=403, **each(ORG_ADMINS, outcome))


ROWS = [
    # --- public pages -----------------------------------------------------------------
    Row("portal:home", get=signed_in(REDIRECT, anonymous=200)),
    # Legal pages and the language switch stay open to staff without a second factor.
    Row("portal:privacy", get=expect(200)),
    Row("portal:accessibility", get=expect(200)),
    Row(
        "portal:set_language",
        get=expect(405),
        post=expect(REDIRECT),
        data=lambda w: {"language": "en", "next": "/"},
    ),
    # The scripts' translations: the same for everyone, staff setting up MFA included.
    Row("portal:javascript_catalog", kwargs=lambda w: {"language": "fr"}, get=expect(200)),
    Row(
        "portal:javascript_catalog",
        state="language not offered",
        kwargs=lambda w: {"language": "xx"},
        get=expect(404),
    ),
    Row("portal:workshop_detail", kwargs=_workshop, get=expect(200, staff_nomfa=MFA)),
    Row(
        "portal:workshop_detail",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=expect(404, staff_nomfa=MFA, **each(STAFF, 200)),
    ),
    # The link in an organisation invitation: the invitation is for someone else, so
    # members hear they already belong (409), others that it is not theirs (403).
    Row(
        "portal:invitation_accept",
        kwargs=lambda w: {"token": w.org_invitation_token},
        get=signed_in(403, anonymous=200, evaluator=409, org_admin=409),
        post=signed_in(403, anonymous=200, evaluator=409, org_admin=409),
    ),
    # --- every signed-in person -------------------------------------------------------
    Row("portal:dashboard", get=signed_in(200)),
    # Anyone signed in makes their own tokens (staff once MFA is active: the middleware
    # sends staff_nomfa to set it up first); the secret is shown on the page, once.
    Row(
        "portal:api_token_create",
        get=signed_in(405),
        post=signed_in(200),
        data=lambda w: {"name": "script", "scopes": ["submissions:read"], "lifetime_days": 30},
    ),
    # Only the owner can revoke a token; nobody else can tell that it exists.
    Row(
        "portal:api_token_revoke",
        kwargs=lambda w: {"token_code": w.api_token.code},
        get=signed_in(404, evaluator=405),
        post=signed_in(404, evaluator=REDIRECT),
    ),
    Row(
        "portal:profile",
        get=signed_in(200),
        post=signed_in(REDIRECT),
        data=lambda w: {
            "full_name": "Renamed Person",
            "preferred_language": "en",
            "timezone": "Europe/Brussels",
        },
    ),
    Row("portal:organisation_list", get=signed_in(200)),
    Row(
        "portal:organisation_create",
        get=signed_in(200),
        post=signed_in(REDIRECT),
        data=lambda w: {"name": "New Lab", "type": "research", "country": "BE"},
    ),
    # --- organisations ------------------------------------------------------------------
    Row(
        "portal:organisation_detail",
        kwargs=_organisation,
        get=signed_in(404, **each(("evaluator", "org_admin", *STAFF), 200)),
    ),
    Row(
        "portal:organisation_edit",
        kwargs=_organisation,
        get=_manage(200),
        post=_manage(OK),
        data=lambda w: {"name": "Renamed Lab", "type": "research", "country": "BE"},
    ),
    Row(
        "portal:organisation_invite",
        kwargs=_organisation,
        get=_manage(200),
        post=_manage(REDIRECT),
        data=lambda w: {"email": "newcomer@example.org", "role": "member"},
    ),
    Row(
        "portal:invitation_revoke",
        kwargs=lambda w: {**_organisation(w), "invitation_code": w.org_invitation.code},
        get=_manage(405),
        post=_manage(REDIRECT),
    ),
    Row(
        "portal:membership_remove",
        kwargs=lambda w: {**_organisation(w), "membership_code": w.evaluator_membership.code},
        get=_manage(405),
        post=_manage(REDIRECT),
    ),
    # --- staff: workshops ---------------------------------------------------------------
    Row("portal:staff_workshop_list", get=staff_only()),
    Row(
        "portal:staff_workshop_create",
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=_workshop_form,
    ),
    Row(
        "portal:staff_workshop_edit",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=_workshop_form,
    ),
    Row(
        "portal:staff_workshop_edit",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=staff_only(others=404),
    ),
    Row(
        "portal:staff_workshop_release_reviews",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=lambda w: {"release": "yes"},
    ),
    # --- staff: the audit log -----------------------------------------------------------
    Row("portal:audit_log", get=staff_only(), post=staff_only(405)),
    Row(
        "portal:audit_log",
        state="filtered by action and date",
        query="action=workshop.updated&date_from=2026-01-01",
        get=staff_only(),
    ),
    Row("portal:audit_log_csv", get=staff_only(), post=staff_only(405)),
]
