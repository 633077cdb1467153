"""Charts as images (matplotlib, headless), embedded in HTML and PDF as data URIs."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

NHS_BLUE = "#005eb8"
NHS_DARK_GREY = "#425563"
NHS_PALETTE = ["#005eb8", "#007f3b", "#ffb81c", "#330072", "#d5281b", "#00a499", "#768692"]


def new_figure(width_inches: float = 7.0, height_inches: float = 3.5):
    figure, axes = plt.subplots(figsize=(width_inches, height_inches), dpi=150)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(colors=NHS_DARK_GREY)
    return figure, axes


def figure_to_png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
