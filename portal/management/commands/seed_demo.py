"""Demo data for `make run`: one open workshop, organisations, a user per role, two
approved reviewers, and a few evaluations brought in by the OpenReview importer (as an
office moving a call over from OpenReview would), so that the reviewer, assignment and
report pages and the API have something to show.

Idempotent: running it again changes nothing and prints the same logins. There is no MFA
bypass: the staff user gets a real TOTP authenticator whose secret is printed so a person
can add it to an authenticator app.
"""

import json
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from expertise.models import Publication
from imports.models import ImportedRecord
from imports.services import import_run_apply, import_run_create, import_run_preview
from portal.models import Membership, Organisation, User, Workshop
from reviews.models import ReviewerApplication
from submissions.models import Submission
from submissions.services import submission_screen

DEMO_PASSWORD = "demo-portal-2026"

ORGANISATIONS = [
    ("Nordic AI Safety Institute", Organisation.Type.PUBLIC_BODY, "DK", "https://example.org/nais"),
    ("Centre for Frontier Model Evaluation", Organisation.Type.RESEARCH, "DE", ""),
    ("Sentinel Evaluations BV", Organisation.Type.THIRD_PARTY, "NL", ""),
    ("Aurora Models SAS", Organisation.Type.GPAI_PROVIDER, "FR", ""),
    ("Digital Rights Watch", Organisation.Type.CIVIL_SOCIETY, "BE", ""),
]

USERS = [
    # email, full name, role description, organisation index or None, membership role
    ("staff@demo.example.eu", "Sofie Staff", "AI Office staff (TOTP required)", None, None),
    ("orgadmin@demo.example.eu", "Anna Admin", "organisation admin", 1, Membership.Role.ADMIN),
    ("evaluator@demo.example.eu", "Erik Evaluator", "evaluator", 1, Membership.Role.MEMBER),
    ("evaluator2@demo.example.eu", "Eva Evaluator", "evaluator", 0, Membership.Role.ADMIN),
    ("reviewer@demo.example.eu", "Rui Reviewer", "reviewer applicant", None, None),
    ("reviewer2@demo.example.eu", "Rita Reviewer", "approved reviewer", None, None),
    ("reviewer3@demo.example.eu", "Rolf Reviewer", "approved reviewer", None, None),
]

# What the approved demo reviewers have written (invented titles): automatic assignment
# scores each evaluation against every document, so the two reviewers match differently.
DEMO_PUBLICATIONS = {
    "reviewer2@demo.example.eu": [
        (
            "Measuring wet-lab uplift from language-model assistance",
            "A randomised study of novices troubleshooting virology protocols with and "
            "without model help, with expert-graded task success.",
            2025,
        ),
        (
            "Red-teaming chemical synthesis planning in frontier models",
            "Elicitation methods for hazardous synthesis routes and how refusal training "
            "holds up under jailbreaks.",
            2024,
        ),
    ],
    "reviewer3@demo.example.eu": [
        (
            "Capture-the-flag suites for autonomous cyber offence",
            "Agentic exploitation of web and binary challenges, with tool access, and the "
            "statistics of pass rates across repeated runs.",
            2025,
        ),
        (
            "Sandbagging and evaluation awareness in capability tests",
            "When models under-perform on purpose: detection by fine-tuning elicitation "
            "and by comparing paraphrased tasks.",
            2026,
        ),
    ],
}

# OpenReview API v2 notes, as openreview-py writes them (shared/openreview-format.md):
# evaluations already submitted on OpenReview, imported without their PDFs.
DEMO_NOTES = [
    (
        "demoNote01",
        1,
        "Biological uplift from a frontier model's protocol troubleshooting",
        2,
        ["cbrn", "biosecurity"],
    ),
    (
        "demoNote02",
        2,
        "Autonomous replication and adaptation: a task suite and its results",
        3,
        ["loss of control", "agents"],
    ),
    (
        "demoNote03",
        3,
        "Capture-the-flag evaluation of cyber offence capabilities",
        2,
        ["cyber offence"],
    ),
    (
        "demoNote04",
        4,
        "Persuasion at scale: a randomised study of harmful manipulation",
        4,
        ["harmful manipulation"],
    ),
]
SCREENED = ("demoNote01", "demoNote02", "demoNote03")


