from .erasure import ErasedAccount, ErasureRequest, RetentionWarning
from .exports import DataExport

__all__ = ["DataExport", "ErasedAccount", "ErasureRequest", "RetentionWarning"]
