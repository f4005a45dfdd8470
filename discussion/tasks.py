"""Celery tasks of the discussion app: thin wrappers that call a service."""

from celery import shared_task

from discussion.services import digests_send


@shared_task(acks_late=True)
def task_send_discussion_digests() -> int:
    """Every few minutes from beat: email reviewers the comments new to them (at most one
    digest per hour per submission each). Safe to run twice or late."""
    return digests_send()
