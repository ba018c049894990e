"""Charts as plain geometry for server-drawn SVG: the same in the browser and in PDFs."""

import math
from dataclasses import dataclass

RADAR_SIZE = 320
RADAR_RADIUS = 100
RADAR_RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class RadarAxis:
    label: str
    value: int | None
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class RadarChart:
    size: int
    center: float
    axes: tuple[RadarAxis, ...]
    rings: tuple[str, ...]
    shape: str


def _point(center: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return center + radius * math.cos(angle), center + radius * math.sin(angle)


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def radar_chart(values: list[tuple[str, int | None]]) -> RadarChart:
    """A radar of 0–100 scores; an axis without a score is drawn at the centre."""
    count = len(values)
    center = RADAR_SIZE / 2
    axes = []
    shape = []
    for index, (label, value) in enumerate(values):
        x, y = _point(center, RADAR_RADIUS, index, count)
        label_x, label_y = _point(center, RADAR_RADIUS + 22, index, count)
        if abs(label_x - center) < 1:
            anchor = "middle"
        else:
            anchor = "start" if label_x > center else "end"
        axes.append(RadarAxis(label, value, x, y, label_x, label_y, anchor))
        shape.append(_point(center, RADAR_RADIUS * (value or 0) / 100, index, count))
    rings = tuple(
        _polygon([_point(center, RADAR_RADIUS * ring / 100, i, count) for i in range(count)])
        for ring in RADAR_RINGS
    )
    return RadarChart(RADAR_SIZE, center, tuple(axes), rings, _polygon(shape))
