"""Ids and request ids: the cheap spellings give exactly what the uuid module would."""

from __future__ import annotations

import random
import uuid

from ecs_mock.arns import Ids, format_uuid4
from ecs_mock.protocol import new_request_id


def test_format_uuid4_is_str_of_a_version_4_uuid() -> None:
    draw = random.Random(5)
    for bits in [0, (1 << 128) - 1, *(draw.getrandbits(128) for _ in range(2000))]:
        assert format_uuid4(bits) == str(uuid.UUID(int=bits, version=4))


def test_same_seed_same_uuids() -> None:
    assert [Ids(3).uuid() for _ in range(2)] == [Ids(3).uuid()] * 2
    assert Ids(3).uuid() != Ids(4).uuid()


def test_request_ids_are_unique_version_4_uuids() -> None:
    ids = [new_request_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        assert uuid.UUID(text).version == 4
        assert str(uuid.UUID(text)) == text


def test_hex64_is_two_hex32_draws_so_seeded_runtime_ids_stay_as_they_were() -> None:
    one, two = Ids(11), Ids(11)
    for _ in range(200):
        made = one.hex64()
        assert made == two.hex32() + two.hex32()
        assert len(made) == 64
        assert int(made, 16) >= 0
        assert one.uuid() == two.uuid()  # and the draws after it are the same too
