"""Every window and dialog that needs no engine, in English and Chinese, light and dark, at 1280x800
(dialogs at the size they open with): saved as $PELORUS_SCREENSHOTS/matrix/<lang>-<theme>-<name>.png
to be looked at, and checked for text cut off (zhhelp.clipped) in both languages. The windows with
live jobs are shot by test_chinese_window.py, test_theme.py and test_accessibility.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from guihelp import SCREENSHOTS, run
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from zhhelp import SIZE, clipped

from console import i18n, messages
from console.views import theme

MATRIX = SCREENSHOTS / "matrix"


@pytest.fixture
def restore(qapp: Any) -> Iterator[theme.ThemeController]:
    before = QLocale()
    ctl = theme.controller()
    yield ctl
    i18n.uninstall(qapp)
    QLocale.setDefault(before)
    ctl.set_mode(theme.Mode.SYSTEM)


def windows(qloop: Any, tmp_path: Path) -> list[tuple[str, QWidget]]:
    """The windows and dialogs, built now (in the language installed now), shown."""
    from console import actions
    from console.actions import ConfirmRequest, JobFacts
    from console.session import Session, SessionOptions
    from console.views.command_palette import CommandPalette, PaletteEntry
    from console.views.confirm import ConfirmDialog
    from console.views.engine_stop import EngineStopDialog
    from console.views.main_window import MainWindow
    from console.views.proto_assign import TypeChooserDialog
    from console.views.proto_edit_actions import RawFieldDialog, SavePreviewDialog
    from console.views.proto_editor import ProtoEditor, ProtoEditorWindow
    from console.views.reflection_dialog import ReflectionDialog
    from console.views.spec_editor import ConflictDialog, SpecEditorDialog
    from pelorus.api import job_pb2

    spec = job_pb2.JobSpec(name="nightly-etl", owner="ops", instance_count=3, priority=2)
    spec.labels["team"] = "data"
    (tmp_path / "spec.bin").write_bytes(spec.SerializeToString())
    spec.owner, spec.instance_count = "data-eng", 5
    (tmp_path / "other.bin").write_bytes(spec.SerializeToString())
    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    out: list[tuple[str, QWidget]] = [("main-jobs", win)]
    editor = ProtoEditor()
    editor_window = ProtoEditorWindow(editor)
    editor_window.show()

    async def load() -> Any:
        assert await editor.open_path(tmp_path / "spec.bin")
        assert editor.set_type("JobSpec")
        editor.tree.setCurrentIndex(editor.model.index(0, 0))
        return await editor.compare_with(tmp_path / "other.bin")

    compare = run(qloop, load())
    out += [("proto-editor", editor_window), ("proto-compare", compare)]
    facts = [JobFacts("job-1", "nightly-etl", running_pods=2)]
    for name in (actions.Name.RESTART, actions.Name.FORCE_DELETE):
        out.append((f"confirm-{name.value}", ConfirmDialog(win, ConfirmRequest(actions.ACTIONS[name], facts, {}))))
    stop, delete = (i18n.plain_label(i18n.action_text(t)) for t in ("S&top", "&Delete"))
    entries = [PaletteEntry(stop, "Ctrl+K", True, "", ""),
               PaletteEntry(delete, "", False, i18n.translate("Actions", "select a job"), "")]
    out += [("new-job", SpecEditorDialog(win)),
            ("conflict", ConflictDialog(win, "name: a\n", "name: b\n", "name: c\n", 4)),
            ("engine-stop", EngineStopDialog(win)),
            ("reflection", ReflectionDialog("127.0.0.1:7000", editor)),
            ("palette", CommandPalette(entries)),
            ("assign-type", TypeChooserDialog(editor, ["pelorus.v1.JobSpec", "pelorus.v1.PodSpec"], "field 7")),
            ("raw-field", RawFieldDialog(editor, "after name", 99)),
            ("save-preview", SavePreviewDialog(editor, str(tmp_path / "spec.bin"), editor.save_preview(),
                                               i18n.core_text(editor.session.save_summary())))]
    for _name, w in out:
        if w.isWindow() and _name.startswith(("main", "proto")):
            w.resize(*SIZE)
        w.show()
    return out


def shots(ctl: theme.ThemeController, prefix: str, shown: list[tuple[str, QWidget]],
          extra: Callable[[str], list[str]] = lambda _mode: []) -> list[str]:
    """Each of ``shown`` in the light and the dark theme (and what ``extra`` shoots, given the
    theme's name); the text that does not fit."""
    MATRIX.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for mode in (theme.Mode.LIGHT, theme.Mode.DARK):
        ctl.set_mode(mode)
        QApplication.processEvents()
        for name, w in shown:
            w.grab().save(str(MATRIX / f"{prefix}-{mode.value}-{name}.png"))
            problems += [f"{prefix} {name}: {p}" for p in clipped(w)]
        problems += extra(mode.value)
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_window_in_both_languages_and_themes(language: str, restore: theme.ThemeController, qloop: Any,
                                                    qapp: Any, tmp_path: Path) -> None:
    i18n.install(language, qapp)
    shown = windows(qloop, tmp_path)
    win = shown[0][1]

    def main_window_tabs(mode: str) -> list[str]:
        problems = []
        for i, name in enumerate(("main-jobs", "main-protobuf")):
            win.tabs.setCurrentIndex(i)  # type: ignore[attr-defined]
            QApplication.processEvents()
            win.grab().save(str(MATRIX / f"{language}-{mode}-{name}.png"))
            problems += [f"{language} {name}: {p}" for p in clipped(win)]
        return problems

    try:
        problems = shots(restore, language, shown[1:], main_window_tabs)
        win.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
        win.show_shortcuts()  # type: ignore[attr-defined]
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        problems += shots(restore, language, [("shortcuts", box)])
        box.close()
    finally:
        win._closing = True  # type: ignore[attr-defined]
        messages.install_sink(None)  # the window's close (skipped: _closing) would have
        for _name, w in reversed(shown):
            w.close()
            w.deleteLater()
    assert not problems, "\n".join(sorted(set(problems)))
