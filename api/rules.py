"""The API's own permissions. Every resource endpoint checks the permission its browser
page checks (submissions.see_submission, reviews.…); only the API's index, schema and
documentation are the API's own."""

import rules

PERMISSIONS = {
    # The schema and its documentation describe endpoints, never data: public, so that
    # analysts can generate a client before they have an account.
    "api.read_schema": rules.always_allow,
}
