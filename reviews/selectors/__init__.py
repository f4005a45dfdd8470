from .applications import *  # noqa: F403
