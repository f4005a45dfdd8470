"""Workshop invitations: AI Office staff invite selected submitters and the best reviewers to
the in-person workshop; each invitee answers (RSVP) with any accessibility and dietary needs;
staff read and export the attendee list.

The model, `WorkshopInvitation`, lives with the other models in `reviews.models`; writes in
`services`, reads in `selectors`, then `forms`, `views` and `urls`.
"""
