"""Regenerate the translations: `python console/i18n_regenerate.py`.

1. pyside6-lupdate reads every marked string of the console (``self.tr``,
   ``QCoreApplication.translate``, ``QT_TRANSLATE_NOOP``), and the core's sentences the console shows
   (``QT_TRANSLATE_NOOP`` in pelorus/, see pelorus/text.py), into resources/i18n/pelorus_zh_CN.ts,
   keeping the translations already there and dropping strings the code no longer has; and the
   plural messages alone (``%n``) into pelorus_en.ts, whose English forms ("1 job" / "3 jobs") are
   written here from the source text's "(s)" / "(es)";
2. pyside6-lrelease compiles each .ts into the .qm the console loads (console/i18n.py).

Translate between the two steps with Qt Linguist (`pyside6-linguist resources/i18n/pelorus_zh_CN.ts`),
following resources/i18n/GLOSSARY.md, then run the command again to compile.
``--check`` changes nothing and exits 1 when the .ts or the .qm is stale (tests/i18n does the same).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")  # en: plural forms only (English is the source language)
MARKER = "QT_TRANSLATE_NOOP("


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease: beside this interpreter (a venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e .)")
    return found


def core_sources() -> list[str]:
    """The Qt-free modules (pelorus/) whose sentences the console shows: those marking templates with
    ``QT_TRANSLATE_NOOP`` (pelorus/text.py). Only those: lupdate would also read any other core
    function that happens to be called ``translate``. pelorus/text.py itself defines the marker."""
    core = ROOT / "pelorus"
    return sorted(str(p.relative_to(ROOT)) for p in core.rglob("*.py")
                  if p != core / "text.py" and MARKER in p.read_text(encoding="utf-8"))


def sources() -> list[str]:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "console").rglob("*.py"))
    return files + core_sources()


def ts_path(language: str) -> Path:
    return I18N / f"pelorus_{language}.ts"


def qm_path(language: str) -> Path:
    return I18N / f"pelorus_{language}.qm"


def lupdate(ts: Path, language: str) -> None:
    """Update ``ts`` (created if absent) from the sources: without line numbers, so the file
    changes only when a string does, and without obsolete entries."""
    plural_only = ["-pluralonly"] if language == "en" else []
    subprocess.run([tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none", *plural_only,
                    "-target-language", language, "-ts", str(ts)],
                   cwd=ROOT, check=True, capture_output=True, text=True, timeout=300)
    if language == "en":
        english_plurals(ts)


_EMPTY_FORMS = re.compile(r"<source>(?P<src>[^<]*)</source>(?P<mid>(?:\s*<comment>[^<]*</comment>)?)\s*"
                          r'<translation type="unfinished">\s*<numerusform></numerusform>\s*'
                          r"<numerusform></numerusform>\s*</translation>")


def english_plurals(ts: Path) -> None:
    """Fill the English singular and plural of every unfinished numerus message from its source:
    "%n job(s)" -> "%n job" / "%n jobs", "%n match(es)" -> "%n match" / "%n matches"."""

    def forms(m: re.Match[str]) -> str:
        src = m.group("src")
        one = src.replace("(es)", "").replace("(s)", "")
        many = src.replace("(es)", "es").replace("(s)", "s")
        return (f"<source>{src}</source>{m.group('mid')}\n        <translation>\n"
                f"            <numerusform>{one}</numerusform>\n            <numerusform>{many}</numerusform>\n"
                f"        </translation>")

    ts.write_text(_EMPTY_FORMS.sub(forms, ts.read_text(encoding="utf-8")), encoding="utf-8")


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                   cwd=ROOT, check=True, capture_output=True, text=True, timeout=300)


def stale(language: str) -> list[str]:
    """What is out of date for ``language`` (empty when nothing): the .ts against the code, the
    .qm against the .ts."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / ts_path(language).name
        shutil.copyfile(ts_path(language), fresh_ts)
        lupdate(fresh_ts, language)
        if fresh_ts.read_bytes() != ts_path(language).read_bytes():
            problems.append(f"{ts_path(language).name} is stale against the code")
        fresh_qm = Path(tmp) / qm_path(language).name
        lrelease(ts_path(language), fresh_qm)
        if not qm_path(language).exists() or fresh_qm.read_bytes() != qm_path(language).read_bytes():
            problems.append(f"{qm_path(language).name} is stale against {ts_path(language).name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file is stale")
    args = p.parse_args(argv)
    if args.check:
        problems = [msg for language in LANGUAGES for msg in stale(language)]
        for msg in problems:
            print(msg, file=sys.stderr)
        return 1 if problems else 0
    for language in LANGUAGES:
        lupdate(ts_path(language), language)
        lrelease(ts_path(language), qm_path(language))
        print(f"{ts_path(language).relative_to(ROOT)} -> {qm_path(language).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
