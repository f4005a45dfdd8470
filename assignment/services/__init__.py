"""Writes of automatic assignment, one module per area: `runs` (create and execute),
`publish` (the diff against the assignments, and publishing), `proposal` (hand edits of a
proposal), `bids`, `ui` (what the pages write: runs queued as Celery jobs, publishing with
emails, a page of bids), `notify` (the emails after publishing, sent by a task) and `bulk`
(many assignments at once, all or nothing, for the API), and `exports` (downloads of the
matcher's files, recorded in the audit log). Import from the modules."""
