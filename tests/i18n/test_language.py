"""Which language the console loads, and what it does to texts, numbers and times (no window)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from console import actions, i18n, timefmt
from console.actions import ACTIONS, Name, Outcome

tr = QCoreApplication.translate


@pytest.mark.parametrize(("name", "want"), [
    ("zh_CN", "zh_CN"), ("zh_SG", "zh_CN"), ("zh_TW", "en"), ("zh_HK", "en"), ("en_US", "en"), ("de_DE", "en"),
    ("C", "en"),
])
def test_the_locale_picks_the_translation(name: str, want: str) -> None:
    assert i18n.language_of(QLocale(name)) == want


def test_system_follows_the_system_locale_and_a_choice_overrides_it() -> None:
    chinese = QLocale("zh_CN")
    assert i18n.locale_for(i18n.SYSTEM, system=chinese).name() == "zh_CN"
    assert i18n.language_of(i18n.locale_for(i18n.ENGLISH, system=chinese)) == "en"
    assert i18n.language_of(i18n.locale_for(i18n.CHINESE, system=QLocale("en_US"))) == "zh_CN"


def test_the_choice_is_persisted_and_an_unknown_one_means_system(qapp: Any, tmp_path: Any) -> None:
    from PySide6.QtCore import QSettings

    QCoreApplication.setOrganizationName("PelorusTests")
    QCoreApplication.setApplicationName("i18n-choice")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    assert i18n.saved_choice() == i18n.SYSTEM
    i18n.save_choice(i18n.CHINESE)
    assert i18n.saved_choice() == i18n.CHINESE
    QSettings().setValue(i18n.SETTING, "klingon")
    assert i18n.saved_choice() == i18n.SYSTEM


def test_chinese_loads_pelorus_and_qt_translations_and_the_locale(language: Any) -> None:
    assert language(i18n.CHINESE) == "zh_CN"
    assert tr("MainWindow", "&Jobs") == "作业(&J)"
    assert i18n.action_text(ACTIONS[Name.STOP].label) == "停止(&T)"
    assert tr("QPlatformTheme", "Cancel") == "取消"  # qtbase_zh_CN.qm from the PySide6 wheel: dialog buttons
    assert QLocale().name() == "zh_CN"
    assert timefmt.fmt_span(90) == "1 分钟 30 秒" and timefmt.relative(100, now=280) == "3 分钟前"
    assert i18n.plain_label("停止(&T)") == "停止" and i18n.plain_label("S&top") == "Stop"


def test_back_to_english_removes_every_translator(language: Any) -> None:
    language(i18n.CHINESE)
    assert language(i18n.ENGLISH) == "en"
    assert tr("MainWindow", "&Jobs") == "&Jobs" and tr("QPlatformTheme", "Cancel") == "Cancel"
    assert tr("PodsView", "%n pod(s):", "", 1) == "1 pod:"  # English plural forms (pelorus_en.qm)
    assert tr("PodsView", "%n pod(s):", "", 3) == "3 pods:"


def test_a_result_sentence_is_translated_around_the_engine_words(language: Any) -> None:
    """The console's sentence is Chinese; the job names and the engine's own error stay as they are."""
    outcome = Outcome(ACTIONS[Name.STOP], done=["a"], skipped={"already finished": ["b", "c"]},
                      failed=[("d", "FAILED_PRECONDITION: job d is being deleted")])
    english = outcome.message()
    assert english == "1 stopped; 2 already finished: b, c; 1 failed: d: FAILED_PRECONDITION: job d is being deleted"
    language(i18n.CHINESE)
    chinese = outcome.message(i18n.translate)
    assert chinese == "已停止 1 个；2 个已结束：b, c；1 个失败：d: FAILED_PRECONDITION: job d is being deleted"
    why = actions.availability(ACTIONS[Name.STOP], [], connected=True, read_only=False, translate=i18n.translate)
    assert why.why == "请选择一个作业"


def test_a_missing_translation_file_leaves_english(language: Any, monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.setattr(i18n, "i18n_dir", lambda: tmp_path)
    assert language(i18n.CHINESE) == "zh_CN"
    assert tr("MainWindow", "&Jobs") == "&Jobs"  # no pelorus_zh_CN.qm: English, not empty texts
