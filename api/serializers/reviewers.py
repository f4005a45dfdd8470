"""Reviewer applications, reviewers, declared ties and bids, with the fields their browser
pages show, named by codes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assignment.models import Bid
from portal.models import Organisation
from reviews.models import ReviewerApplication, ReviewerTie
from submissions.models import Provider


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


def _person(user) -> dict:
    return {"name": user.full_name or user.email, "email": user.email}


class ExpertiseSerializer(serializers.Serializer):
    risk_area = serializers.CharField(source="risk_area.code", allow_null=True, default=None)
    method = serializers.CharField(source="method.code", allow_null=True, default=None)
    level = serializers.IntegerField()


class ApplicationSummarySerializer(serializers.Serializer):
    """A row of the staff's list of applications to one call."""

    code = serializers.CharField()
    workshop = serializers.CharField(source="workshop.code")
    applicant = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=ReviewerApplication.State.choices)
    affiliation = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    max_reviews = serializers.IntegerField()
    cleared_for_confidential = serializers.BooleanField()
    expertise = ExpertiseSerializer(many=True, source="expertise.all")
    created_at = serializers.DateTimeField()

    @extend_schema_field(PersonSerializer)
    def get_applicant(self, application):
        return _person(application.user)


class TieSerializer(serializers.Serializer):
    code = serializers.CharField()
    person = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    provider = serializers.CharField(source="provider.name", allow_null=True, default=None)
    tie_type = serializers.ChoiceField(choices=ReviewerTie.TieType.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_person(self, tie):
        """Whose tie, for staff reading other people's; null on the caller's own."""
        request = self.context.get("request")
        if request is not None and tie.user_id == request.user.pk:
            return None
        return _person(tie.user)

    @extend_schema_field(
        {
            "type": ["object", "null"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        }
    )
    def get_organisation(self, tie):
        if tie.organisation is None:
            return None
        return {"code": tie.organisation.code, "name": tie.organisation.name}


class ApplicationSerializer(ApplicationSummarySerializer):
    """One application as its page shows it to the applicant and to staff."""

    statement = serializers.CharField()
    cv_link = serializers.CharField()
    has_cv_file = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    ties = serializers.SerializerMethodField()

    def get_has_cv_file(self, application) -> bool:
        return bool(application.cv_file)

    @extend_schema_field(TieSerializer(many=True))
    def get_ties(self, application):
        return TieSerializer(self.context.get("ties", []), many=True, context=self.context).data


class ApplicationFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ReviewerApplication.State.choices, required=False)
    risk_area = serializers.SlugField(
        required=False, max_length=40, help_text="A risk area code: applicants declaring it."
    )


class TieInputSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    provider = serializers.SlugRelatedField(
        slug_field="name", queryset=Provider.objects.all(), required=False, allow_null=True
    )
    tie_type = serializers.ChoiceField(choices=ReviewerTie.TieType.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TieFilterSerializer(serializers.Serializer):
    workshop = serializers.CharField(
        required=False,
        max_length=16,
        help_text="Staff: the ties of this call's applicants (a person's own ties have none).",
    )


class BidSerializer(serializers.Serializer):
    """A submission open for bids, as the bidding page shows it (no identity in an
    anonymous call), with the caller's bid ("" for none)."""

    submission = serializers.CharField(source="code")
    title = serializers.CharField()
    abstract = serializers.CharField()
    risk_areas = serializers.ListField(child=serializers.CharField())
    methods = serializers.ListField(child=serializers.CharField())
    model = serializers.CharField()
    organisation = serializers.CharField()
    authors = serializers.ListField(child=serializers.CharField())
    bid = serializers.ChoiceField(choices=[("", _("No bid")), *Bid.Value.choices])


class BidInputSerializer(serializers.Serializer):
    bid = serializers.ChoiceField(
        choices=[("", _("No bid")), *Bid.Value.choices],
        allow_blank=True,
        help_text='"" withdraws the bid; "conflict" declares a conflict of interest.',
    )


class BidFilterSerializer(serializers.Serializer):
    risk_area = serializers.SlugField(required=False, max_length=40)
