from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import Invitation, Membership, Organisation, OutgoingEmail, User, Workshop


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "preferred_language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "preferred_language", "timezone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "country", "created_at"]
    list_filter = ["type", "country"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__type"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "submission_opens_at", "submission_closes_at", "phase_override"]
    list_filter = ["phase_override", "timezone"]
    search_fields = ["title", "venue", "code"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "created_at", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "to"]
    readonly_fields = ["to", "subject", "body", "html", "created_at", "sent_at", "attempts"]

    def has_add_permission(self, request) -> bool:
        # The outbox is written by portal.services.mail alone; with every field read-only,
        # the add form would save an empty row (and fail on its constraints).
        return False
