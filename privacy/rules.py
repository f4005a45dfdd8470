"""Who may act on personal data: each person on their own, AI Office staff on requests."""

PERMISSIONS: dict = {}
