"""The programme budget as a chart, drawn on the server with matplotlib (SVG for the page, PNG
for a report), following waitlist/charts.py: a `Figure` of its own per chart and no pyplot
(which keeps global state, unsafe in a threaded server). The page shows the same numbers in a
table for screen readers. Amounts come in as Decimal and are turned into floats only here, to
place the bars; every number printed on the chart is formatted from the Decimal itself.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from django.utils import formats
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from regional.rules import BudgetSummary

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
BRAND = "#0b5563"
ACCENT = "#d08c00"
SPENT = "#0b5563"
COMMITTED = "#5b9aa5"
REMAINING = "#9bb7a0"
OVER = "#b3261e"
INK = "#1b2330"
MUTED = "#4d5867"
LINE = "#d5dbe3"
PNG_DPI = 150


@dataclass(frozen=True)
class Labels:
    """Every text on the chart, already translated by the caller."""

    title: str
    subtitle: str
    grant: str
    spent: str
    committed: str
    remaining: str
    by_category: str
    planned: str
    use: str  # the bar of spent, committed and remaining
    currency: str  # "kr"


def kroner(value: Decimal | float) -> str:
    """Whole kroner grouped as the page's language writes them: "665 000"."""
    return formats.number_format(Decimal(value).quantize(Decimal(1)), 0, force_grouping=True)


def _style(axes: object) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)  # type: ignore[attr-defined]
    for side in ("left", "bottom"):
        axes.spines[side].set_color(LINE)  # type: ignore[attr-defined]
    axes.tick_params(colors=MUTED, labelcolor=INK)  # type: ignore[attr-defined]
    axes.grid(axis="x", color=LINE, linewidth=0.6)  # type: ignore[attr-defined]
    axes.set_axisbelow(True)  # type: ignore[attr-defined]


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


def budget_chart(
    summary: BudgetSummary,
    categories: Sequence[tuple[str, Decimal, Decimal | None]],
    labels: Labels,
    fmt: str,
) -> bytes:
    """Top: the grant, and how much of it is spent, committed and left (one stacked bar).
    Below: planned and spent per category."""
    rows = max(1, len(categories))
    figure = Figure(figsize=(8, 3.2 + 0.42 * rows), layout="constrained")
    figure.patch.set_facecolor("white")
    figure.suptitle(f"{labels.title}\n{labels.subtitle}", color=INK, fontsize=12, x=0.02, ha="left")
    top, bottom = figure.subplots(2, 1, height_ratios=[1.4, max(1.2, 0.5 * rows)])
    money_axis = FuncFormatter(lambda value, _pos: kroner(Decimal(str(value))))

    # The grant, then spent + committed + remaining side by side in one bar.
    grant = float(summary.grant)
    spent, committed = float(summary.spent), float(summary.committed)
    remaining = float(summary.remaining)
    top.barh([labels.grant], [grant], color=LINE, height=0.55, edgecolor=MUTED, linewidth=0.6)
    top.text(grant, 0, f"  {kroner(summary.grant)} {labels.currency}", va="center", color=INK)
    parts = [
        (labels.spent, spent, SPENT, summary.spent),
        (labels.committed, committed, COMMITTED, summary.committed),
    ]
    if remaining >= 0:
        parts.append((labels.remaining, remaining, REMAINING, summary.remaining))
    left = 0.0
    for name, value, colour, exact in parts:
        top.barh(
            [labels.use],
            [value],
            left=left,
            color=colour,
            height=0.55,
            label=f"{name}: {kroner(exact)} {labels.currency}",
        )
        left += value
    if remaining < 0:
        top.barh(
            [labels.use],
            [-remaining],
            left=grant,
            color=OVER,
            height=0.55,
            label=f"{labels.remaining}: {kroner(summary.remaining)} {labels.currency}",
        )
    top.invert_yaxis()
    top.xaxis.set_major_formatter(money_axis)
    top.set_xlim(0, max(grant, spent + committed) * 1.18 or 1)
    top.legend(
        loc="lower right",
        fontsize=8.5,
        frameon=False,
        ncols=len(parts) if remaining >= 0 else 3,
        bbox_to_anchor=(1, -0.62),
    )
    _style(top)

    # Per category: planned (light) with spent (dark) over it.
    bottom.set_title(labels.by_category, loc="left", color=INK, fontsize=10)
    if categories:
        names = [name for name, _planned, _actual in categories]
        planned = [float(p) for _name, p, _actual in categories]
        actual = [float(a or 0) for _name, _planned, a in categories]
        bottom.barh(names, planned, color=LINE, height=0.7, label=labels.planned)
        bottom.barh(names, actual, color=SPENT, height=0.38, label=labels.spent)
        for index, (_name, p, a) in enumerate(categories):
            text = f"  {kroner(p)}" + (f" / {kroner(a)}" if a is not None else "")
            bottom.text(
                max(float(p), float(a or 0)), index, text, va="center", fontsize=8.5, color=INK
            )
        bottom.invert_yaxis()
        bottom.set_xlim(0, max(max(planned), max(actual)) * 1.35 or 1)
        bottom.legend(loc="lower right", fontsize=8.5, frameon=False)
    bottom.xaxis.set_major_formatter(money_axis)
    _style(bottom)
    return render(figure, fmt)
