"""Charts as plain geometry for server-drawn SVG: the same in the browser and in PDFs."""

import math
from dataclasses import dataclass

RADAR_SIZE = 300
RADAR_RADIUS = 100
# Room beside the circle for the axis labels: the SVG's viewBox is wider than the radar.
RADAR_LABEL_MARGIN = 90
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

    @property
    def label_lines(self) -> tuple[str, ...]:
        """Long labels on two lines, split at the space nearest the middle."""
        if len(self.label) <= 12 or " " not in self.label:
            return (self.label,)
        spaces = [i for i, char in enumerate(self.label) if char == " "]
        middle = min(spaces, key=lambda i: abs(i - len(self.label) / 2))
        return (self.label[:middle], self.label[middle + 1 :])


@dataclass(frozen=True)
class RadarChart:
    size: int
    center: float
    margin: int
    width: int
    height: int
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
        label_x, label_y = _point(center, RADAR_RADIUS + 16, index, count)
        if label_y < center - 1:
            label_y -= 28  # up to three lines of text above the top of the circle
        if abs(label_x - center) < 1:
            anchor = "middle"
        else:
            anchor = "start" if label_x > center else "end"
        axes.append(
            RadarAxis(
                label, value, round(x, 1), round(y, 1), round(label_x, 1), round(label_y, 1), anchor
            )
        )
        shape.append(_point(center, RADAR_RADIUS * (value or 0) / 100, index, count))
    rings = tuple(
        _polygon([_point(center, RADAR_RADIUS * ring / 100, i, count) for i in range(count)])
        for ring in RADAR_RINGS
    )
    return RadarChart(
        size=RADAR_SIZE,
        center=center,
        margin=RADAR_LABEL_MARGIN,
        width=RADAR_SIZE + 2 * RADAR_LABEL_MARGIN,
        height=RADAR_SIZE + 40,
        axes=tuple(axes),
        rings=rings,
        shape=_polygon(shape),
    )
