"""Charts as inline SVG, drawn on the server: no script, no network, readable without colour.

Each chart is a horizontal bar chart whose rows carry their own label and count, so it reads the
same in a screen reader (``role="img"`` with a title, and the data table beside it) and works in
right-to-left pages: SVG coordinates are not mirrored by CSS, so for Arabic the bars are drawn
from the right edge and the labels anchored on the right.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 22
WIDTH = 560
LABEL_WIDTH = 230
COUNT_WIDTH = 60


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, rtl: bool = False, chart_id: str = "chart"
) -> SafeString:
    """An SVG bar chart of (label, count) rows, longest bar = largest count."""
    rows = [(str(label), int(count)) for label, count in rows]
    top = max((count for _, count in rows), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    height = max(len(rows), 1) * ROW_HEIGHT + 4
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{escape(title_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
    ]
    for i, (label, count) in enumerate(rows):
        y = i * ROW_HEIGHT + 2
        text_y = y + ROW_HEIGHT - 7
        length = round(bar_space * count / top, 1)
        if count and length < 2:
            length = 2  # a non-zero count stays visible
        if rtl:
            label_x, anchor = WIDTH - 4, "end"
            bar_x = WIDTH - LABEL_WIDTH - length
            count_x, count_anchor = bar_x - 6, "end"
        else:
            label_x, anchor = 4, "start"
            bar_x = LABEL_WIDTH
            count_x, count_anchor = bar_x + length + 6, "start"
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<g><text x="{label_x}" y="{text_y}" text-anchor="{anchor}">{escape(short)}'
            f"<title>{escape(label)}</title></text>"
            f'<rect x="{bar_x}" y="{y + 3}" width="{length}" height="{ROW_HEIGHT - 6}" rx="2"/>'
            f'<text class="n" x="{count_x}" y="{text_y}" text-anchor="{count_anchor}">{count}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above
