from .erasure import ErasedAccount, ErasureRequest, RetentionWarning

__all__ = ["ErasedAccount", "ErasureRequest", "RetentionWarning"]
