"""The portal's URLs plus one that fails, to see the 500 page through the whole stack."""

from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*urlpatterns, path("test-boom/", boom), path("api/v1/test-boom/", boom)]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
