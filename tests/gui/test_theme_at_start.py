"""What `python main.py` decides before its first paint without PySide6's `Qt` namespace
(console.views.theme_at_start, console.app.quick_args) agrees with the ordinary way."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from console import app as console_app
from console.views import theme, theme_at_start


def test_the_scheme_read_through_ctypes_is_qts(qapp: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QGuiApplication)
    value = theme_at_start.system_scheme(app)
    assert value is not None  # Linux, PySide6's libQt6Gui: the cheap way works
    assert value == app.styleHints().colorScheme().value


def test_the_theme_waits_only_when_the_platform_palette_is_the_controllers(qapp: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = QSettings().value(theme.SETTING)
    try:
        for mode in ("light", "dark"):
            QSettings().setValue(theme.SETTING, mode)
            assert theme_at_start.needed_before_paint(app)
        QSettings().setValue(theme.SETTING, "system")
        scheme_dark = theme_at_start.system_scheme(app) == theme_at_start.DARK
        platform_dark = theme_at_start.palette_is_dark(QGuiApplication.palette())
        assert theme_at_start.needed_before_paint(app) == (scheme_dark != platform_dark)
    finally:
        QSettings().setValue(theme.SETTING, saved)


@pytest.mark.parametrize("argv", [
    [], ["--data-dir", "/tmp/d"], ["--data-dir=/tmp/d", "--read-only"], ["--connect", "h:1", "--insecure"],
    ["--connect=h:1", "--tls-ca", "ca.pem", "--token-file", "t"], ["--read-only", "--read-only"],
    ["--data-dir", "a", "--data-dir", "b"], ["--connect="],
])
def test_quick_args_read_what_argparse_reads(argv: list[str]) -> None:
    assert console_app.quick_args(argv) == console_app.build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [
    ["--data", "d"], ["-h"], ["--help"], ["--data-dir"], ["--data-dir", "--read-only"], ["x"], ["--insecure=1"],
    ["--bogus"],
])
def test_quick_args_leave_the_rest_to_argparse(argv: list[str]) -> None:
    assert console_app.quick_args(argv) is None


def test_quick_args_namespace_has_every_option() -> None:
    ns = console_app.quick_args([])
    assert isinstance(ns, argparse.Namespace)
    assert vars(ns) == vars(console_app.build_parser().parse_args([]))
