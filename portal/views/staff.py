from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import lookups
from portal.filters import ListFilterForm, filters_from
from portal.forms import WorkshopForm
from portal.models import Workshop
from portal.permissions import permission_required
from portal.services.workshops import workshop_release_reviews as workshop_release_reviews_service
from portal.services.workshops import workshop_save


@permission_required("portal.manage_workshops")
def workshop_list(request):
    form = filters_from(request, ListFilterForm)
    page = Paginator(Workshop.objects.order_by("-submission_opens_at"), 25).get_page(
        form.page_number
    )
    return render(
        request, "portal/staff/workshop_list.html", {"page": page, "form": form}, status=form.status
    )


@permission_required("portal.manage_workshops")
def workshop_create(request):
    return _workshop_form(request, Workshop())


@permission_required("portal.manage_workshops", lookup=lookups.workshop)
def workshop_edit(request, workshop: Workshop):
    return _workshop_form(request, workshop)


def _workshop_form(request, workshop: Workshop):
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        workshop = workshop_save(workshop=form.save(commit=False), user=request.user)
        messages.success(request, _("Workshop “%(title)s” saved.") % {"title": workshop.title})
        return redirect("portal:workshop_detail", workshop.code)
    return render(request, "portal/staff/workshop_form.html", {"form": form, "workshop": workshop})


@permission_required("portal.manage_workshops", lookup=lookups.workshop)
@require_POST
def workshop_release_reviews(request, workshop: Workshop):
    release = request.POST.get("release") == "yes"
    workshop_release_reviews_service(workshop=workshop, release=release, user=request.user)
    if release:
        messages.success(
            request, _("Submitted reviews are now visible to the submitters, anonymised.")
        )
    else:
        messages.success(request, _("Reviews are hidden from the submitters again."))
    return redirect("portal:workshop_detail", workshop.code)
