"""Regenerate ``_unicode_table.py`` from this Python's Unicode database:
``python -m ecs_mock._schema.unicode_table`` (tests/test_unicode_table.py says when it is due)."""

from __future__ import annotations

import unicodedata

from .patterns import TABLE_FILE, render_table, scan_categories

if __name__ == "__main__":
    TABLE_FILE.write_text(render_table(scan_categories(), unicodedata.unidata_version))
    print(f"wrote {TABLE_FILE} (Unicode {unicodedata.unidata_version})")
