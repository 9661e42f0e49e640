"""Language fixtures: a translation installed for one test, removed after it (translators are
application-wide, so a test that leaves one behind would change every later test's texts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale


@pytest.fixture
def language(qapp: Any) -> Iterator[Any]:
    """Call with "zh_CN" / "en" / "system" to install that language for the rest of the test."""
    from console import i18n

    before = QLocale()

    def install(choice: str) -> str:
        return i18n.install(choice, qapp)

    yield install
    i18n.uninstall(qapp)
    QLocale.setDefault(before)
