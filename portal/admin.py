from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import router
from django.db.models import Count
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin_base import FastListMixin, ModelAdmin, TabularInline
from portal.models import Invitation, Membership, Organisation, OutgoingEmail, User, Workshop


@admin.register(User)
class UserAdmin(FastListMixin, DjangoUserAdmin):
    ordering = ["email"]
    # The count of every account beside the filtered one, a second scan of the largest table.
    show_full_result_count = False
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


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FastListMixin, DjangoGroupAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    list_display = ["name", "type", "country_name", "created_at"]
    list_filter = ["type", "country"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]

    @admin.display(
        description=Organisation._meta.get_field("country").verbose_name, ordering="country"
    )
    def country_name(self, organisation):
        # The field itself would be shown through its flatchoices, which django-countries
        # builds afresh, all 250 countries, for every row (two thirds of the page).
        return organisation.country.name


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__type"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]


@admin.register(Workshop)
class WorkshopAdmin(ModelAdmin):
    list_display = ["title", "submission_opens_at", "submission_closes_at", "phase_override"]
    list_filter = ["phase_override", "timezone"]
    search_fields = ["title", "venue", "code"]

    def get_deleted_objects(self, objs, request):
        """Counts per model instead of a line per object, and no deletion of a call that has
        submissions.

        Submissions protect their workshop (on_delete=PROTECT), and rightly: deleting a call
        would destroy the submitters' and evaluators' work and its audit trail. Django's own
        page still listed every protected submission, one query each (about 4,000 queries
        for a call of 10,000). Here such a call is refused up front, in one query, saying
        why and what to do instead; a call without submissions (a mistaken draft) shows how
        many objects of each kind would go with it, in a number of queries that does not
        grow with them. The bulk "delete selected" action asks the same.
        """
        workshops = list(objs)
        with_submissions = [
            ngettext(
                "“%(title)s” has %(count)s submission.",
                "“%(title)s” has %(count)s submissions.",
                workshop.submission_count,
            )
            % {"title": workshop.title, "count": workshop.submission_count}
            + " "
            + gettext(
                "A call with submissions is never deleted: that would destroy the "
                "submitters' and evaluators' work and its audit trail. Close it with its "
                "dates or phase override instead; personal data leaves by the erasure and "
                "retention rules."
            )
            for workshop in Workshop.objects.filter(pk__in=[w.pk for w in workshops])
            .annotate(submission_count=Count("submissions"))
            .filter(submission_count__gt=0)
            .order_by("title", "pk")
        ]
        if with_submissions:
            return [], {}, set(), with_submissions
        if not workshops:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=workshops)
        collector.collect(workshops)
        perms_needed = {
            model._meta.verbose_name
            for model in collector.model_objs
            if self.admin_site.is_registered(model)
            and not self.admin_site.get_model_admin(model).has_delete_permission(request)
        }
        model_count = {
            model._meta.verbose_name_plural: len(found)
            for model, found in collector.model_objs.items()
        }
        to_delete = [
            f"{capfirst(model._meta.verbose_name_plural)}: {len(found)}"
            for model, found in collector.model_objs.items()
        ]
        protected_count: dict = {}
        for obj in collector.protected:
            protected_count[obj._meta.model] = protected_count.get(obj._meta.model, 0) + 1
        protected = [
            f"{capfirst(model._meta.verbose_name_plural)}: {count}"
            for model, count in protected_count.items()
        ]
        return to_delete, model_count, perms_needed, protected


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ModelAdmin):
    list_display = ["subject", "created_at", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "to"]
    readonly_fields = ["to", "subject", "body", "html", "created_at", "sent_at", "attempts"]

    def has_add_permission(self, request) -> bool:
        # The outbox is written by portal.services.mail alone; with every field read-only,
        # the add form would save an empty row (and fail on its constraints).
        return False
