"""Personal API tokens, managed from the profile page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import lookups, selectors
from portal.forms import ApiTokenForm, ProfileForm, add_service_errors
from portal.models import ApiToken
from portal.permissions import permission_required
from portal.services.tokens import api_token_create, api_token_revoke


def render_profile(request, *, form=None, token_form=None, new_secret=None, status=200):
    """The profile page, with its token list; the secret of a token just made is shown
    in this one response and never again."""
    context = {
        "form": form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": list(selectors.api_tokens_of(user=request.user)),
        "new_secret": new_secret,
    }
    return render(request, "portal/profile.html", context, status=status)


@permission_required("portal.manage_api_tokens")
@require_POST
def api_token_create_view(request):
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user,
                name=token_form.cleaned_data["name"],
                scopes=token_form.cleaned_data["scopes"],
                lifetime_days=token_form.cleaned_data["lifetime_days"],
            )
        except ValidationError as error:
            add_service_errors(token_form, error)
        else:
            messages.success(
                request,
                _("Token “%(name)s” created. Copy it now: it will not be shown again.")
                % {"name": token.name},
            )
            return render_profile(request, new_secret=secret)
    return render_profile(request, token_form=token_form, status=400)


@permission_required("portal.manage_api_tokens", lookup=lookups.api_token)
@require_POST
def api_token_revoke_view(request, token: ApiToken):
    api_token_revoke(token=token, user=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("portal:profile")
