from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal import lookups, selectors
from portal.forms import ProfileForm
from portal.models import Organisation, User, Workshop
from portal.permissions import has_perm, permission_required
from portal.services.accounts import user_set_language, user_update_profile
from portal.views.tokens import render_profile


@permission_required("portal.view_public_pages", login_required=False)
def home(request):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    open_workshops = [
        w
        for w in selectors.workshops_visible_to(user=request.user)[:20]
        if w.is_open_for_submissions()
    ]
    return render(request, "portal/home.html", {"open_workshops": open_workshops})


@permission_required("portal.use_portal")
def dashboard(request):
    user = request.user
    workshops = list(selectors.workshops_visible_to(user=user)[:50])
    context = {
        "organisations": list(selectors.organisations_of_user(user=user)),
        "open_workshops": [w for w in workshops if w.is_open_for_submissions()],
        # The reviewing section offers to apply to those that take reviewer applications.
        "visible_workshops": workshops,
        "now": timezone.now(),
    }
    if has_perm(user, "portal.view_staff_pages"):
        context.update(
            staff_workshops=workshops,
            organisation_count=Organisation.objects.count(),
            user_count=User.objects.filter(is_active=True).count(),
        )
    return render(request, "portal/dashboard.html", context)


@permission_required("portal.use_portal")
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
            timezone=form.cleaned_data["timezone"],
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("portal:profile")
    return render_profile(request, form=form)


@permission_required("portal.view_public_pages", login_required=False)
@require_POST
def set_language(request):
    """Django's set_language, also remembered on the profile of a logged-in user."""
    # Django's view checks `next` against open redirects and sets the language cookie.
    language = request.POST.get("language", "")
    # Django's check_for_language also knows the languages Django itself is translated
    # into: only one the portal is offered in is remembered.
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return django_set_language(request)


@permission_required("portal.view_public_pages", login_required=False)
def privacy(request):
    return render(request, "portal/privacy.html")


@permission_required("portal.view_public_pages", login_required=False)
def accessibility(request):
    return render(request, "portal/accessibility.html")


@permission_required("portal.view_public_pages", lookup=lookups.workshop, login_required=False)
def workshop_detail(request, workshop: Workshop):
    return render(request, "portal/workshop_detail.html", {"workshop": workshop})
