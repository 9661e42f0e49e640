"""The light and the dark theme are readable and stay apart for everyone: every text colour has a
WCAG 2 contrast of at least 4.5:1 (AA) against each background it is drawn on, and the state
colours stay distinguishable under simulated protanopia, deuteranopia and tritanopia (Machado,
Oliveira and Fernandes 2009, severity 1) — while the views always write the state's name beside
its colour, so colour is never the only cue."""

from __future__ import annotations

import itertools
import math

import pytest
from PySide6.QtGui import QColor

from console.models import palette

THEMES = [palette.LIGHT, palette.DARK]
AA = 4.5

#: Machado et al. 2009, severity 1.0, on linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
#: CIE76 distance in L*a*b* below which two state colours count as the same colour.
MIN_DELTA_E = 10.0


def _opaque(value: str) -> QColor:
    """A colour value, or "top over beneath" composited."""
    if " over " not in value:
        return QColor(value)
    top, beneath = (QColor(v) for v in value.split(" over "))
    a = top.alphaF()
    return QColor(*(round(t * a + b * (1 - a)) for t, b in ((top.red(), beneath.red()),
                                                              (top.green(), beneath.green()),
                                                              (top.blue(), beneath.blue()))))


def _linear(c: QColor) -> tuple[float, float, float]:
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return ch(c.redF()), ch(c.greenF()), ch(c.blueF())


def luminance(c: QColor) -> float:
    r, g, b = _linear(c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = (min(1.0, max(0.0, v)) for v in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def simulate(c: QColor, matrix: tuple[tuple[float, float, float], ...]) -> tuple[float, float, float]:
    rgb = _linear(c)
    return tuple(sum(m * v for m, v in zip(row, rgb, strict=True)) for row in matrix)  # type: ignore[return-value]


def test_the_contrast_formula_matches_wcag_examples() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#767676"), QColor("#ffffff")) == pytest.approx(4.54, abs=0.01)
    assert _opaque("#80000000 over #ffffff").name() == "#7f7f7f"


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_text_reads_on_its_background(theme: palette.Theme) -> None:
    pairs = palette.text_pairs(theme)
    assert len(pairs) > 150
    low = [f"{what}: {contrast(_opaque(fg), _opaque(bg)):.2f}" for what, fg, bg in pairs
           if contrast(_opaque(fg), _opaque(bg)) < AA]
    assert low == [], f"below {AA}:1 in the {theme.name} theme"


def _groups(theme: palette.Theme) -> dict[str, dict[str, str]]:
    return {"job": dict(theme.job_states), "workflow": dict(theme.workflow_states),
            "pod": {**theme.job_states, **theme.pod_states}}


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_state_colours_stay_apart_for_colour_blind_eyes(theme: palette.Theme) -> None:
    close = []
    for group, states in _groups(theme).items():
        for (a, ca), (b, cb) in itertools.combinations(states.items(), 2):
            if QColor(ca) == QColor(cb):
                continue  # the same colour on purpose (UNINITIALIZED / INVALID): the name tells them apart
            for vision, matrix in {"normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)), **CVD}.items():
                d = math.dist(lab(simulate(QColor(ca), matrix)), lab(simulate(QColor(cb), matrix)))  # type: ignore[arg-type]
                if d < MIN_DELTA_E:
                    close.append(f"{group} {a}/{b} under {vision}: ΔE {d:.1f}")
    assert close == []


def test_the_simulation_merges_what_it_should() -> None:
    """The check can fail: a red and a green that a deuteranope cannot tell apart."""
    red, green = QColor("#d03030"), QColor("#3a9a30")
    assert math.dist(lab(simulate(red, CVD["deuteranopia"])), lab(simulate(green, CVD["deuteranopia"]))) < MIN_DELTA_E
    assert math.dist(lab(_linear(red)), lab(_linear(green))) > 60


def test_a_switch_recolours_the_live_colours_and_marked_text() -> None:
    error, failed, bg = palette.ERROR, palette.STATE_COLORS["FAILED"], palette.state_background("FAILED")
    seen: list[str] = []
    palette.notifier().changed.connect(seen.append)
    text = palette.span("boom", palette.ERROR) + palette.error_box_css()
    try:
        assert palette.apply(palette.DARK) and not palette.apply(palette.DARK)
        assert seen == ["dark"]
        assert palette.ERROR is error and error.name() == palette.DARK.roles["error"]
        assert failed.name() == palette.DARK.job_states["FAILED"] and palette.role("error") is error
        assert bg.rgb() == failed.rgb() and bg.alpha() == 38
        assert palette.retheme(text) == palette.span("boom", palette.ERROR) + palette.error_box_css()
        assert palette.DARK.roles["error"] in palette.retheme(text) and "#b3261e" not in palette.retheme(text)
    finally:
        palette.apply(palette.LIGHT)
        palette.notifier().changed.disconnect(seen.append)
    assert error.name() == "#b3261e" and palette.retheme(text) == text
    assert palette.qpalette(palette.DARK).base().color().name() == palette.DARK.qt["base"]
