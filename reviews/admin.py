from django.contrib import admin

from portal.admin_base import ModelAdmin, TabularInline

from .models import ReviewerApplication, ReviewerExpertise, ReviewerTie


class ReviewerExpertiseInline(TabularInline):
    model = ReviewerExpertise
    extra = 0
    raw_id_fields = ["risk_area", "method"]


@admin.register(ReviewerApplication)
class ReviewerApplicationAdmin(ModelAdmin):
    list_display = ["user", "workshop", "state", "max_reviews", "created_at", "decided_at"]
    list_filter = ["state", "workshop"]
    # The two columns' objects, not select_related() of every non-null relation; one count.
    list_select_related = ["user", "workshop"]
    show_full_result_count = False
    search_fields = ["user__email", "user__full_name", "affiliation", "code"]
    raw_id_fields = ["workshop", "user", "decided_by"]
    # Decisions go through the staff pages, which email the applicant; the admin only reads.
    readonly_fields = [
        "code",
        "state",
        "cv_file",
        "cv_original_name",
        "cv_size",
        "cv_sha256",
        "decided_by",
        "decided_at",
        "decision_reason",
        "withdrawn_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ReviewerExpertiseInline]


@admin.register(ReviewerTie)
class ReviewerTieAdmin(ModelAdmin):
    list_display = ["user", "organisation", "provider", "tie_type", "created_at", "ended_at"]
    list_filter = ["tie_type", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "organisation__name", "provider__name"]
    raw_id_fields = ["user", "organisation"]
