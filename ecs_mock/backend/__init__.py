"""The in-memory ECS backend: no HTTP, no botocore; modeled errors only."""

from .state import Backend, Region, Timings

__all__ = ["Backend", "Region", "Timings"]
