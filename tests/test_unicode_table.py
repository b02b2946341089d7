"""The shipped Unicode category table equals what this Python's unicodedata says."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from ecs_mock._schema import _unicode_table, patterns

SAME_VERSION = unicodedata.unidata_version == _unicode_table.UNIDATA_VERSION


@pytest.mark.skipif(
    not SAME_VERSION,
    reason=f"the table is Unicode {_unicode_table.UNIDATA_VERSION}, this Python has "
    f"{unicodedata.unidata_version} (it scans its own database instead)",
)
def test_shipped_table_equals_a_fresh_scan_and_regenerates_unchanged() -> None:
    scanned = patterns.scan_categories()
    assert patterns.parse_table(_unicode_table.RANGES) == scanned
    rendered = patterns.render_table(scanned, unicodedata.unidata_version)
    assert patterns.TABLE_FILE.read_text() == rendered


def test_another_unicode_version_scans_the_running_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_unicode_table, "UNIDATA_VERSION", "0.0.0")
    monkeypatch.setattr(_unicode_table, "RANGES", {"Lu": "41"})  # would be wrong if it were read
    categories = patterns._load_categories()
    assert (0x41, 0x5A) in categories["Lu"]
    assert categories == patterns.scan_categories()


def test_categories_cover_every_code_point_once() -> None:
    spans = sorted(span for ranges in patterns._load_categories().values() for span in ranges)
    assert spans[0][0] == 0
    for (_, high), (low, _) in itertools.pairwise(spans):
        assert low == high + 1
    assert spans[-1][1] == 0x10FFFF
