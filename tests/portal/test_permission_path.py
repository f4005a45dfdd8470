"""The one permission path: no superuser shortcut, unknown permissions refused, and the
view decorator's order (sign in, then 404 through the lookup, then 403)."""

import pytest
import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from portal import permissions

pytestmark = pytest.mark.django_db


def test_an_unknown_permission_is_an_error_not_a_silent_no(evaluator):
    with pytest.raises(ImproperlyConfigured):
        permissions.has_perm(evaluator, "reviews.no_such_permission")
    with pytest.raises(ImproperlyConfigured):
        permissions.permission_required("reviews.no_such_permission")


def _view(request, obj, extra=None):
    return ("called", obj, extra)


def _lookup(request, code):
    if code != "visible":
        raise Http404
    return "the object"


def test_decorator_sends_anonymous_visitors_to_sign_in(anonymous):
    view = permissions.permission_required("portal.view_staff_pages")(lambda request: "x")
    request = RequestFactory().get("/staff/page/?a=1")
    request.user = anonymous
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/page/%3Fa%3D1"


def test_decorator_answers_404_before_403_and_passes_the_object(evaluator, staff):
    view = permissions.permission_required("portal.view_staff_pages", lookup=_lookup)(_view)
    request = RequestFactory().get("/")
    request.user = evaluator
    with pytest.raises(Http404):
        view(request, code="hidden")
    with pytest.raises(PermissionDenied):
        view(request, code="visible")
    request.user = staff
    assert view(request, code="visible", extra=5) == ("called", "the object", 5)
    assert permissions.view_permission(view) == "portal.view_staff_pages"


def test_admin_model_permissions_are_not_answered_by_portal_rules(client, staff):
    """A rule named like a Django model permission ("portal.view_organisation") answered
    the admin's question too: AI Office staff with admin access browsed organisations in
    the admin without ever being granted the model permission."""
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)

    response = client.get(reverse("admin:portal_organisation_changelist"))

    assert staff.has_perm("portal.view_organisation") is False
    assert response.status_code == 403


def test_a_rule_may_not_take_the_name_of_a_model_permission():
    with pytest.raises(ImproperlyConfigured, match="portal.view_organisation"):
        permissions.register({"portal.view_organisation": rules.always_allow})


def test_decorator_answers_anonymous_visitors_as_the_view_says(anonymous):
    view = permissions.permission_required(
        "portal.view_staff_pages", anonymous=lambda request: "signed out"
    )(lambda request: "x")
    request = RequestFactory().post("/endpoint/")
    request.user = anonymous
    assert view(request) == "signed out"
