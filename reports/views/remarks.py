"""Staff's remarks to each organisation with a reviewed evaluation, printed in its
feedback report: the list of organisations, and the editor with its preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import lookups as portal_lookups
from portal.concurrency import StaleEditError
from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.markup import render_markdown
from portal.models import Workshop
from portal.permissions import permission_required
from reports import lookups, selectors
from reports.forms import RemarkFilterForm, RemarkForm
from reports.models import FeedbackRemark, ReportJob
from reports.services import texts
from reports.views.common import render_staff, stale_message

ORGANISATIONS_PER_PAGE = 25


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_GET
def remark_list(request, workshop: Workshop):
    form = filters_from(request, RemarkFilterForm)
    query = form.filters()["q"].strip()
    organisations = selectors.feedback_organisations_for_staff(workshop=workshop, search=query)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(form.page_number)
    return render_staff(
        request,
        "reports/staff/remarks.html",
        workshop,
        {"page": page, "query": query, "form": form, "states": ReportJob.State},
        status=form.status,
    )


@permission_required("reports.manage_reports", lookup=lookups.feedback_remark)
def remark_edit(request, remark: FeedbackRemark):
    workshop, organisation = remark.workshop, remark.organisation
    status = 200
    stale = None
    preview = None
    if request.method == "POST":
        form = RemarkForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["remarks_md"]
            if "preview" in request.POST:
                # Nothing is saved: the form comes back with the same revision.
                preview = render_markdown(text)
            else:
                try:
                    texts.feedback_remark_save(
                        workshop=workshop,
                        organisation=organisation,
                        remarks_md=text,
                        user=request.user,
                        revision=form.cleaned_data["revision"],
                    )
                except StaleEditError as error:
                    stale = error
                    data = request.POST.copy()
                    data["revision"] = str(error.current)
                    form = RemarkForm(data)
                    status = 409
                except ValidationError as error:
                    add_service_errors(form, error)
                    status = 400
                else:
                    messages.success(
                        request,
                        _("Remarks to %(organisation)s saved.") % {"organisation": organisation},
                    )
                    return redirect(reverse("reports:remarks", args=[workshop.code]))
        else:
            status = 400
    else:
        form = RemarkForm(initial={"remarks_md": remark.remarks_md, "revision": remark.revision})
    return render_staff(
        request,
        "reports/staff/remark_edit.html",
        workshop,
        {
            "organisation": organisation,
            "remark": remark,
            "form": form,
            "preview": preview,
            "stale": stale,
            "stale_message": stale_message() if stale else "",
            "stale_html": render_markdown(stale.current_value) if stale else "",
        },
        status=status,
    )
