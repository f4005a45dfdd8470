from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expertise.selectors import publications_of
from portal import lookups as portal_lookups
from portal.downloads import attachment_response, open_stored
from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import has_perm, permission_required
from reviews import lookups, selectors, services
from reviews.forms.applications import (
    ApplicationForm,
    AvailabilityForm,
    DecisionForm,
    StaffFilterForm,
    TieForm,
)
from reviews.models import ReviewerApplication, ReviewerTie

State = ReviewerApplication.State


def _application_form(request, *, application: ReviewerApplication | None) -> ApplicationForm:
    return ApplicationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        risk_areas=list(selectors.risk_areas()),
        methods=list(selectors.methods()),
        application=application,
    )


def _render_application_form(request, form, *, workshop, application=None):
    # A browser never sends a file twice: if the page comes back with errors, say so.
    reselect_cv = bool(
        form.is_bound and form.errors and request.FILES.get("cv_upload")
    ) and not form.has_error("cv_upload")
    return render(
        request,
        "reviews/application_form.html",
        {
            "form": form,
            "workshop": workshop,
            "application": application,
            "reselect_cv": reselect_cv,
        },
    )


@permission_required("reviews.apply", lookup=portal_lookups.workshop)
def application_apply(request, workshop: Workshop):
    existing = selectors.application_of_user_for_workshop(user=request.user, workshop=workshop)
    if existing is not None and existing.state != State.WITHDRAWN:
        return redirect("reviews:application_detail", code=existing.code)
    form = _application_form(request, application=existing)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_apply(
                workshop=workshop,
                user=request.user,
                remove_cv_file=form.cleaned_data.get("remove_cv_file", False),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Your application to review for %(title)s was received.")
                % {"title": workshop.title},
            )
            return redirect("reviews:application_detail", code=application.code)
    return _render_application_form(request, form, workshop=workshop, application=existing)


def _detail_context(request, application, *, decision_form=None) -> dict:
    user = request.user
    can_decide = has_perm(user, "reviews.decide_application", application)
    return {
        "application": application,
        "workshop": application.workshop,
        "is_own": application.user_id == user.pk,
        "can_edit": has_perm(user, "reviews.edit_application", application),
        "can_update_availability": has_perm(user, "reviews.update_availability", application),
        "can_withdraw": has_perm(user, "reviews.withdraw_application", application),
        "can_decide": can_decide,
        "can_list_applications": has_perm(user, "reviews.view_all_applications"),
        "can_apply_again": (
            application.user_id == user.pk
            and application.state == State.WITHDRAWN
            and has_perm(user, "reviews.apply", application.workshop)
        ),
        "decision_form": (decision_form or DecisionForm()) if can_decide else None,
        "ties": list(selectors.ties_of_user(user=application.user, active_only=False)),
        # What the applicant wrote: for staff deciding, and for the applicant themselves.
        "publications": (
            list(publications_of(user=application.user))
            if has_perm(user, "expertise.see_publications_of", application.user)
            else None
        ),
    }


@permission_required("reviews.see_application", lookup=lookups.application)
def application_detail(request, application: ReviewerApplication):
    return render(request, "reviews/application_detail.html", _detail_context(request, application))


@permission_required("reviews.edit_application", lookup=lookups.application)
def application_edit(request, application: ReviewerApplication):
    form = _application_form(request, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                application=application,
                remove_cv_file=form.cleaned_data.get("remove_cv_file", False),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your application was saved."))
            return redirect("reviews:application_detail", code=application.code)
    return _render_application_form(
        request, form, workshop=application.workshop, application=application
    )


@permission_required("reviews.update_availability", lookup=lookups.application)
def application_availability(request, application: ReviewerApplication):
    form = AvailabilityForm(
        request.POST or None,
        initial={"languages": application.languages, "max_reviews": application.max_reviews},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_availability(
                application=application,
                max_reviews=form.cleaned_data["max_reviews"],
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your availability was saved."))
            return redirect("reviews:application_detail", code=application.code)
    return render(
        request,
        "reviews/availability_form.html",
        {"form": form, "application": application, "workshop": application.workshop},
    )


@permission_required("reviews.withdraw_application", lookup=lookups.application)
@require_POST
def application_withdraw(request, application: ReviewerApplication):
    try:
        services.application_withdraw(application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("reviews:application_detail", code=application.code)


@permission_required("reviews.download_cv", lookup=lookups.application)
def application_cv(request, application: ReviewerApplication):
    """The uploaded CV, to its applicant and to staff only; everyone else gets 404."""
    return attachment_response(
        open_stored(application.cv_file),
        filename=application.cv_original_name or "cv.pdf",
        content_type="application/pdf",
    )


@permission_required("reviews.view_all_applications", lookup=portal_lookups.workshop)
def staff_application_list(request, workshop: Workshop):
    risk_areas = list(selectors.risk_areas())
    form = filters_from(request, StaffFilterForm, risk_areas=risk_areas)
    applications = selectors.applications_for_staff_list(workshop=workshop, **form.filters())
    page = Paginator(applications, 25).get_page(form.page_number)
    counts = selectors.application_state_counts(workshop=workshop)
    return render(
        request,
        "reviews/staff_application_list.html",
        {
            "workshop": workshop,
            "form": form,
            "page": page,
            "state_counts": [(state, label, counts[state]) for state, label in State.choices],
            "total": sum(counts.values()),
        },
        status=form.status,
    )


@permission_required("reviews.decide_application", lookup=lookups.application)
@require_POST
def staff_application_decide(request, application: ReviewerApplication):
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = (
            services.application_approve
            if form.cleaned_data["decision"] == "approve"
            else services.application_decline
        )
        try:
            decide(
                application=application,
                decided_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s: %(state)s. The applicant was informed by email.")
                % {"user": application.user, "state": application.get_state_display()},
            )
            return redirect(
                "reviews:staff_application_list", workshop_code=application.workshop.code
            )
    return render(
        request,
        "reviews/application_detail.html",
        _detail_context(request, application, decision_form=form),
        status=400,
    )


def _tie_form(request) -> TieForm:
    return TieForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.tie_organisation_choices(),
        providers=selectors.tie_provider_choices(),
    )


@permission_required("reviews.declare_ties")
def tie_list(request):
    form = _tie_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.tie_add(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                provider=form.cleaned_data["provider"],
                tie_type=form.cleaned_data["tie_type"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Tie declared."))
            return redirect("reviews:tie_list")
    ties = list(selectors.ties_of_user(user=request.user, active_only=False))
    return render(
        request,
        "reviews/tie_list.html",
        {
            "form": form,
            "current_ties": [tie for tie in ties if tie.is_current],
            "ended_ties": [tie for tie in ties if not tie.is_current],
        },
    )


@permission_required("reviews.end_tie", lookup=lookups.tie)
@require_POST
def tie_end(request, tie: ReviewerTie):
    try:
        services.tie_end(tie=tie)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The tie with %(name)s is marked as ended.") % {"name": tie.counterpart}
        )
    return redirect("reviews:tie_list")
