"""Repository-wide pytest setup: no test may reach real AWS."""

from __future__ import annotations

import os

# Fake credentials and a region for every test process, before any client is made.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAECSMOCKTESTING00")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "ecs-mock-testing-secret")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)
