"""SVG charts of a petition's public figures, drawn on the server with pygal (and its world-map plugin).

pygal's JavaScript is turned off (``js=[]``) and its inline configuration script removed, so a chart is plain SVG:
no script, no external reference, readable without JavaScript. Each chart has a ``<title>`` and ``<desc>``; the
figures page puts a data table beside each.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pygal
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pygal.style import Style
from pygal_maps_world.maps import World

from .public_figures import PublicFigures

SVG_NS = "http://www.w3.org/2000/svg"
#: Colours with enough contrast on white (WCAG 2.2 AA, 3:1 for graphics).
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#595959",
    colors=("#1d4f91", "#b3261e", "#2e7d32", "#6a1b9a", "#8a5a00"),
    font_family="system-ui, sans-serif",
)
def count_format(value) -> str:
    """Counts on axes and in tooltips: pygal hands floats (150000.0), a count is written whole (150,000)."""
    return number_format(int(value) if float(value).is_integer() else value, force_grouping=True)


BASE = {"js": [], "disable_xml_declaration": True, "style": STYLE, "explicit_size": False, "pretty_print": False}


def _plain_svg(chart, description: str) -> str:
    """The chart as SVG without any script, with a ``<desc>`` for assistive technology."""
    tree = chart.render_tree()
    _strip_scripts(tree)
    ElementTree.register_namespace("", SVG_NS)
    tree.set("role", "img")
    desc = ElementTree.Element(f"{{{SVG_NS}}}desc")
    desc.text = description
    tree.insert(0, desc)
    title = ElementTree.Element(f"{{{SVG_NS}}}title")
    title.text = chart.config.title or ""
    tree.insert(0, title)
    return ElementTree.tostring(tree, encoding="unicode")


def _strip_scripts(element) -> None:
    for child in list(element):
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
            element.remove(child)
        else:
            _strip_scripts(child)


def world_map_svg(figures: PublicFigures) -> str:
    """A world map shaded by each country's signatures (online and paper)."""
    chart = World(**BASE, title=_("Signatures by country"), show_legend=False, value_formatter=count_format)
    chart.add(_("Signatures"), {row.key.lower(): row.total for row in figures.countries if row.total})
    description = _("Map of the world, each country shaded by its number of signatures; the table lists them.")
    return _plain_svg(chart, description)


def cumulative_svg(figures: PublicFigures) -> str:
    """The count over time (cumulative, per UTC day), with the goal, milestones reached, closing and delivery."""
    chart = pygal.DateLine(
        **BASE,
        title=_("Signatures over time"),
        height=360,
        show_dots=False,
        x_label_rotation=0,
        legend_at_bottom=True,
        value_formatter=count_format,
        x_value_formatter=lambda day: day.isoformat(),
        truncate_label=-1,
    )
    days = [(period.start.date(), period.cumulative) for period in figures.days]
    chart.add(_("Signatures (total)"), days, fill=True)
    if days:
        first, last = days[0][0], days[-1][0]
        for dated in (figures.closes_at.date() if figures.closes_at else None, figures.delivered_on):
            if dated and dated > last:
                last = dated
        chart.add(
            _("Goal"),
            [(first, figures.displayed_goal), (last, figures.displayed_goal)],
            stroke_style={"dasharray": "6,4"},
        )
        reached = [(m.reached_on, m.count) for m in figures.milestones if m.reached_on]
        if reached:
            chart.add(_("Milestones reached"), reached, stroke=False, show_dots=True, dots_size=5)
        events = []
        if figures.closes_at:
            events.append((figures.closes_at.date(), _cumulative_on(days, figures.closes_at.date())))
        if figures.delivered_on:
            events.append((figures.delivered_on, _cumulative_on(days, figures.delivered_on)))
        if events:
            chart.add(_("Closing and delivery"), events, stroke=False, show_dots=True, dots_size=6)
    description = _("Line chart of the total number of signatures per day; the table below gives the figures.")
    return _plain_svg(chart, description)


def daily_bars_svg(figures: PublicFigures) -> str:
    """Signatures added per UTC day, online and paper."""
    chart = pygal.StackedBar(
        **BASE,
        title=_("Signatures per day"),
        height=300,
        legend_at_bottom=True,
        value_formatter=count_format,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_count=6,
        truncate_label=-1,
    )
    chart.x_labels = [period.start.date().isoformat() for period in figures.days]
    chart.add(_("Online"), [period.online for period in figures.days])
    chart.add(_("Paper"), [period.paper for period in figures.days])
    description = _("Bar chart of the signatures added each day, online and on paper; the table below lists them.")
    return _plain_svg(chart, description)


def _cumulative_on(days, day) -> int:
    total = 0
    for start, cumulative in days:
        if start > day:
            break
        total = cumulative
    return total
