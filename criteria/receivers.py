"""Signal receivers, connected in CriteriaConfig.ready()."""

from criteria.services import criteria_set_create_default


def workshop_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Every new workshop starts with the proposed default criteria set as version 1.

    Skipped for fixtures (`raw`), which bring their own rows. The service does nothing if
    the workshop already has a set, so calling it twice is harmless.
    """
    if created and not raw:
        criteria_set_create_default(workshop=instance)
