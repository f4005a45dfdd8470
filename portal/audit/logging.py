import logging

from portal.audit.context import get_request_id


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record, so the server's log line for a
    request and the audit events it caused can be matched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = get_request_id() or "-"
        return True
