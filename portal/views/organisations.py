from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import lookups, selectors
from portal.filters import filters_from
from portal.forms import (
    InvitationForm,
    OrganisationFilterForm,
    OrganisationForm,
    add_service_errors,
)
from portal.models import Organisation
from portal.permissions import has_perm, permission_required
from portal.services import organisations as services
from portal.services.organisations import InvitationError


@permission_required("portal.use_portal")
def organisation_list(request):
    form = filters_from(request, OrganisationFilterForm)
    query = form.filters()["q"].strip()
    organisations = selectors.organisations_visible_to(user=request.user)
    if query:
        organisations = organisations.filter(name__icontains=query)
    page = Paginator(organisations.order_by("name"), 50).get_page(form.page_number)
    return render(
        request,
        "portal/organisation_list.html",
        {"page": page, "query": query, "form": form},
        status=form.status,
    )


@permission_required("portal.create_organisation")
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation created. You are its administrator."))
        return redirect("portal:organisation_detail", code=organisation.code)
    return render(request, "portal/organisation_form.html", {"form": form})


@permission_required("portal.see_organisation", lookup=lookups.organisation)
def organisation_detail(request, organisation: Organisation):
    can_manage = has_perm(request.user, "portal.manage_organisation", organisation)
    return render(
        request,
        "portal/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": selectors.organisation_members(organisation=organisation),
            "invitations": (
                selectors.organisation_open_invitations(organisation=organisation)
                if can_manage
                else []
            ),
            "can_manage": can_manage,
            "invitation_form": InvitationForm() if can_manage else None,
        },
    )


@permission_required("portal.manage_organisation", lookup=lookups.organisation)
def organisation_edit(request, organisation: Organisation):
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            organisation=organisation, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Organisation saved."))
        return redirect("portal:organisation_detail", code=organisation.code)
    return render(
        request, "portal/organisation_form.html", {"form": form, "organisation": organisation}
    )


@permission_required("portal.manage_organisation", lookup=lookups.organisation)
def organisation_invite(request, organisation: Organisation):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("portal:organisation_detail", code=organisation.code)
    return render(
        request,
        "portal/organisation_invite.html",
        {
            "organisation": organisation,
            "form": form,
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        },
    )


@permission_required("portal.manage_organisation", lookup=lookups.organisation)
@require_POST
def invitation_revoke(request, organisation: Organisation, invitation_code: str):
    invitation = get_object_or_404(organisation.invitations, code=invitation_code)
    services.invitation_revoke(invitation=invitation, user=request.user)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("portal:organisation_detail", code=organisation.code)


@permission_required("portal.manage_organisation", lookup=lookups.organisation)
@require_POST
def membership_remove(request, organisation: Organisation, membership_code: str):
    membership = get_object_or_404(
        organisation.memberships.select_related("user"), code=membership_code
    )
    try:
        services.membership_remove(membership=membership, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
    return redirect("portal:organisation_detail", code=organisation.code)


_INVITATION_STATUS = {
    "invalid": 404,
    "expired": 410,
    "used": 410,
    "revoked": 410,
    "already_member": 409,
    "wrong_user": 403,
}


@permission_required("portal.view_public_pages", login_required=False)
def invitation_accept(request, token: str):
    """The link in an invitation email. Every bad case gets its own page; nothing changes."""
    try:
        invitation = services.invitation_from_token(token=token)
        services.invitation_check(invitation=invitation, user=request.user)
    except InvitationError as error:
        return render(
            request,
            "portal/invitation_problem.html",
            {"problem": error.code, "invitation": error.invitation},
            status=_INVITATION_STATUS[error.code],
        )
    if not request.user.is_authenticated:
        return render(request, "portal/invitation_login.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except InvitationError as error:
            return render(
                request,
                "portal/invitation_problem.html",
                {"problem": error.code, "invitation": invitation},
                status=_INVITATION_STATUS[error.code],
            )
        messages.success(
            request,
            _("You are now a member of %(org)s.") % {"org": invitation.organisation.name},
        )
        return redirect("portal:organisation_detail", code=invitation.organisation.code)
    return render(request, "portal/invitation_accept.html", {"invitation": invitation})
