"""Post-workshop reports: the public summary, the internal edition, feedback reports per
organisation and data exports, built by the Celery worker from a `ReportJob` row.

Layering: this app sits on top of `reviews` (it reads aggregates and visibility, never
the other way round). Nothing below imports it.

- `services`: the staff's writes: `texts` (summary texts, remarks), `quotes`, and
  `report_jobs` (requesting, retrying, releasing and deleting a job).
- `jobs`: a job on the worker's side (`worker`: claiming, progress, finishing), retention,
  and the BuildResult the builders return (`types`).
- `tasks`: `task_build_report(*, job_id)`, a thin wrapper around `jobs.worker.report_job_run`.
- `data`: the set-based reads each edition is built from (the statistics themselves come
  from `reviews.selectors.aggregates`, so a PDF shows what the staff pages show).
- `editions`: data -> HTML -> PDF (WeasyPrint, imported only there), charts, Markdown.
- `exports`: CSV, XLSX and JSON.
"""
