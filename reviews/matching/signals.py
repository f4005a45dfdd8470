"""Hooks for what happens after a run is published (emails to reviewers, for instance).

`assignment_run_published` is sent once the publishing transaction has committed, so a
receiver that queues emails or Celery tasks never acts on a rolled-back publish:

    sender=AssignmentRun, run=<AssignmentRun>,
    created=[Assignment ids], removed=[RemovedAssignment(...)]

The removed assignments no longer exist when it is sent; each RemovedAssignment keeps what
an email needs (code, submission id, reviewer id).
"""

from django.dispatch import Signal

assignment_run_published = Signal()
