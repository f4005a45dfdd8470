from django import template

from portal.javascript_catalog import catalogue_url

register = template.Library()


@register.simple_tag
def javascript_catalog_url() -> str:
    """The JavaScript catalogue of the page's language, for base.html's <script src>."""
    return catalogue_url()
