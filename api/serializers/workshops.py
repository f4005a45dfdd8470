from rest_framework import serializers

from portal.models import Workshop


class WorkshopSerializer(serializers.ModelSerializer):
    phase = serializers.CharField(source="current_phase", read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:workshop-detail", lookup_field="code", lookup_url_kwarg="workshop_code"
    )

    class Meta:
        model = Workshop
        fields = [
            "code",
            "url",
            "title",
            "description",
            "venue",
            "timezone",
            "event_date",
            "submission_opens_at",
            "submission_closes_at",
            "review_deadline",
            "anonymous_review",
            "phase",
        ]
        read_only_fields = fields
