"""`@mock_ecs` on functions and classes: the whole body runs inside the mock.

Covered: plain and `async def` functions, generator and async generator functions (pytest
yield fixtures included: the mock is active from the first step to the last, so also while the
test runs between them), and classes. On a `unittest.TestCase` (IsolatedAsyncioTestCase
included) every test runs in the mock from before `setUp` to after its cleanups, and, when the
class has class-level setup (`setUpClass`/`tearDownClass`), from before `setUpClass` to after
`tearDownClass` and the class cleanups, the tests sharing that state. On a plain class, methods
named `test*` (instance, static and class methods, generators and coroutines too), and pytest's
`setup_method`/`teardown_method` (one state with the test) and `setup_class`/`teardown_class`
(one state for the class, shared by its tests). Subclasses of a decorated class, and test
methods inherited from undecorated bases, are covered the same way.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import unittest
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .mock import EcsMock

Resolve = Callable[[tuple[Any, ...]], "EcsMock"]
OWNER = "__ecs_mock__"  # on a decorated class: the mock its tests run in
_WRAPPER = "__ecs_mock_wrapper__"  # on every function this module made
_lock = threading.Lock()
_entered: dict[tuple[str, int], EcsMock] = {}  # (hook pair, id(instance or class)) -> mock


def wrap(target: Callable[..., Any], resolve: Resolve) -> Callable[..., Any]:
    """`target` run inside the mock `resolve(args)` names, whatever kind of function it is."""
    origin = _where(target)

    if inspect.isasyncgenfunction(target):

        @functools.wraps(target)
        async def run_async_generator(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
            # Async generators have no `yield from`: values sent and exceptions thrown in are
            # passed on by hand.
            mock = resolve(args)
            mock._enter(origin)
            try:
                generator = target(*args, **kwargs)
                try:
                    item = await generator.__anext__()
                except StopAsyncIteration:
                    return
                while True:
                    try:
                        sent = yield item
                    except GeneratorExit:
                        await generator.aclose()
                        raise
                    except BaseException as error:
                        try:
                            item = await generator.athrow(error)
                        except StopAsyncIteration:
                            return
                    else:
                        try:
                            item = await generator.asend(sent)
                        except StopAsyncIteration:
                            return
            finally:
                mock._pop()

        return _mark(run_async_generator)

    if inspect.isgeneratorfunction(target):

        @functools.wraps(target)
        def run_generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            mock = resolve(args)
            mock._enter(origin)
            try:
                return (yield from target(*args, **kwargs))
            finally:
                mock._pop()

        return _mark(run_generator)

    if inspect.iscoroutinefunction(target):

        @functools.wraps(target)
        async def run_coroutine(*args: Any, **kwargs: Any) -> Any:
            mock = resolve(args)
            mock._enter(origin)
            try:
                return await target(*args, **kwargs)
            finally:
                mock._pop()

        return _mark(run_coroutine)

    @functools.wraps(target)
    def run(*args: Any, **kwargs: Any) -> Any:
        mock = resolve(args)
        mock._enter(origin)
        try:
            return target(*args, **kwargs)
        finally:
            mock._pop()

    return _mark(run)


# -- classes ---------------------------------------------------------------------------------


def decorate_class(cls: type, mock: EcsMock) -> type:
    setattr(cls, OWNER, mock)
    wrap_class(cls)
    if not _is_wrapper(inspect.getattr_static(cls, "__init_subclass__", None)):
        _cover_subclasses(cls)
    return cls


def wrap_class(cls: type) -> None:
    """Wrap what runs a test or class-level setup of `cls`, in its own dict; what is already
    wrapped (inherited from a decorated base) is left alone: wrappers find their mock through
    the class, so a subclass decorated with other options is honoured."""
    if issubclass(cls, unittest.TestCase):
        for name in ("run", "debug"):
            _wrap_method(cls, name)
        if _has_class_setup(cls):
            _wrap_testcase_class_setup(cls)
        return
    for name in dir(cls):
        if name.startswith("test"):
            _wrap_method(cls, name)
    _wrap_pair(cls, "setup_method", "teardown_method", per_class=False)
    _wrap_pair(cls, "setup_class", "teardown_class", per_class=True)


def owner(cls: type) -> EcsMock:
    return cast("EcsMock", getattr(cls, OWNER))


def _wrap_method(cls: type, name: str) -> None:
    raw = inspect.getattr_static(cls, name, None)
    if isinstance(raw, staticmethod):
        if not _is_wrapper(raw.__func__):
            setattr(cls, name, staticmethod(wrap(raw.__func__, lambda _: owner(cls))))
    elif isinstance(raw, classmethod):
        if not _is_wrapper(raw.__func__):
            setattr(cls, name, classmethod(wrap(raw.__func__, lambda args: owner(args[0]))))
    elif inspect.isfunction(raw) and not _is_wrapper(raw):
        setattr(cls, name, wrap(raw, lambda args: owner(type(args[0]))))


def _has_class_setup(cls: type) -> bool:
    base = unittest.TestCase
    return any(
        getattr(getattr(cls, name), "__func__", None) is not getattr(base, name).__func__
        for name in ("setUpClass", "tearDownClass")
    )


def _wrap_testcase_class_setup(cls: type) -> None:
    """Class-level mock from before setUpClass to after the class cleanups (which unittest and
    pytest run after tearDownClass, and also when setUpClass fails).

    Mock decision: the class's tests enter the same mock, so they share the state class-level
    set-up made (without class-level set-up, each test gets a fresh state)."""
    current = inspect.getattr_static(cls, "setUpClass")
    if _is_wrapper(getattr(current, "__func__", None)):
        return
    own = cls.__dict__.get("setUpClass")
    origin = f"{cls.__qualname__}.setUpClass"

    def setUpClass(klass: type[unittest.TestCase]) -> None:
        if _claim("class", klass):
            klass.addClassCleanup(_release, "class", klass)
        if own is not None:
            own.__get__(None, klass)()
        else:
            getattr(super(cls, klass), "setUpClass")()  # noqa: B009

    setUpClass.__qualname__ = origin
    setattr(cls, "setUpClass", classmethod(_mark(setUpClass)))  # noqa: B010


def _wrap_pair(cls: type, setup_name: str, teardown_name: str, *, per_class: bool) -> None:
    """pytest's xunit hooks: the mock is entered before `setup_name` runs and left after
    `teardown_name` (or when the set-up fails: pytest then skips the teardown)."""
    setup = inspect.getattr_static(cls, setup_name, None)
    teardown = inspect.getattr_static(cls, teardown_name, None)
    if setup is None and teardown is None:
        return
    pair = setup_name
    if not _is_wrapper(_function_of(setup)):

        def set_up(target: Any, arg: Any = None) -> None:
            claimed = _claim(pair, target)
            try:
                if setup is not None:
                    bound = setup.__get__(_instance(target), _class(target))
                    _call_optional(bound, target if per_class else arg)
            except BaseException:
                if claimed:
                    _release(pair, target)
                raise

        _install(cls, setup_name, set_up, per_class)
    if not _is_wrapper(_function_of(teardown)):

        def tear_down(target: Any, arg: Any = None) -> None:
            try:
                if teardown is not None:
                    bound = teardown.__get__(_instance(target), _class(target))
                    _call_optional(bound, target if per_class else arg)
            finally:
                _release(pair, target)

        _install(cls, teardown_name, tear_down, per_class)


def _install(cls: type, name: str, function: Callable[..., None], per_class: bool) -> None:
    function.__name__ = function.__qualname__ = name
    setattr(cls, name, classmethod(_mark(function)) if per_class else _mark(function))


def _claim(pair: str, target: Any) -> bool:
    """Enter the target's mock once for this hook pair (a subclass's hook calling its base's
    enters once); False when already entered."""
    with _lock:
        key = (pair, id(target))
        if key in _entered:
            return False
        mock = owner(_class(target))
        _entered[key] = mock
    mock._enter(f"{_class(target).__qualname__}.{pair}")
    return True


def _release(pair: str, target: Any) -> None:
    with _lock:
        mock = _entered.pop((pair, id(target)), None)
    if mock is not None:
        mock._pop()


def _call_optional(function: Callable[..., Any], arg: Any) -> None:
    """Call as pytest calls xunit hooks: with the argument only if the function takes one."""
    code = getattr(function, "__code__", None)
    count = code.co_argcount if code is not None else 1
    if inspect.ismethod(function):
        count -= 1
    if count:
        function(arg)
    else:
        function()


def _instance(target: Any) -> Any:
    return None if isinstance(target, type) else target


def _class(target: Any) -> type:
    return target if isinstance(target, type) else type(target)


def _function_of(raw: Any) -> Any:
    return raw.__func__ if isinstance(raw, staticmethod | classmethod) else raw


def _cover_subclasses(cls: type) -> None:
    """Subclasses (defined later, perhaps with their own setUpClass or tests) are wrapped as
    they are made; `cls`'s own __init_subclass__, if any, runs first."""
    own = cls.__dict__.get("__init_subclass__")
    decorated: Any = cls

    def __init_subclass__(sub: type, **kwargs: Any) -> None:
        if own is not None:
            own.__get__(None, sub)(**kwargs)
        else:
            super(decorated, sub).__init_subclass__(**kwargs)
        wrap_class(sub)

    setattr(cls, "__init_subclass__", classmethod(_mark(__init_subclass__)))  # noqa: B010


def _mark(function: Callable[..., Any]) -> Callable[..., Any]:
    setattr(function, _WRAPPER, True)
    return function


def _is_wrapper(function: Any) -> bool:
    if isinstance(function, classmethod | staticmethod):
        function = function.__func__
    return bool(getattr(function, _WRAPPER, False))


def _where(target: Callable[..., Any]) -> str:
    code = getattr(target, "__code__", None)
    name = getattr(target, "__qualname__", repr(target))
    if code is None:
        return f"@mock_ecs on {name}"
    path = code.co_filename
    try:
        relative = os.path.relpath(path)
        path = path if relative.startswith("..") else relative
    except ValueError:
        pass
    return f"{path}:{code.co_firstlineno} (@mock_ecs on {name})"
