from .exports import DataExport

__all__ = ["DataExport"]
