"""Writes of automatic assignment, one module per area: `runs` (create and execute),
`publish` (the diff against the assignments, and publishing), `proposal` (hand edits of a
proposal), `bids`, `ui` (what the pages write: runs queued as Celery jobs, publishing with
emails, a page of bids) and `notify` (the emails after publishing, sent by a task). Import
from the modules."""
