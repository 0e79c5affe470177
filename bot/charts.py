"""The /report chart: evening ratings, sleep quality, tried ideas, skipped nights and warning
signs as one PNG (Agg only).

Built on a private `Figure` + `FigureCanvasAgg`, never pyplot, so nothing global is touched and
a call from the event loop's thread (or a worker thread) is safe. Each kind of mark carries a
`gid` (see the GID_* names) so that tests can find what was drawn without reading pixels.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.models import Catalog, Helped, Night
from bot.texts import ChartText, sleep_labels, t

FIGSIZE = (8.0, 5.8)
DPI = 130
MAX_TICKS = 8
LEGEND_COLUMNS = 3
LEFT, RIGHT = 0.14, 0.96
RATING_COLOR = "#0072B2"
SLEEP_COLOR = "#8C7BC0"
SKIPPED_COLOR = "#8a8a8a"
SKIPPED_FILL = "#ededed"
SKIPPED_HATCH = "///"
FLAG_COLOR = "#E69F00"
# Marks in a strip above the 0-10 scale: tried ideas, then warning signs.
TRIED_ROW = 11.4
FLAG_ROW = 12.6
STRIP = (10.7, 13.3)
# Up to this many rated nights, each point is drawn larger with its number beside it, so a
# first week (or a first night) reads at a glance instead of as a few dots on an empty canvas.
LABELLED_RATINGS = 7

GID_RATINGS = "ratings"
GID_RATING_LABEL = "rating-label"
GID_SKIPPED = "skipped"
GID_FLAGS = "red-flags"
GID_FLAG_BANDS = "red-flag-bands"
GID_SLEEP = "sleep"


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
    """PNG of the `days` nights ending at `end` (see `report_figure`).

    `catalog` is accepted for symmetry with the other report builders; the chart shows no
    remedy titles (they may hold characters the chart font lacks, and the legend says enough).
    """
    del catalog
    buffer = io.BytesIO()
    report_figure(nights, end, days).savefig(buffer, format="png")
    return buffer.getvalue()


def report_figure(nights: Sequence[Night], end: dt.date, days: int = 28) -> Figure:
    """The chart of the `days` nights ending at `end`: the evening rating as a line (a gap
    where a night has no rating), skipped nights as grey hatched columns, the nights an idea
    was tried and those with a warning sign as marks above, and sleep quality below."""
    if days < 1:
        raise ValueError("days must be at least 1")
    start = end - dt.timedelta(days=days - 1)
    by_day = {n.night: n for n in nights if start <= n.night <= end}
    xs = list(range(days))
    dates = [start + dt.timedelta(days=i) for i in xs]
    found = [by_day.get(d) for d in dates]
    ratings = [n.rating if n is not None else None for n in found]

    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)  # attaches itself to `fig`: savefig then renders with Agg
    top, bottom = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.6], "hspace": 0.12}
    )
    title = t(ChartText.TITLE, days=_nights(days), end=f"{end.day} {end:%b %Y}")
    fig.suptitle(title, fontsize=13, y=0.985)

    handles: list[Artist] = [*_ratings(top, xs, ratings)]
    handles += _tried(top, xs, found)
    handles += _skipped(top, xs, found)
    handles += _flags(top, xs, found)
    if any(
        r is None and (n is None or not n.skipped) for r, n in zip(ratings, found, strict=True)
    ):
        handles.append(Line2D([], [], linestyle="none", label=t(ChartText.GAP)))
    top.axhspan(*STRIP, color="#f2f2f2", zorder=0)
    top.set_ylim(-0.6, STRIP[1])
    top.set_yticks([0, 2, 4, 6, 8, 10, TRIED_ROW, FLAG_ROW])
    top.set_yticklabels(
        ["0", "2", "4", "6", "8", "10", t(ChartText.TRIED_AXIS), t(ChartText.FLAG_AXIS)]
    )
    top.set_ylabel(t(ChartText.LEGS_AXIS), fontsize=9)
    top.grid(axis="y", color="#dddddd", linewidth=0.6)
    if not any(r is not None for r in ratings):
        top.text(
            (days - 1) / 2, 5, t(ChartText.NO_RATINGS), ha="center", va="center",
            fontsize=11, color="#777777",
        )  # fmt: skip
    # The legend sits under the title, and the plots start below its last row.
    rows = -(-len(handles) // LEGEND_COLUMNS)
    fig.subplots_adjust(left=LEFT, right=RIGHT, top=0.905 - 0.036 * rows, bottom=0.08)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(LEFT - 0.01, 0.925),
        ncol=LEGEND_COLUMNS,
        fontsize=8,
        frameon=False,
        handletextpad=0.4,
        columnspacing=1.2,
    )

    _sleep(bottom, xs, found, days)
    ticks = _tick_positions(days)
    bottom.set_xticks(ticks)
    bottom.set_xticklabels([f"{dates[i].day} {dates[i]:%b}" for i in ticks], fontsize=8)
    bottom.set_xlim(-0.7, days - 0.3)
    for ax in (top, bottom):
        ax.tick_params(labelsize=8)
        ax.spines["top"].set_visible(False)
        ax.spines["right"].set_visible(False)
    return fig


def _nights(days: int) -> str:
    return f"{days} night" if days == 1 else f"{days} nights"


def _ratings(top: Axes, xs: list[int], ratings: list[int | None]) -> list[Line2D]:
    rated = [(x, r) for x, r in zip(xs, ratings, strict=True) if r is not None]
    few = len(rated) <= LABELLED_RATINGS
    size = 8 if few else 4
    # Missing nights are NaN, so the line breaks there instead of bridging the gap.
    nan = float("nan")
    top.plot(
        xs,
        [nan if r is None else r for r in ratings],
        color=RATING_COLOR,
        marker="o",
        markersize=size,
        linewidth=1.8,
        gid=GID_RATINGS,
    )
    if few:
        for x, rating in rated:
            top.annotate(
                str(rating),
                (x, rating),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                fontsize=9,
                fontweight="bold",
                color=RATING_COLOR,
                gid=GID_RATING_LABEL,
            )
    return [Line2D([], [], color=RATING_COLOR, marker="o", markersize=5, label=t(ChartText.LEGS))]


def _tried(top: Axes, xs: list[int], found: list[Night | None]) -> list[Line2D]:
    handles = []
    for helped, style in TRIED_STYLES.items():
        marks = [
            x
            for x, n in zip(xs, found, strict=True)
            if n is not None and n.tried_remedy is not None and n.helped == helped
        ]
        if not marks:
            continue
        top.scatter(
            marks,
            [TRIED_ROW] * len(marks),
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
    return handles


def _skipped(top: Axes, xs: list[int], found: list[Night | None]) -> list[Patch]:
    """Skipped nights: a grey hatched column over the 0-10 scale (a night with no answer
    stays a gap)."""
    skipped = [x for x, n in zip(xs, found, strict=True) if n is not None and n.skipped]
    if not skipped:
        return []
    top.broken_barh(
        [(x - 0.4, 0.8) for x in skipped],
        (-0.5, 11.0),
        facecolor=SKIPPED_FILL,
        edgecolor=SKIPPED_COLOR,
        hatch=SKIPPED_HATCH,
        linewidth=0,
        zorder=1,
        gid=GID_SKIPPED,
    )
    patch = Patch(
        facecolor=SKIPPED_FILL,
        edgecolor=SKIPPED_COLOR,
        hatch=SKIPPED_HATCH,
        linewidth=0,
        label=t(ChartText.SKIPPED),
    )
    return [patch]


def _flags(top: Axes, xs: list[int], found: list[Night | None]) -> list[Line2D]:
    """Nights with a warning sign noted: a "!" in the strip and a light band down the night."""
    flagged = [x for x, n in zip(xs, found, strict=True) if n is not None and n.red_flags]
    if not flagged:
        return []
    top.broken_barh(
        [(x - 0.45, 0.9) for x in flagged],
        (-0.5, STRIP[1] + 0.5),
        facecolor=FLAG_COLOR,
        alpha=0.18,
        linewidth=0,
        zorder=0.5,
        gid=GID_FLAG_BANDS,
    )
    top.scatter(
        flagged,
        [FLAG_ROW] * len(flagged),
        marker="$!$",
        s=90,
        color=FLAG_COLOR,
        zorder=3,
        gid=GID_FLAGS,
    )
    return [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="$!$",
            markersize=9,
            color=FLAG_COLOR,
            label=t(ChartText.WARNING_SIGN),
        )
    ]


def _sleep(bottom: Axes, xs: list[int], found: list[Night | None], days: int) -> None:
    present = [
        (x, n.sleep_quality)
        for x, n in zip(xs, found, strict=True)
        if n is not None and n.sleep_quality is not None
    ]
    if present:
        # One line collection instead of a bar patch per night: a year of nights stays fast.
        axes_points = FIGSIZE[0] * (RIGHT - LEFT) * 72
        bottom.vlines(
            [x for x, _ in present],
            0,
            [q for _, q in present],
            colors=SLEEP_COLOR,
            linewidth=max(0.5, min(0.7 * axes_points / days, 24.0)),
            capstyle="butt",
            gid=GID_SLEEP,
        )
    else:
        bottom.text(
            (days - 1) / 2, 3, t(ChartText.NO_SLEEP), ha="center", va="center",
            fontsize=10, color="#777777",
        )  # fmt: skip
    bottom.set_ylim(0, 5.4)
    bottom.set_yticks([1, 2, 3, 4, 5])
    bottom.set_yticklabels(list(sleep_labels()), fontsize=7.5)
    bottom.set_ylabel(t(ChartText.SLEEP_AXIS), fontsize=9)
    bottom.grid(axis="y", color="#dddddd", linewidth=0.6)
