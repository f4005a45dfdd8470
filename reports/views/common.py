"""What the staff's report pages share: their frame, their addresses, and the refusal of
an edit that raced another."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import Workshop
from reports.models import ReportJob


def download_url(job: ReportJob) -> str:
    return reverse("reports:download", args=[job.code])


def index_url(workshop: Workshop) -> str:
    return reverse("reports:index", args=[workshop.code])


def render_staff(request, template: str, workshop: Workshop, context: dict, status: int = 200):
    """A staff reports page, under the aggregates navigation with its Reports tab current."""
    return render(
        request,
        template,
        {"workshop": workshop, "section": "reports", **context},
        status=status,
    )


def stale_message() -> str:
    return _(
        "Someone else saved this text after you opened it. Your text is kept below and "
        "nothing was saved; compare it with theirs, then save again to replace theirs."
    )
