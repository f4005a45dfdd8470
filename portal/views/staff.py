from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.filters import ListFilterForm, filters_from
from portal.forms import WorkshopForm
from portal.models import Workshop
from portal.services.workshops import workshop_release_reviews as workshop_release_reviews_service
from portal.services.workshops import workshop_save
from portal.views.decorators import staff_required


@staff_required
def workshop_list(request):
    form = filters_from(request, ListFilterForm)
    page = Paginator(Workshop.objects.order_by("-submission_opens_at"), 25).get_page(
        form.page_number
    )
    return render(
        request, "portal/staff/workshop_list.html", {"page": page, "form": form}, status=form.status
    )


@staff_required
def workshop_edit(request, code: str | None = None):
    workshop = get_object_or_404(Workshop, code=code) if code else Workshop()
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        workshop = workshop_save(workshop=form.save(commit=False))
        messages.success(request, _("Workshop “%(title)s” saved.") % {"title": workshop.title})
        return redirect("portal:workshop_detail", code=workshop.code)
    return render(request, "portal/staff/workshop_form.html", {"form": form, "workshop": workshop})


@staff_required
@require_POST
def workshop_release_reviews(request, code: str):
    workshop = get_object_or_404(Workshop, code=code)
    release = request.POST.get("release") == "yes"
    workshop_release_reviews_service(workshop=workshop, release=release)
    if release:
        messages.success(
            request, _("Submitted reviews are now visible to the submitters, anonymised.")
        )
    else:
        messages.success(request, _("Reviews are hidden from the submitters again."))
    return redirect("portal:workshop_detail", code=workshop.code)
