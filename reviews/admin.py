from django.contrib import admin

from .models import ReviewerApplication, ReviewerExpertise, ReviewerTie


class ReviewerExpertiseInline(admin.TabularInline):
    model = ReviewerExpertise
    extra = 0
    raw_id_fields = ["risk_area", "method"]


@admin.register(ReviewerApplication)
class ReviewerApplicationAdmin(admin.ModelAdmin):
    list_display = ["user", "workshop", "state", "max_reviews", "created_at", "decided_at"]
    list_filter = ["state", "workshop"]
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
class ReviewerTieAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "provider", "tie_type", "created_at", "ended_at"]
    list_filter = ["tie_type", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "organisation__name", "provider__name"]
    raw_id_fields = ["user", "organisation"]
