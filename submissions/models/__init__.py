from .files import SubmissionFile
from .submissions import Author, Submission, SubmissionVersion
from .taxonomy import Method, Provider, RiskArea

__all__ = [
    "Author",
    "Method",
    "Provider",
    "RiskArea",
    "Submission",
    "SubmissionFile",
    "SubmissionVersion",
]
