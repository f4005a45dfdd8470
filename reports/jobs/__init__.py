"""The worker's side of report jobs (`worker`: claim, progress, finish, fail, run), their
retention (`retention`), and the types the builders share with them (`types`). Imported by
reports.tasks and reports.services.report_jobs; nothing here imports either, so the
services can queue the tasks and the tasks can call this package without an import
circle."""
