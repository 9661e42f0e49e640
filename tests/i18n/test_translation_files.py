"""The translations in resources/i18n: fresh against the code, complete, and safe to format.

The .ts files are the source of truth (edited in Qt Linguist or by hand), the .qm files are what
the console loads; `python console/i18n_regenerate.py` makes both from the code.  These tests fail
when someone adds a string and forgets to regenerate, or translates one so that `.format()` would
raise or drop a value.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
ZH = I18N / "pelorus_zh_CN.ts"
EN = I18N / "pelorus_en.ts"


def _regenerate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_regenerate", ROOT / "console" / "i18n_regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str | None
    numerus: bool
    finished: bool
    forms: tuple[str, ...]


def messages(ts: Path) -> list[Message]:
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            assert tr is not None
            numerus = m.get("numerus") == "yes"
            forms = tuple(f.text or "" for f in tr.iter("numerusform")) if numerus else (tr.text or "",)
            finished = tr.get("type") not in ("unfinished", "vanished", "obsolete") and all(forms)
            out.append(Message(name, m.findtext("source") or "", m.findtext("comment"), numerus, finished, forms))
    return out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pyside6-lupdate") is None and not (Path(sys.executable).parent
                                                                   / "pyside6-lupdate").exists(),
                    reason="pyside6-lupdate is not installed")
def test_ts_and_qm_are_fresh_against_the_code() -> None:
    """lupdate into a copy of each .ts must change nothing (no marked string is missing, none is
    left over), and lrelease of each .ts must give the committed .qm byte for byte."""
    regenerate = _regenerate()
    problems = [p for language in regenerate.LANGUAGES for p in regenerate.stale(language)]
    assert not problems, "; ".join(problems) + " — run: python console/i18n_regenerate.py"


def _marked_in_code() -> set[tuple[str, str, str | None]]:
    """Every (context, source, disambiguation) the code marks with a literal, read with Python's own
    parser: self.tr in a class, translate(...) and QT_TRANSLATE_NOOP(...) anywhere."""
    found: set[tuple[str, str, str | None]] = set()

    def lit(node: ast.expr | None) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    def visit(node: ast.AST, cls: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            for child in node.body:
                visit(child, node.name)
            return
        if isinstance(node, ast.Call):
            f, args = node.func, node.args
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            first = lit(args[0]) if args else None
            if name == "tr" and isinstance(f, ast.Attribute) and cls and first is not None:
                found.add((cls, first, lit(args[1]) if len(args) > 1 else None))
            elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2 and first and lit(args[1]) is not None:
                found.add((first, lit(args[1]) or "", lit(args[2]) if len(args) > 2 else None))
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    for path in sorted((ROOT / "console").rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), None)
    return {(c, s, d or None) for c, s, d in found} | {(c, s, None) for c, s in _marked_in_core()}


def _marked_in_core() -> set[tuple[str, str]]:
    """Every (context, template) the Qt-free core marks with QT_TRANSLATE_NOOP (pelorus/text.py): the
    sentences it builds for the console. Read from every module of pelorus/, not only those
    i18n_regenerate hands to lupdate, so a module it would miss fails here."""
    found: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "pelorus").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QT_TRANSLATE_NOOP"
                    and len(node.args) == 2 and all(isinstance(a, ast.Constant) for a in node.args)):
                context, source = (a.value for a in node.args)  # type: ignore[attr-defined]
                found.add((context, source))
    return found


def test_every_sentence_the_core_marks_is_translated() -> None:
    """The core's sentences (status lines, banners, tree cells the console shows) are all in the .ts
    and all translated: a new core sentence without its Chinese fails here, not on a user's screen."""
    core = _marked_in_core()
    assert len(core) > 150  # the protobuf editor's status line, banner, tree, readings, compare
    zh = {(m.context, m.source): m for m in messages(ZH)}
    missing = sorted(k for k in core if k not in zh)
    assert not missing, f"not in {ZH.name} (run console/i18n_regenerate.py): {missing[:10]}"
    unfinished = sorted(k for k in core if not zh[k].finished)
    assert not unfinished, f"not translated in {ZH.name}: {unfinished[:10]}"


def test_every_string_the_code_marks_is_in_the_ts() -> None:
    """A second reading of the code, independent of lupdate's Python parser (which skips a tr whose
    arguments hold a call, or one inside an f-string): every literal the code translates has an entry."""
    have = {(m.context, m.source, m.comment) for m in messages(ZH)}
    missing = sorted(_marked_in_code() - have)
    assert not missing, f"{len(missing)} marked strings lupdate did not collect (a call inside tr's arguments, " \
                        f"or tr inside an f-string?): {missing[:10]}"


def test_the_chinese_translation_is_at_least_95_percent_finished() -> None:
    msgs = messages(ZH)
    assert len(msgs) > 500  # the whole console, not a handful
    finished = sum(m.finished for m in msgs)
    assert finished / len(msgs) >= 0.95, f"{finished} of {len(msgs)} finished"
    for m in msgs:
        if m.numerus and m.finished:
            assert len(m.forms) == 1 and "%n" in m.forms[0] or "%Ln" in m.forms[0], m  # Chinese: one form


