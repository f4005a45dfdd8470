"""Automatic reviewer assignment: reviewers' bids, and the staff's runs of the solver, with
a preview, hand edits, publishing and openreview-matcher files.

- `matching`: the engine (options and weights, data, prepare, affinity and candidates,
  problem and its solvers, explain, engine, scoring, store).
- `services`: `runs` (create, execute), `publish` (the diff against the assignments, and
  publishing), `proposal` (hand edits of a proposal), `bids` (bids and declared
  conflicts), `ui` (what the pages write: runs queued as Celery jobs, publishing with
  emails, a page of bids), `notify` (the emails after publishing).
- `interchange`: openreview-matcher files (scores, constraints, max loads; assignments.json).
- `selectors`: what the staff pages read; `rules` and `lookups`: who may do what, and the
  object each URL names (404 for what the user may not see); `views`: bids, runs,
  proposal, files; `tasks`: the Celery tasks, each calling a service.

Layering: this app sits above `reviews` and imports from `portal`, `submissions` and
`reviews`; nothing below it imports it.
"""
