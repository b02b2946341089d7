"""The in-memory ECS backend: no HTTP, no botocore; modeled errors only."""

from .accounts import Backend, Journal
from .state import Region, Timings

__all__ = ["Backend", "Journal", "Region", "Timings"]
