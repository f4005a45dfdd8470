import io
import os
import re
from pathlib import Path

from pypdf import PdfReader

from reports.models import ReportJob
from reports.services.report_jobs import report_job_request


def build(capture, *, workshop, kind, params=None, user=None, organisation=None) -> ReportJob:
    """Request a report and run its task (eagerly) once the request commits."""
    with capture(execute=True):
        job = report_job_request(
            workshop=workshop, kind=kind, params=params or {}, user=user, organisation=organisation
        )
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.error
    return job


def pdf_reader(job: ReportJob) -> PdfReader:
    with job.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(job: ReportJob) -> str:
    """The text of every page, whitespace runs collapsed to one space."""
    text = "\n".join(page.extract_text() or "" for page in pdf_reader(job).pages)
    return re.sub(r"\s+", " ", text)


def keep_copy(job: ReportJob, name: str) -> None:
    """REPORTS_KEEP_PDF=<folder> keeps the PDFs the tests build, to look at them."""
    folder = os.environ.get("REPORTS_KEEP_PDF")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with job.file.open("rb") as handle:
            (Path(folder) / name).write_bytes(handle.read())
