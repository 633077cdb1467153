"""Maps as files: edge list and matrix CSV safe to open in a spreadsheet, and drawings as SVG or PNG.

Plain Python on chorus.maps (no Django), so a notebook can use it too.
"""

from __future__ import annotations

import csv
import io
import math

from chorus.ingest.safety import neutralise_formula
from chorus.maps import FuzzyCognitiveMap

POSITIVE_COLOUR = "#005eb8"  # NHS blue
NEGATIVE_COLOUR = "#d5281b"  # NHS red
NODE_COLOUR = "#e8edee"
TEXT_COLOUR = "#212b32"


def safe_cell(value: object) -> str:
    """A cell as text a spreadsheet will not run as a formula (chorus.ingest.safety decides what is risky).

    Floats are written with six significant figures; numbers, "-0.5" or "-1e-05", stay numbers.
    """
    text = (
        value if isinstance(value, str) else format(value, ".6g") if isinstance(value, float) else str(value)
    )
    return neutralise_formula(text)


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def edge_list_csv(
    fcm: FuzzyCognitiveMap, extra: dict[tuple[str, str], dict[str, object]] | None = None
) -> str:
    """from, to, weight (readable by chorus.maps.formats.read_edge_list_csv), then any extra columns."""
    extra = extra or {}
    columns = sorted({column for values in extra.values() for column in values})
    rows: list[list[object]] = [["from", "to", "weight", *columns]]
    for link in fcm.links:
        more = extra.get((link.source, link.target), {})
        rows.append(
            [
                fcm.factor(link.source).name,
                fcm.factor(link.target).name,
                round(link.weight, 6),
                *(more.get(column, "") for column in columns),
            ]
        )
    return _csv(rows)


def matrix_csv(fcm: FuzzyCognitiveMap) -> str:
    """Factor names across the top and down the side; row i, column j is the effect of i on j."""
    matrix = fcm.weight_matrix()
    rows: list[list[object]] = [["", *fcm.names]]
    for name, values in zip(fcm.names, matrix, strict=True):
        rows.append([name, *(round(float(value), 6) if value else "" for value in values)])
    return _csv(rows)


# Kamada-Kawai reads best but costs O(N²) memory and time; larger (imported) maps get a seeded spring layout.
KAMADA_KAWAI_UP_TO = 150


def layout(fcm: FuzzyCognitiveMap) -> dict[str, tuple[float, float]]:
    """Positions in about -1..1 for each factor id (y upwards); the same map always gets the same layout."""
    import networkx as nx

    graph = fcm.to_networkx()
    if not graph.number_of_nodes():
        return {}
    undirected = nx.Graph(graph.to_undirected())
    for _, _, data in undirected.edges(data=True):
        data["weight"] = abs(data.get("weight", 1.0)) or 0.1
    if len(graph) <= 2:
        positions = nx.circular_layout(undirected)
    elif len(graph) <= KAMADA_KAWAI_UP_TO:
        positions = nx.kamada_kawai_layout(undirected)  # deterministic: it starts from a circle
    else:
        positions = nx.spring_layout(undirected, seed=0, iterations=50)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def draw(fcm: FuzzyCognitiveMap, fmt: str = "svg", title: str = "") -> bytes:
    """The map drawn as SVG or PNG: blue arrows raise, red dashed arrows lower, thicker is stronger."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown drawing format {fmt!r}")
    # Imported here: matplotlib takes seconds to load and only drawings need it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(6.0, min(14.0, 3.0 + math.sqrt(len(fcm.factors)) * 2.0))
    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        figure, axes = plt.subplots(figsize=(size, size * 0.75), dpi=150)
        axes.set_axis_off()
        positions = layout(fcm)
        for link in fcm.links:
            start, end = positions[link.source], positions[link.target]
            colour = POSITIVE_COLOUR if link.weight >= 0 else NEGATIVE_COLOUR
            axes.annotate(
                "",
                xy=end,
                xytext=start,
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": colour,
                    "linewidth": 0.8 + 3.0 * abs(link.weight),
                    "linestyle": "solid" if link.weight >= 0 else (0, (4, 2)),
                    "shrinkA": 18,
                    "shrinkB": 18,
                    "connectionstyle": "arc3,rad=0.08",
                    "mutation_scale": 14,
                },
            )
        for factor in fcm.factors:
            x, y = positions[factor.id]
            axes.text(
                x,
                y,
                factor.name,
                ha="center",
                va="center",
                fontsize=9,
                color=TEXT_COLOUR,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": NODE_COLOUR, "edgecolor": "#768692"},
                wrap=True,
            )
        if positions:
            xs, ys = zip(*positions.values(), strict=True)
            axes.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
            axes.set_ylim(min(ys) - 0.2, max(ys) + 0.2)
        if title:
            axes.set_title(title, color=TEXT_COLOUR, fontsize=12)
        buffer = io.BytesIO()
        figure.tight_layout()
        figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        plt.close(figure)
    return buffer.getvalue()
