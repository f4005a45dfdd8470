from django import template
from django.utils.safestring import mark_safe

from portal.crispy_field import field_html

register = template.Library()


@register.simple_tag(takes_context=True)
def crispy_field_html(context):
    """templates/bootstrap5/field.html: crispy-forms' field, plain ones in Python."""
    return mark_safe(field_html(context))  # noqa: S308 -- escaped piece by piece in field_html
