from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.serializers.workshops import WorkshopSerializer
from api.views.base import Access, Endpoint, ListEndpoint
from portal import lookups, selectors

SEE = Access("portal.use_portal", scope=None)


class WorkshopList(ListEndpoint):
    """The workshops you can see: open and past calls (staff: drafts too)."""

    access = {"GET": SEE}
    serializer_class = WorkshopSerializer

    def get_queryset(self):
        return selectors.workshops_visible_to(user=self.request.user).order_by(
            "-submission_opens_at", "code"
        )


class WorkshopDetail(Endpoint):
    access = {"GET": Access("portal.view_public_pages", scope=None, lookup=lookups.workshop)}
    serializer_class = WorkshopSerializer

    @extend_schema(operation_id="workshop_detail")
    def get(self, request, workshop_code):
        return Response(self.get_serializer(self.object).data)
