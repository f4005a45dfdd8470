"""Reviewer pages (My reviews, answering an assignment, the review page and its autosave,
file downloads) and the submitters' page of released reviews.

Every assignment is reached through the lookup `reviews.lookups.assignment`
(assignment_get_for_reviewer), which answers 404 for conflicted, declined, confidential
and other people's assignments alike; what the pages show of the submission and of other
reviews comes shaped from reviews.selectors.visibility.

One module per page: `assignments` (the list, accept, decline), `page` (the review page,
with `loading` and `differences` shared with `autosave`), `files`, `released`.
"""
