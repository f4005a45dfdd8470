"""Writes of personal data's rights. Import from the modules."""
