"""LargeTextView / LargeTextBox on real widgets (offscreen): 0, 1 and 1,000,000 lines, keys, find, copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.models import line_text
from console.models.line_text import LineText
from console.views.large_text_view import LargeTextBox


def box(qtbot: Any, text: str) -> LargeTextBox:
    b = LargeTextBox()
    qtbot.addWidget(b)
    b.resize(700, 420)
    b.show()
    b.set_lines(LineText.from_text(text))
    b.view.grab()  # paint once
    return b


def million() -> str:
    return "".join(f"line {i:07d} " + "x" * (i % 37) + "\n" for i in range(1_000_000))


def test_no_lines_paints_the_placeholder(qtbot: Any) -> None:
    b = box(qtbot, "")
    b.view.placeholder = "nothing here"
    b.view.grab()
    assert b.view.line_count() == 0 and b.view.painted == (0, -1)
    QTest.keyClick(b.view, Qt.Key.Key_PageDown)
    QTest.keyClick(b.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert not b.view.copy()
    assert b.view.verticalScrollBar().maximum() == 0


def test_one_line_without_a_break(qtbot: Any) -> None:
    b = box(qtbot, "only one line")
    assert b.view.line_count() == 1 and b.view.painted == (0, 0)
    assert b.view.copy() and QApplication.clipboard().text() == "only one line"


def test_a_million_lines(qtbot: Any) -> None:
    text = million()
    lines = text.splitlines()
    b = box(qtbot, text)
    view = b.view
    assert view.line_count() == 1_000_000
    assert view.painted[0] == 0 and view.lines is not None and view.lines.line(0) == lines[0]
    # Ctrl+End: the last line painted is the text's last line
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    view.grab()
    assert view.painted[1] == 999_999 and view.lines.line(view.painted[1]) == lines[-1]
    assert view.verticalScrollBar().value() == view.verticalScrollBar().maximum()
    # the mouse wheel scrolls (three lines a notch)
    top = view.top_line()
    wheel = QWheelEvent(QPointF(50, 50), view.viewport().mapToGlobal(QPointF(50, 50)), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.top_line() < top
    # the horizontal range reaches the longest line
    longest = max(map(len, lines[:40]))
    assert view.horizontalScrollBar().maximum() >= longest - view.visible_columns()
    # a selection of lines copies the slice of the text
    view.go_to_line(500_001)
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (500_000, 500_002)
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "\n".join(lines[500_000:500_003])
    # find a string near the end: the match's line becomes current and is painted
    b.find_edit.setText("line 0999990")
    QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    b.find_next()
    qtbot.waitUntil(lambda: not b.searching, timeout=10_000)
    assert view.current_line == 999_990 and b.hits.text() == "1 of 1"
    view.grab()
    assert view.painted[0] <= 999_990 <= view.painted[1]
    b.find_edit.setText("LINE 099999")  # case-insensitive by default: lines 999990 .. 999999
    b.find_next()
    qtbot.waitUntil(lambda: not b.searching, timeout=10_000)
    assert b.hits.text().endswith("of 10")
    b.case_box.setChecked(True)
    b.find_next()
    qtbot.waitUntil(lambda: not b.searching, timeout=10_000)
    assert b.hits.text() == "No match"
    # Go to line
    b.goto_edit.setText("123456")
    QTest.keyClick(b.goto_edit, Qt.Key.Key_Return)
    assert view.current_line == 123_455
    view.grab()
    assert view.painted[0] <= 123_455 <= view.painted[1]


def test_keyboard_only(qtbot: Any) -> None:
    text = "".join(f"{i}\t" + "y" * (i % 300) + "\n" for i in range(5000))
    b = box(qtbot, text)
    view = b.view
    view.setFocus()
    rows = view.visible_lines()
    QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.current_line == 2
    QTest.keyClick(view, Qt.Key.Key_PageDown)
    assert view.current_line == 2 + rows
    QTest.keyClick(view, Qt.Key.Key_PageUp)
    QTest.keyClick(view, Qt.Key.Key_Up)
    assert view.current_line == 1
    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.current_line == 4999 and view.top_line() == view.verticalScrollBar().maximum()
    QTest.keyClick(view, Qt.Key.Key_Up)  # line 4998: 198 y's, longer than the view is wide
    QTest.keyClick(view, Qt.Key.Key_End)
    assert view.horizontalScrollBar().value() > 0
    QTest.keyClick(view, Qt.Key.Key_Home)
    assert view.horizontalScrollBar().value() == 0
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.horizontalScrollBar().value() > 0
    QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.current_line == 0 and view.top_line() == 0
    # Ctrl+F reaches the find bar, Enter finds, Escape-free: Ctrl+G then a number and Enter moves there
    QTest.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert b.focusWidget() is b.find_edit
    QTest.keyClicks(b.find_edit, "4321\t")
    QTest.keyClick(b.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not b.searching, timeout=10_000)
    assert view.current_line == 4321
    QTest.keyClick(b.find_edit, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert b.focusWidget() is b.goto_edit
    QTest.keyClicks(b.goto_edit, "77")
    QTest.keyClick(b.goto_edit, Qt.Key.Key_Return)
    assert view.current_line == 76 and b.focusWidget() is view
    # Ctrl+A, Ctrl+C: everything
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == text[:-1]


def test_copy_over_the_limit_is_refused_with_a_message(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.views import large_text_view

    monkeypatch.setattr(large_text_view, "COPY_LIMIT", 100)
    b = box(qtbot, "".join(f"{i}\n" for i in range(1000)))
    said: list[str] = []
    b.view.message.connect(said.append)
    QApplication.clipboard().setText("before")
    b.view.select_all()
    assert not b.view.copy()
    assert QApplication.clipboard().text() == "before" and "too much for the clipboard" in said[-1]


def test_find_in_slices_matches_str_find(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(line_text, "SCAN_BYTES", 5)
    text = "abé\nxxabab\n\nABx" * 7
    lt = LineText.from_text(text)
    data = text.encode()
    for needle in ("ab", "é\nx", "x", "bab"):
        pat = needle.encode()
        assert lt.count(needle, case=True) == data.count(pat)
        assert lt.count(needle) == data.lower().count(pat.lower())
        for start in range(len(data) + 1):
            assert lt.find(needle, start, case=True) == data.find(pat, start)
    assert [lt.line(i) for i in range(lt.line_count)] == text.splitlines()


# -- in the protobuf editor ------------------------------------------------------------------------


def test_the_editor_shows_a_message_over_4_mb_in_both_panes(qloop: Any, editor: Any, tmp_path: Path) -> None:
    """A ListPodsResponse over TEXT_VIEW_LIMIT: Text and JSON panes show the virtual view (read-only,
    with the note) whose first lines are pane_text's; the small path's widget is hidden."""
    import sys

    from guihelp import run, screenshot, until

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import proto_corpus as corpus

    from pelorus.protobuf.session import TEXT_VIEW_LIMIT
    from pelorus.protobuf.textedit import pane_text

    data = corpus.list_pods(TEXT_VIEW_LIMIT + 500_000)
    assert len(data) > TEXT_VIEW_LIMIT
    src = tmp_path / "pods.bin"
    src.write_bytes(data)

    async def scenario() -> None:
        assert await editor.open_path(src)
        for pane in (editor.text_pane, editor.json_pane):
            editor.side.setCurrentWidget(pane)
            view = pane.large.view
            await until(lambda p=pane: p.showing_large and not editor.tasks and p.large.view.lines is not None
                        and p.large.view.lines.done, timeout=60, what=f"{pane.fmt} pane rendered")
            assert pane.view.isHidden() and not pane.editable and not pane.apply_button.isEnabled()
            assert "edit it in the tree or the hex pane" in pane.note.text()
            expected = pane_text(editor.session.registry, None, data, pane.fmt, None).text
            head = expected[:20_000].split("\n")[:-1]
            assert view.lines is not None
            assert [view.lines.line(i) for i in range(len(head))] == head
            assert view.line_count() == len(expected.splitlines())
            view.grab()
            assert view.painted[0] == 0 and view.painted[1] > 10
            screenshot(editor, f"proto_editor_large_{pane.fmt}")
        # back to the small path: a small message shows in the editable widget again
        small = tmp_path / "small.bin"
        small.write_bytes(corpus.list_pods(2000))
        assert await editor.open_path(small)
        await until(lambda: not editor.tasks, what="small render")
        pane = editor.json_pane
        assert not pane.showing_large and not pane.view.isHidden() and pane.view.toPlainText().startswith("{")
        assert editor.text_pane.large.view.lines is None  # the hidden pane let the old message's text go

    run(qloop, scenario(), timeout=120)


def test_search_in_one_pass_counts_and_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(line_text, "SCAN_BYTES", 4)
    text = "ab\nxAB\nab ab\n12\n"
    lt = LineText.from_text(text)
    starts = [i for i in range(len(text)) if text.lower().startswith("ab", i)]  # 0, 4, 7, 10
    for start in range(len(text) + 1):
        nxt = next((s for s in starts if s >= start), starts[0])
        assert lt.search("aB", start) == (nxt, 4, starts.index(nxt) + 1)
        prev = next((s for s in reversed(starts) if s < start), starts[-1])
        assert lt.search("ab", start, backwards=True) == (prev, 4, starts.index(prev) + 1)
    assert lt.search("AB", 0, case=True) == (4, 1, 1)
    assert lt.search("2\n", 0) == (14, 1, 1)
    assert lt.search("zz", 3) == (-1, 0, 0)
    assert lt.search("ab", 0, stop=lambda: True) is None


def test_a_long_read_only_text_under_4_mb_goes_to_the_virtual_view(qloop: Any, editor: Any, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemaless text (read-only) longer than READONLY_WIDGET_CHARS: the virtual view, even under 4 MB;
    the same message with its type (editable) stays in the editable widget."""
    import sys

    from guihelp import run, until

    from console.views import proto_text

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import proto_corpus as corpus

    from pelorus.protobuf.textedit import pane_text

    monkeypatch.setattr(proto_text, "READONLY_WIDGET_CHARS", 100_000)
    data = corpus.list_pods(200_000)
    src = tmp_path / "pods.bin"
    src.write_bytes(data)

    async def scenario() -> None:
        assert await editor.open_path(src)
        pane = editor.json_pane
        editor.side.setCurrentWidget(pane)
        await until(lambda: pane.showing_large and not editor.tasks, timeout=60, what="virtual view")
        expected = pane_text(editor.session.registry, None, data, "json", None).text
        lines = pane.large.view.lines
        assert lines is not None and lines.done and bytes(lines.data) == expected.encode()
        assert pane.note.text().startswith("Schemaless view (read-only)")
        assert editor.set_type("pelorus.v1.ListPodsResponse")
        await until(lambda: not pane.showing_large and not editor.tasks and pane.editable, timeout=60,
                    what="editable widget")
        assert pane.view.toPlainText().startswith("{")

    run(qloop, scenario(), timeout=120)
