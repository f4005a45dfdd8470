"""Report pages, one module per area: `jobs` (staff generate reports, follow their
progress, retry, release and delete them), `downloads` (a report's file, and each
member's list of released feedback), `texts` (the summary's texts), `quotes` and
`remarks` (to each organisation). `common` holds what the staff pages share."""
