"""pelorus/text.py and console.i18n.core_text: the core's English sentences, translated where the
console shows them, their arguments (sentences inside sentences) too."""

from __future__ import annotations

import pickle
from typing import Any

from console.i18n import core_text
from pelorus.protobuf.tree import FieldSpan
from pelorus.protobuf.wire import LEN, VARINT
from pelorus.text import QT_TRANSLATE_NOOP, Text

_EDITED = QT_TRANSLATE_NOOP("EditorSession", "Edited: {edit} ({n} byte(s) changed).")
_SET = QT_TRANSLATE_NOOP("TreeEditor", "set field {number} at offset {offset} to {value}")


def test_a_text_is_its_english_sentence_with_plurals_agreeing() -> None:
    one = _EDITED.count(1, edit=_SET.format(number=2, offset=5, value=9))
    assert one == "Edited: set field 2 at offset 5 to 9 (1 byte changed)."
    assert isinstance(one, str) and isinstance(one, Text) and one.context == "EditorSession"
    assert _EDITED.count(3, edit="x") == "Edited: x (3 bytes changed)."
    assert f"{one}" == str(one) and one.upper().startswith("EDITED")
    again = pickle.loads(pickle.dumps(one))  # a worker thread's result survives as a Text
    assert isinstance(again, Text) and again == one and again.args["edit"] == one.args["edit"]


def test_english_is_the_core_wording(language: Any) -> None:
    language("en")
    span = FieldSpan(10, 11, 12, 15, 15, LEN)
    assert core_text(span.describe(7)) == "Field 7 · bytes 10…14 (5 bytes: tag 1, length prefix 1, value 3)"
    assert core_text("an engine message") == "an engine message"


def test_chinese_translates_the_sentence_and_the_sentences_inside_it(language: Any) -> None:
    language("zh_CN")
    span = FieldSpan(10, 11, 11, 13, 13, VARINT)
    assert core_text(span.describe(3)) == "字段 3 · 字节 10…12（3 字节：tag 1，varint 2）"
    edited = _EDITED.count(2, edit=_SET.format(number=2, offset=5, value=9))
    assert core_text(edited) == "已编辑：将偏移 5 处的字段 2 设为 9（改动 2 字节）。"
    assert core_text("Engine said: NOT_FOUND") == "Engine said: NOT_FOUND"  # not the core's: as it is


def test_a_translation_that_does_not_fit_falls_back_to_english(language: Any, monkeypatch: Any) -> None:
    language("zh_CN")
    from console import i18n

    original = i18n.QCoreApplication.translate

    def broken(context: str, source: str, *rest: Any) -> str:  # this one sentence only: windows other tests
        return "坏的 {missing}" if "{number}" in source else original(context, source, *rest)  # left open tick

    monkeypatch.setattr(i18n.QCoreApplication, "translate", staticmethod(broken))
    assert core_text(_SET.format(number=1, offset=0, value=2)) == "set field 1 at offset 0 to 2"
