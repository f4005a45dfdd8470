"""Writes for the reviews app, one module per area; the application services are re-exported
here because views and tests call them as `reviews.services.<name>`."""

from .applications import *  # noqa: F403
