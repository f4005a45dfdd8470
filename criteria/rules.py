"""Permission predicates for criteria sets."""

from portal.rules import is_ai_office_staff

# Staff edit the criteria of any workshop; reviewers see a set only through their reviews.
PERMISSIONS = {
    "criteria.manage_criteria": is_ai_office_staff,
}
