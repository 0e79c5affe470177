"""The /report chart: evening ratings, sleep quality and tried ideas as one PNG (Agg only).

Built on a private `Figure` + `FigureCanvasAgg`, never pyplot, so nothing global is touched and
a call from the event loop's thread (or a worker thread) is safe.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.models import Catalog, Helped, Night
from bot.texts import ChartText, sleep_labels, t

FIGSIZE = (8.0, 5.0)
DPI = 130
MAX_TICKS = 8
LEFT, RIGHT = 0.13, 0.96
RATING_COLOR = "#0072B2"
SLEEP_COLOR = "#8C7BC0"
MARKER_ROW = 11.3  # tried-idea markers sit in a strip above the 0-10 scale


@dataclass(frozen=True)
class _Style:
    label: ChartText
    marker: str
    color: str
    filled: bool


# Okabe-Ito colours (safe for colour-blind readers) and distinct shapes, so the legend also
# works in black and white.
TRIED_STYLES: dict[Helped | None, _Style] = {
    Helped.CLEARLY: _Style(ChartText.HELPED_CLEARLY, "^", "#009E73", True),
    Helped.A_BIT: _Style(ChartText.HELPED_A_BIT, "o", "#56B4E9", True),
    Helped.NO: _Style(ChartText.DID_NOT_HELP, "X", "#D55E00", True),
    None: _Style(ChartText.NO_ANSWER, "o", "#CC79A7", False),
}


def _tick_positions(days: int) -> list[int]:
    step = max(1, -(-days // MAX_TICKS))
    return sorted(range(days - 1, -1, -step))


def report_png(nights: Sequence[Night], catalog: Catalog, end: dt.date, days: int = 28) -> bytes:
    """PNG of the `days` nights ending at `end`: ratings, sleep, and nights an idea was tried.

    `catalog` is accepted for symmetry with the other report builders; the chart shows no
    remedy titles (they may hold characters the chart font lacks, and the legend says enough).
    """
    del catalog
    if days < 1:
        raise ValueError("days must be at least 1")
    start = end - dt.timedelta(days=days - 1)
    by_day = {n.night: n for n in nights if start <= n.night <= end}
    xs = list(range(days))
    dates = [start + dt.timedelta(days=i) for i in xs]
    ratings = [by_day[d].rating if d in by_day else None for d in dates]
    sleep = [by_day[d].sleep_quality if d in by_day else None for d in dates]

    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)  # attaches itself to `fig`: savefig then renders with Agg
    top, bottom = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3], "hspace": 0.12}
    )
    fig.subplots_adjust(left=LEFT, right=RIGHT, top=0.80, bottom=0.09)
    title = t(ChartText.TITLE, days=days, end=f"{end.day} {end:%b %Y}")
    fig.suptitle(title, fontsize=13, y=0.98)

    # Missing nights are NaN, so the line breaks there instead of bridging the gap.
    nan = float("nan")
    top.plot(
        xs,
        [nan if r is None else r for r in ratings],
        color=RATING_COLOR,
        marker="o",
        markersize=4,
        linewidth=1.8,
        label=t(ChartText.LEGS),
    )
    handles: list[Line2D] = [
        Line2D([], [], color=RATING_COLOR, marker="o", markersize=4, label=t(ChartText.LEGS))
    ]
    for helped, style in TRIED_STYLES.items():
        marks = [
            x
            for x, d in zip(xs, dates, strict=True)
            if (n := by_day.get(d)) is not None
            and n.tried_remedy is not None
            and n.helped == helped
        ]
        if not marks:
            continue
        top.scatter(
            marks,
            [MARKER_ROW] * len(marks),
            marker=style.marker,
            s=46,
            color=style.color if style.filled else "none",
            edgecolors=style.color,
            linewidths=1.2,
            zorder=3,
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style.marker,
                markersize=7,
                markerfacecolor=style.color if style.filled else "none",
                markeredgecolor=style.color,
                label=t(style.label),
            )
        )
    top.axhspan(10.6, 12.0, color="#f2f2f2", zorder=0)
    top.set_ylim(-0.5, 12.0)
    top.set_yticks([0, 2, 4, 6, 8, 10, MARKER_ROW])
    top.set_yticklabels(["0", "2", "4", "6", "8", "10", t(ChartText.TRIED_AXIS)])
    top.set_ylabel(t(ChartText.LEGS_AXIS), fontsize=9)
    top.grid(axis="y", color="#dddddd", linewidth=0.6)
    if not any(r is not None for r in ratings):
        top.text(
            (days - 1) / 2, 5, t(ChartText.NO_RATINGS), ha="center", va="center",
            fontsize=11, color="#777777",
        )  # fmt: skip
    top.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.02),
        ncol=3,
        fontsize=8,
        frameon=False,
        handletextpad=0.4,
        columnspacing=1.2,
    )

    present = [(x, q) for x, q in zip(xs, sleep, strict=True) if q is not None]
    if present:
        # One line collection instead of a bar patch per night: a year of nights stays fast.
        axes_points = FIGSIZE[0] * (RIGHT - LEFT) * 72
        bottom.vlines(
            [x for x, _ in present],
            0,
            [q for _, q in present],
            colors=SLEEP_COLOR,
            linewidth=max(0.5, 0.7 * axes_points / days),
            capstyle="butt",
        )
    bottom.set_ylim(0, 5.4)
    bottom.set_yticks([1, 3, 5])
    words = sleep_labels()
    bottom.set_yticklabels([words[0], words[2], words[4]], fontsize=8)
    bottom.set_ylabel(t(ChartText.SLEEP_AXIS), fontsize=9)
    bottom.grid(axis="y", color="#dddddd", linewidth=0.6)

    ticks = _tick_positions(days)
    bottom.set_xticks(ticks)
    bottom.set_xticklabels([f"{dates[i].day} {dates[i]:%b}" for i in ticks], fontsize=8)
    bottom.set_xlim(-0.7, days - 0.3)
    for ax in (top, bottom):
        ax.tick_params(labelsize=8)
        ax.spines["top"].set_visible(False)
        ax.spines["right"].set_visible(False)

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
