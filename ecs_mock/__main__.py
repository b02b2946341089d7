"""`python -m ecs_mock`: the same as the `ecs-mock` command."""

from .server import main

if __name__ == "__main__":
    raise SystemExit(main())
