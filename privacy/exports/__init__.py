"""A person's data export: the document (data.json) built from the inventory, and the ZIP
that holds it with the person's own files and a README. Requesting, building and
downloading an export are services (privacy.services.exports)."""
