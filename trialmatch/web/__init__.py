"""`trialmatch serve`: the coordinators' web app over the same library as the command line."""

from trialmatch.web.app import create_app
from trialmatch.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
