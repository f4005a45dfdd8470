"""Writes for the reviews app, one module per area; the application and tie services are
re-exported here because views and tests call them as `reviews.services.<name>`."""

from .applications import *  # noqa: F403
from .ties import tie_add, tie_end  # noqa: F401
