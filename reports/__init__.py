"""Post-workshop reports: the public summary, the internal edition, feedback reports per
organisation and data exports, built by the Celery worker from a `ReportJob` row.

Layering: this app sits on top of `reviews` (it reads aggregates and visibility, never
the other way round). Nothing below imports it.

- `services`: every write: staff's inputs, requesting, claiming, finishing a job.
- `tasks`: `task_build_report(*, job_id)`, a thin wrapper around `services.report_job_run`.
- `data`: the set-based reads each edition is built from (the statistics themselves come
  from `reviews.selectors.aggregates`, so a PDF shows what the staff pages show).
- `editions`: data -> HTML -> PDF (WeasyPrint, imported only there), charts, Markdown.
- `exports`: CSV, XLSX and JSON.
"""
