"""The on-screen chart of a report (QtCharts): hover shows the value, a click picks the rows.

QtCharts was chosen by measuring: it adds about 3.3 MB to the bundle (libQt6Charts and its
binding; QtGraphs would pull in QtQuick, pyqtgraph needs numpy at 30+ MB) and imports in
about 3 ms, so it is loaded when the Reports screen first opens, never at start-up.
"""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtCharts import QBarSeries
from PySide6.QtCharts import QBarSet
from PySide6.QtCharts import QChart
from PySide6.QtCharts import QChartView
from PySide6.QtCharts import QHorizontalBarSeries
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import QMargins
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QCursor
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QStackedLayout
from PySide6.QtWidgets import QToolTip
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.reporting import ChartData
from iltdesk.domain.reporting import ColumnKind
from iltdesk.i18n import _

# The same colour-blind-safe colours as the PDF (Okabe–Ito), readable on light and dark.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
LABEL_LENGTH = 24


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


class ReportChart(QWidget):
    """A bar chart of `ChartData`; `bar_clicked` carries the table rows behind a bar."""

    bar_clicked = Signal(object)  # tuple[int, ...]: indexes into the report's rows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName(_("Chart"))
        self.empty = QLabel(_("Nothing to chart."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.layout_ = QStackedLayout(self)
        self.layout_.addWidget(self.view)
        self.layout_.addWidget(self.empty)
        self.data: ChartData | None = None
        self.order: list[int] = []
        self.value_kinds: list[ColumnKind] = []
        self.sets: list[QBarSet] = []

    def set_data(
        self,
        data: ChartData | None,
        horizontal: bool = False,
        kinds: list[ColumnKind] | None = None,
    ) -> None:
        """Draw `data` (None: nothing); `kinds` say how each series' values read."""
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        self.sets = []
        self.data = data
        if data is None or not data.categories:
            self.layout_.setCurrentWidget(self.empty)
            return
        self.layout_.setCurrentWidget(self.view)
        self.value_kinds = kinds or [ColumnKind.COUNT] * len(data.series)
        count = len(data.categories)
        # Horizontal bars grow upwards: reversed, the first row reads at the top.
        self.order = list(reversed(range(count))) if horizontal else list(range(count))
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        for position, each in enumerate(data.series):
            bar_set = QBarSet(each.label)
            bar_set.append([each.values[i] for i in self.order])
            bar_set.setColor(QColor(SERIES_COLOURS[position % len(SERIES_COLOURS)]))
            bar_set.setBorderColor(QColor(SERIES_COLOURS[position % len(SERIES_COLOURS)]))
            bar_set.hovered.connect(lambda state, index, p=position: self._hovered(state, index, p))
            bar_set.clicked.connect(self._clicked)
            series.append(bar_set)
            self.sets.append(bar_set)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([_short(formatting.format_chart_label(data, i)) for i in self.order])
        axis = QValueAxis()
        highest = max((v for each in data.series for v in each.values), default=0.0)
        axis.setRange(0, highest if highest > 0 else 1)
        axis.applyNiceNumbers()
        axis.setLabelFormat("%.0f")
        categories.setTruncateLabels(False)  # ours are shortened already, with an ellipsis
        if horizontal:
            self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            self.chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        else:
            if count > 6:
                categories.setLabelsAngle(-60)
            self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            self.chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(axis)
        self.chart.legend().setVisible(len(data.series) > 1)
        self.follow_palette()

    def follow_palette(self) -> None:
        """Light or dark like the window around it."""
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        self.chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        )
        self.chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        self.chart.legend().setLabelColor(text)
        for axis in self.chart.axes():
            axis.setLabelsColor(text)
        for position, bar_set in enumerate(self.sets):  # the theme resets colours
            colour = QColor(SERIES_COLOURS[position % len(SERIES_COLOURS)])
            bar_set.setColor(colour)
            bar_set.setBorderColor(colour)

    def _hovered(self, state: bool, index: int, position: int) -> None:
        if not state or self.data is None:
            QToolTip.hideText()
            return
        category = self.order[index]
        series = self.data.series[position]
        kind = self.value_kinds[position] if position < len(self.value_kinds) else ColumnKind.COUNT
        value = series.values[category]
        shown = (
            formatting.format_hours(value)
            if kind is ColumnKind.HOURS
            else formatting.format_number(round(value, 2))
        )
        name = (
            self.data.titles[category]
            if self.data.titles
            else formatting.format_chart_label(self.data, category)
        )
        QToolTip.showText(QCursor.pos(), f"{name}\n{series.label}: {shown}", self)

    def _clicked(self, index: int) -> None:
        if self.data is not None and 0 <= index < len(self.order):
            self.bar_clicked.emit(self.data.rows[self.order[index]])

    def rows_of_bar(self, index: int) -> tuple[int, ...]:
        """The table rows behind bar `index` as drawn (for tests and keyboard users)."""
        assert self.data is not None
        return self.data.rows[self.order[index]]
