"""`manage.py check --deploy` warns while the privacy notice and the record of processing
cannot name who is responsible: both pages show a visible notice meanwhile."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def privacy_contacts_check(app_configs=None, **kwargs) -> list[Warning]:
    controller = getattr(settings, "PRIVACY_CONTROLLER", None) or {}
    warnings = []
    if not (controller.get("name") and controller.get("address")):
        warnings.append(
            Warning(
                "The data controller's name and address are not set: the privacy notice and "
                "the record of processing show a placeholder.",
                hint="Set PRIVACY_CONTROLLER_NAME and PRIVACY_CONTROLLER_ADDRESS.",
                id="privacy.W001",
            )
        )
    if not getattr(settings, "PRIVACY_DPO_CONTACT", ""):
        warnings.append(
            Warning(
                "The data protection officer's contact is not set.",
                hint="Set PRIVACY_DPO_CONTACT (an email address or a postal address).",
                id="privacy.W002",
            )
        )
    if not getattr(settings, "PRIVACY_CONTACT_EMAIL", ""):
        warnings.append(
            Warning(
                "The functional mailbox for data-subject requests is not set.",
                hint="Set PRIVACY_CONTACT_EMAIL.",
                id="privacy.W003",
            )
        )
    return warnings
