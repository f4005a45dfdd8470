"""Writes for reports, one module per area: `texts` (the summary's texts and the remarks
to each organisation), `quotes` (choosing and editing the quotes the summary prints) and
`report_jobs` (requesting, retrying, releasing and deleting report jobs: the staff's side;
the worker's side is reports.jobs) and `downloads` (a file or a data table downloaded,
recorded in the audit log). Import from the modules."""