class Command(BaseCommand):
    help = "Create demo organisations, users and an open workshop (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        organisations = [self._organisation(*spec) for spec in ORGANISATIONS]
        workshop = self._workshop()
        staff_group = Group.objects.get(name=settings.STAFF_GROUP_NAME)
        lines = []
        for email, name, label, org_index, role in USERS:
            user = self._user(email, name)
            if org_index is not None:
                Membership.objects.get_or_create(
                    organisation=organisations[org_index], user=user, defaults={"role": role}
                )
            if email.startswith("staff@"):
                user.groups.add(staff_group)
                secret = self._totp(user)
                label = f"{label}; TOTP secret {secret}"
                staff = user
            if label == "approved reviewer":
                self._approved_reviewer(workshop, user)
                for title, abstract, year in DEMO_PUBLICATIONS.get(email, ()):
                    Publication.objects.get_or_create(
                        user=user, title=title, defaults={"abstract": abstract, "year": year}
                    )
            lines.append(f"  {label:<40} {email} / {DEMO_PASSWORD}")
        self._imported_call(workshop, organisations, staff)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Workshop: {workshop.title} (code {workshop.code})\nDemo logins:"
            )
        )
        self.stdout.write("\n".join(lines))
        self.stdout.write(
            "Add the staff TOTP secret to any authenticator app (RFC 6238) to sign in as staff.\n"
            "Emails (verification links, invitations) are printed by the Celery worker."
        )

    def _approved_reviewer(self, workshop: Workshop, user: User) -> None:
        ReviewerApplication.objects.get_or_create(
            workshop=workshop,
            user=user,
            defaults={
                "state": ReviewerApplication.State.APPROVED,
                "statement": "Demo reviewer: evaluations of frontier models for CBRN and cyber.",
                "affiliation": "Independent",
                "languages": ["en"],
                "max_reviews": 5,
                "decided_at": timezone.now(),
            },
        )

    def _imported_call(self, workshop: Workshop, organisations, staff: User) -> None:
        if ImportedRecord.objects.filter(workshop=workshop, source="openreview").exists():
            return
        notes = [
            {
                "id": note_id,
                "number": number,
                "forum": note_id,
                "replyto": None,
                "invitations": ["AIOffice/2026/Workshop/-/Submission"],
                "cdate": 1767225600000 + number * 86_400_000,
                "content": {
                    "title": {"value": title},
                    "authors": {"value": [f"Demo Author {number}", "A. N. Other"]},
                    "keywords": {"value": keywords},
                    "abstract": {"value": f"{title}: method, results and limitations."},
                },
            }
            for note_id, number, title, _org, keywords in DEMO_NOTES
        ]
        run = import_run_create(
            workshop=workshop,
            source="openreview",
            data_file=ContentFile(json.dumps(notes).encode(), name="demo-notes.json"),
            options={
                "without_pdf": True,
                "organisation": organisations[0].code,
                "organisations": {
                    note_id: organisations[org].code for note_id, _n, _t, org, _k in DEMO_NOTES
                },
            },
            user=staff,
        )
        run = import_run_preview(run=run)
        import_run_apply(run=run, user=staff)
        # Staff screened the first three as eligible (ready for reviewers); the last one
        # waits for screening.
        screened = ImportedRecord.objects.filter(
            workshop=workshop, source="openreview", kind="submission", source_id__in=SCREENED
        ).values("object_code")
        for submission in Submission.objects.filter(code__in=screened):
            submission_screen(submission=submission, user=staff, eligible=True)

    def _organisation(self, name, type_, country, website):
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"type": type_, "country": country, "website": website}
        )
        return organisation

    def _workshop(self) -> Workshop:
        existing = Workshop.objects.filter(title__startswith="Systemic-risk evaluations").first()
        if existing:
            return existing
        tz = timezone.get_default_timezone()
        today = timezone.localdate()
        workshop = Workshop(
            title="Systemic-risk evaluations of GPAI models: Brussels workshop",
            description=(
                "Call for evaluations of general-purpose AI models bearing on the systemic "
                "risks specified in the GPAI Code of Practice (CBRN, loss of control, cyber "
                "offence, harmful manipulation). Selected submitters and reviewers are "
                "invited to a one-day workshop in Brussels."
            ),
            venue="Brussels",
            timezone=settings.TIME_ZONE,
            event_date=today + timedelta(days=100),
            submission_opens_at=datetime.combine(today - timedelta(days=7), time(9), tz),
            submission_closes_at=datetime.combine(today + timedelta(days=30), time(23, 59), tz),
            review_deadline=datetime.combine(today + timedelta(days=60), time(23, 59), tz),
        )
        workshop.full_clean()
        workshop.save()
        return workshop

    def _user(self, email: str, name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _totp(self, user: User) -> str:
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            RecoveryCodes.activate(user)
            return secret
        return get_mfa_adapter().decrypt(authenticator.data["secret"])
