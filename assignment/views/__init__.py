"""Automatic assignment pages, by what they are about: `bids` (reviewers' bids), `runs`
(the staff's settings, runs and their progress and preview), `proposal` (hand edits and
publishing) and `files` (openreview-matcher files out and in).

Each view states its permission at its top (portal.permissions.permission_required): the
bidding page through the user's approved application (404 for everyone else), staff pages
through the one workshop lookup or a run of it (assignment.lookups). Every POST calls one
service and redirects.
"""
