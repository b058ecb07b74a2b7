"""Waiting-list charts drawn on the server with matplotlib, as SVG for the page and PNG for
pasting into a report.

Only the object-oriented API is used (a `Figure` of its own per chart, no pyplot): pyplot keeps
global state, which is not safe in a web server with threads. The Agg backend needs no
display. Text in the SVG is drawn as paths, so the chart looks the same without the fonts;
the page shows the same numbers as a table for screen readers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from django.utils import formats
from django.utils.translation import get_language
from matplotlib.dates import AutoDateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from waitlist.statistics import DayCount

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
BRAND = "#0b5563"
ACCENT = "#d08c00"
INK = "#1b2330"
MUTED = "#4d5867"
LINE = "#d5dbe3"
PNG_DPI = 150  # sharp enough for a printed report


@dataclass(frozen=True)
class Labels:
    """Every text on a chart, already translated by the caller."""

    title: str
    subtitle: str
    value_axis: str
    empty: str


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    figure.patch.set_facecolor("white")
    return figure


def _titles(figure: Figure, labels: Labels) -> None:
    figure.suptitle(f"{labels.title}\n{labels.subtitle}", color=INK, fontsize=12, x=0.02, ha="left")


def _style(axes: object) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)  # type: ignore[attr-defined]
    for side in ("left", "bottom"):
        axes.spines[side].set_color(LINE)  # type: ignore[attr-defined]
    axes.tick_params(colors=MUTED, labelcolor=INK)  # type: ignore[attr-defined]


def _empty(figure: Figure, labels: Labels) -> None:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, labels.empty, ha="center", va="center", color=MUTED, fontsize=12)


def _day_label(value: float, _position: int | None = None) -> str:
    """A tick on the time axis as a short date in the active language: "1. sep" or "1 Sep"."""
    day = num2date(value).date()
    norwegian = (get_language() or "nb").startswith(("nb", "nn", "no"))
    return formats.date_format(day, "j. b" if norwegian else "j M")


def render(figure: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, object] = {"format": fmt, "facecolor": "white"}
    if fmt == "svg":
        options["metadata"] = {"Date": None}
    else:
        options["dpi"] = PNG_DPI
        options["metadata"] = {"Software": None}
    figure.savefig(buffer, **options)
    return buffer.getvalue()


def bar_chart(rows: Sequence[tuple[str, int]], labels: Labels, fmt: str) -> bytes:
    """Horizontal bars, one per offer, largest first: long offer names stay readable."""
    height = max(3.0, 1.4 + 0.38 * len(rows))
    figure = _figure(8, height)
    _titles(figure, labels)
    if not rows or not any(value for _, value in rows):
        _empty(figure, labels)
        return render(figure, fmt)
    ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
    names = [name for name, _ in ordered][::-1]
    values = [value for _, value in ordered][::-1]
    axes = figure.add_subplot()
    bars = axes.barh(names, values, color=BRAND, height=0.65)
    axes.bar_label(bars, padding=3, color=INK, fontsize=9)
    axes.set_xlabel(labels.value_axis, color=MUTED)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(values) * 1.12 + 0.5)
    axes.grid(axis="x", color=LINE, linewidth=0.6)
    axes.set_axisbelow(True)
    _style(axes)
    return render(figure, fmt)


def line_chart(points: Sequence[DayCount], labels: Labels, fmt: str) -> bytes:
    """Children waiting at the school, day by day."""
    figure = _figure(8, 3.8)
    _titles(figure, labels)
    if not points:
        _empty(figure, labels)
        return render(figure, fmt)
    days = [point.day for point in points]
    values = [point.children for point in points]
    axes = figure.add_subplot()
    axes.plot(days, values, color=BRAND, linewidth=2, marker="o" if len(points) < 20 else None)
    axes.fill_between(days, values, color=BRAND, alpha=0.08)
    axes.set_ylabel(labels.value_axis, color=MUTED)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(values) * 1.15 + 1)
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
    axes.xaxis.set_major_formatter(FuncFormatter(_day_label))
    axes.grid(axis="y", color=LINE, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.annotate(
        str(values[-1]),
        (days[-1], values[-1]),
        textcoords="offset points",
        xytext=(4, 6),
        color=ACCENT,
        fontweight="bold",
    )
    _style(axes)
    return render(figure, fmt)
