"""Personal-data pieces for pages owned by lower layers (the profile, the privacy notice).

portal must not import privacy (imports point downwards only); its templates load these
tags instead, so the dependency stays in the template layer.
"""

from django import template
from django.conf import settings
from django.urls import reverse

from privacy import selectors
from privacy.transparency import transparency_facts

register = template.Library()


@register.inclusion_tag("privacy/_your_data.html", takes_context=True)
def your_data(context):
    user = context["user"]
    export = selectors.data_export_latest(user=user) if user.is_authenticated else None
    downloadable = export is not None and export.is_downloadable()
    return {
        "export": export,
        "downloadable": downloadable,
        "availability": selectors.availability_text(export) if export is not None else "",
        "status_url": (reverse("privacy:data_export_status", args=[export.code]) if export else ""),
        "download_url": (
            reverse("privacy:data_export_download", args=[export.code]) if downloadable else ""
        ),
        "days": settings.DATA_EXPORT_RETENTION_DAYS,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def privacy_facts() -> dict:
    return transparency_facts()
