"""Log filters that keep the console to what a person running the portal needs to see."""

import logging


class NoTracebackBelow500(logging.Filter):
    """django.request logs a 403 or 404 raised as an exception with its traceback: an
    expected answer, not a fault. The one warning line stays; 5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class DropClientErrors(logging.Filter):
    """runserver's access line for a 4xx repeats django.request's warning for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not 400 <= getattr(record, "status_code", 0) < 500