def test_english_plural_forms_are_filled() -> None:
    msgs = messages(EN)
    assert msgs and all(m.numerus and m.finished and len(m.forms) == 2 for m in msgs)
    assert all("(s)" not in f for m in msgs for f in m.forms)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?n|%\d")
_TAG = re.compile(r"</?[a-z]+[^>]*>")


@pytest.mark.parametrize("ts", [ZH, EN], ids=["zh_CN", "en"])
def test_translations_keep_every_placeholder_tag_and_mnemonic(ts: Path) -> None:
    """A translation that drops "{1}" loses a value; one that adds "{2}" makes .format raise; one
    that loses <b> or a menu's & changes the markup or the keyboard path."""
    bad = []
    for m in messages(ts):
        for form in m.forms if m.finished else ():
            if sorted(set(_PLACEHOLDER.findall(form))) != sorted(set(_PLACEHOLDER.findall(m.source))):
                bad.append((m.context, m.source, form, "placeholders"))
            if sorted(_TAG.findall(form)) != sorted(_TAG.findall(m.source)):
                bad.append((m.context, m.source, form, "tags"))
            if re.search(r"&\w", m.source) and not re.search(r"&\w", form):
                bad.append((m.context, m.source, form, "mnemonic"))
            if m.source.count("\t") != form.count("\t"):
                bad.append((m.context, m.source, form, "shortcut column"))
    assert not bad, bad[:10]


def test_chinese_labels_keep_the_english_mnemonic_letters() -> None:
    """Alt+letter stays the same in both languages (Qt's zh_CN convention: "停止(&T)"), so an
    operator's keyboard habits and the shortcut documentation hold whichever language is shown."""
    changed = []
    for m in messages(ZH):
        en = re.search(r"&(\w)", m.source)
        zh = re.search(r"&(\w)", m.forms[0])
        if en and m.finished and (zh is None or zh.group(1).lower() != en.group(1).lower()):
            changed.append((m.source, m.forms[0]))
    assert not changed, changed


# The core's errors the console shows: raised with a Text (pelorus/text.py), never a bare string, so the
# console can translate them. The CLIs' own usage errors (pelorus/*/cli.py) print in English only.
_CORE_ERRORS = {"EditError", "SchemaError", "SpecError", "TextEditError", "PayloadError", "TargetError", "WireError",
                "ClientError", "NotFound", "AlreadyExists", "InvalidArgument", "Conflict", "FailedPrecondition",
                "Unauthenticated", "PermissionDenied", "Unavailable", "DeadlineExceeded"}
_CLI_ONLY = {"pelorus/protobuf/cli.py", "pelorus/grpccall/cli.py"}


def test_the_core_marks_its_templates_with_literals_only() -> None:
    """QT_TRANSLATE_NOOP with anything but two literals escapes lupdate (no .ts entry) and this file's
    checks: the console would show that sentence in English."""
    bad = []
    for path in sorted((ROOT / "pelorus").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QT_TRANSLATE_NOOP" \
                    and path.name != "text.py":
                if len(node.args) != 2 or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                  for a in node.args):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, bad


def test_the_core_raises_its_errors_with_texts() -> None:
    """An error raised with a plain string or an f-string reaches the Chinese console in English."""
    bad = []
    for path in sorted((ROOT / "pelorus").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel in _CLI_ONLY or rel.startswith("pelorus/engine/"):
            continue  # the engine's errors are the API (English); a CLI prints English
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                f = node.exc.func
                name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
                if name not in _CORE_ERRORS:
                    continue
                client = name not in {"EditError", "SchemaError", "SpecError", "TextEditError", "PayloadError",
                                      "TargetError", "WireError"}
                args = node.exc.args[1:2] if client or name == "WireError" else node.exc.args[:1]
                if any(isinstance(a, ast.JoinedStr) or (isinstance(a, ast.Constant) and a.value) for a in args):
                    bad.append(f"{rel}:{node.lineno} {name}")
    assert not bad, f"raise these with QT_TRANSLATE_NOOP(...).format(...): {bad}"


def test_every_core_template_fills_in_both_languages() -> None:
    """Each marked core template, filled with its own fields, gives its English sentence; its Chinese,
    filled with the same values, keeps every one of them (no KeyError, nothing dropped)."""
    from pelorus.text import fill

    zh = {(m.context, m.source): m.forms[0] for m in messages(ZH) if m.finished}
    field = re.compile(r"(?<!\{)\{(\w+)(![rsa])?(:[^{}]*)?\}(?!\})")
    bad = []
    for context, source in sorted(_marked_in_core()):
        names = {m.group(1) for m in field.finditer(source)}
        values = {n: 1234 if ":" in source else f"<{n}>" for n in names}
        try:
            english = fill(source, values)
            chinese = fill(zh[(context, source)], values)
        except (KeyError, IndexError, ValueError) as exc:
            bad.append((context, source, repr(exc)))
            continue
        for n in names:
            shown = repr(values[n]) if f"{{{n}!r}}" in source else str(values[n])
            if isinstance(values[n], str) and (shown not in english or shown not in chinese):
                bad.append((context, source, n))
    assert not bad, bad[:10]
