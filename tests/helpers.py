from django.core.signals import request_finished
from django.db import close_old_connections


def close_response(response) -> None:
    """Close a streamed response (releasing its file) the way the test client would.

    A bare response.close() sends request_finished, whose close_old_connections handler
    would close the test's own database connection mid-test.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
