"""Report charts: PNG images whose suppressed values ("*") are drawn as nothing, never as a number."""

from __future__ import annotations

import io

from PIL import Image

from chorus.reports import charts

NHS_BLUE = (0, 94, 184)


def blue_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for pixel in image.get_flattened_data() if pixel == NHS_BLUE)


def test_bar_chart_draws_bars_and_leaves_suppressed_values_empty():
    full = charts.bar_chart(["Jan", "Feb", "Mar"], [20, 15, 10], axis_label="Contributions")
    suppressed = charts.bar_chart(["Jan", "Feb", "Mar"], [20, "*", 10], axis_label="Contributions")
    assert full.startswith(b"\x89PNG")
    assert blue_pixels(full) > blue_pixels(suppressed) > 1000


def test_interval_chart_and_line_chart_skip_what_is_missing():
    drawn = charts.interval_chart(
        ["Damp", "GP access"], [40.0, 35.0], [30.0, 25.0], [50.0, 45.0], axis_label="Share, %"
    )
    half = charts.interval_chart(
        ["Damp", "GP access"], [40.0, "*"], [30.0, None], [50.0, None], axis_label="%"
    )
    assert blue_pixels(drawn) > blue_pixels(half) > 50
    line = charts.line_chart(
        ["2026-01", "2026-02"], {"Damp": [40.0, None], "GP": [10.0, 20.0]}, axis_label="%"
    )
    assert Image.open(io.BytesIO(line)).size[0] > 500
