"""A person's list of publications and evaluations: the list, adding, editing and deleting
one, and importing a file. Every page is about the signed-in person's own list."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from expertise import lookups, selectors, services
from expertise.forms import PublicationForm, PublicationImportForm
from expertise.models import Publication
from portal.forms import add_service_errors
from portal.permissions import permission_required


@require_http_methods(["GET"])
@permission_required("expertise.keep_publications")
def publication_list(request):
    return render(
        request,
        "expertise/publication_list.html",
        {"publications": list(selectors.publications_of(user=request.user))},
    )


def _service_kwargs(form: PublicationForm) -> dict:
    return {name: form.cleaned_data[name] for name in PublicationForm.base_fields}


@require_http_methods(["GET", "POST"])
@permission_required("expertise.keep_publications")
def publication_create(request):
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_create(user=request.user, **_service_kwargs(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The publication was added to your list."))
            return redirect("expertise:publication_list")
    return render(
        request,
        "expertise/publication_form.html",
        {"form": form, "publication": None},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("expertise.edit_publication", lookup=lookups.publication)
def publication_edit(request, publication: Publication):
    form = PublicationForm(request.POST or None, initial=PublicationForm.initial_from(publication))
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(
                publication=publication, user=request.user, **_service_kwargs(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The publication was saved."))
            return redirect("expertise:publication_list")
    return render(
        request,
        "expertise/publication_form.html",
        {"form": form, "publication": publication},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("expertise.remove_publication", lookup=lookups.publication)
def publication_delete(request, publication: Publication):
    if request.method == "POST":
        services.publication_delete(publication=publication, user=request.user)
        messages.success(request, _("The publication was deleted from your list."))
        return redirect("expertise:publication_list")
    return render(request, "expertise/publication_delete.html", {"publication": publication})


@require_http_methods(["GET", "POST"])
@permission_required("expertise.keep_publications")
def publications_import(request):
    form = PublicationImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        too_large = getattr(request, "upload_too_large", None)
        if too_large is not None:
            # The upload handler stopped the file while it streamed in (see below).
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", services.file_too_large_message(too_large["limit_mb"]))
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.publications_import(
                    user=request.user,
                    source=form.cleaned_data["source"],
                    data=_read(upload),
                )
            except ValidationError as error:
                add_service_errors(form, error)
        if result is not None:
            # The result is shown on the page (added, skipped, ignored) above a fresh form,
            # the format kept: the next file is often of the same kind.
            form = PublicationImportForm(initial={"source": form.cleaned_data["source"]})
        else:
            status = 400
    return render(
        request,
        "expertise/import.html",
        {"form": form, "result": result},
        status=status,
    )


# submissions.uploads.MaxSizeUploadHandler stops an upload above this setting while it
# streams in (it reads the attribute from the view the URL resolves to), instead of the
# far larger limit for evaluations. The service checks the size again.
publications_import.upload_limits = {"file": "PUBLICATION_IMPORT_MAX_MB"}


def _read(upload) -> bytes:
    # One byte more than the limit is enough for the service to refuse a file that is
    # too large, without reading all of it into memory.
    return upload.read(settings.PUBLICATION_IMPORT_MAX_MB * 1024 * 1024 + 1)
