"""Automatic reviewer assignment: reviewers' bids, and the staff's runs of the solver, with
a preview, hand edits, publishing and openreview-matcher files.

- `matching`: the engine (options, data, affinity, solve, explain, engine, scoring, store).
- `services`: `runs` (create, execute, diff, publish; hand edits of a proposal), `bids`
  (bids and declared conflicts), `ui` (what the pages write: runs queued as Celery jobs,
  publishing with emails, a page of bids), `notify` (the emails after publishing).
- `interchange`: openreview-matcher files (scores, constraints, max loads; assignments.json).
- `selectors`: what the staff pages read; `tasks`: the Celery tasks, each calling a service.

Layering: this app sits above `reviews` and imports from `portal`, `submissions` and
`reviews`; nothing below it imports it.
"""
