"""The half-yearly report as headings, paragraphs, tables, a chart and quotes: written once here
and rendered both as Word (``report_docx``) and as PDF (``report_pdf``), so the two hold the same
numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from learningpack.content import Package
from learningpack.output.charts import LINE_STYLES, Line
from learningpack.reads.history import WeekCounts
from learningpack.reads.report import ReportFigures


@dataclass(frozen=True)
class Table:
    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Quote:
    text: str
    source: str  # the school and the module, never a person


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: bool = False  # the progress chart goes here, before the tables
    quotes: list[Quote] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # a bulleted list


@dataclass
class ReportDocument:
    title: str
    subtitle: str
    sections: list[Section]
    chart_title: str
    x_labels: list[str]
    lines: list[Line]


def signed(value: int) -> str:
    """A change as +3, −2 or 0."""
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else "0")


def short_day(day: date) -> str:
    return str(format_date(day, "d/M"))


def long_day(day: date) -> str:
    return str(format_date(day, "d. MMMM y"))


def progress_lines(package: Package, weeks: Sequence[WeekCounts]) -> tuple[list[str], list[Line]]:
    """The progress chart's x labels and one line per module: schools that reached it."""
    labels = [short_day(w.week_end) for w in weeks]
    lines = [
        Line(
            f"{m.position}. {m.title}",
            *LINE_STYLES[(m.position - 1) % len(LINE_STYLES)],
            [w.started(m.position) for w in weeks],
        )
        for m in package.modules
    ]
    return labels, lines


def weeks_table(package: Package, weeks: Sequence[WeekCounts]) -> Table:
    """The chart's data: per week's end, per module, schools in progress and completed."""
    header = [_("Uge slutter")]
    for m in package.modules:
        header += [
            _("%(num)d. i gang", num=m.position),
            _("%(num)d. afsluttet", num=m.position),
        ]
    rows = []
    for w in weeks:
        row = [long_day(w.week_end)]
        for m in package.modules:
            row += [str(w.in_progress[m.position]), str(w.completed[m.position])]
        rows.append(row)
    return Table(_("Skoler i gang og afsluttet pr. modul ved hver uges slutning"), header, rows)


def area_name(district: str) -> str:
    return district or _("Alle områder")


def build_document(
    package: Package, figures: ReportFigures, quotes: Sequence[Quote]
) -> ReportDocument:
    """Every section of the report, in Danish (the committee's language)."""
    period = _(
        "%(start)s – %(end)s",
        start=long_day(figures.period_from),
        end=long_day(figures.period_to),
    )
    overview = Section(
        _("Overblik"),
        paragraphs=[
            _(
                "%(started)d af %(schools)d skoler har startet læringspakken ved periodens "
                "slutning; %(new)d af dem startede i perioden.",
                started=figures.started,
                schools=figures.schools,
                new=figures.started_in_period,
            ),
            _(
                "Ændringer er regnet i forhold til slutningen af den forrige periode af samme "
                "længde (%(day)s).",
                day=long_day(figures.previous_to),
            ),
        ],
        tables=[
            Table(
                _("Nøgletal"),
                [_("Nøgletal"), _("Antal"), _("Ændring")],
                [
                    [_("Skoler i området"), str(figures.schools), ""],
                    [
                        _("Skoler, der har startet"),
                        str(figures.started),
                        signed(figures.started_in_period),
                    ],
                    [_("Skoler, der er gået i stå"), str(figures.stalled), ""],
                ],
            )
        ],
    )
    modules = Section(
        _("Moduler: i gang og afsluttet"),
        tables=[
            Table(
                _("Skoler pr. modul ved periodens slutning"),
                [_("Modul"), _("I gang"), _("Ændring"), _("Afsluttet"), _("Ændring")],
                [
                    [
                        f"{m.position}. {m.title}",
                        str(m.in_progress),
                        signed(m.in_progress_change),
                        str(m.completed),
                        signed(m.completed_change),
                    ]
                    for m in figures.modules
                ],
            )
        ],
    )
    chart_title = _("Skoler, der er nået til hvert modul, uge for uge")
    over_time = Section(
        _("Udvikling over tid"),
        paragraphs=[
            _(
                "Figuren viser for hvert modul, hvor mange skoler der er i gang med det eller "
                "har afsluttet det ved hver uges slutning. Tallene står i bilaget."
            )
        ],
        chart=True,
    )
    outcomes = Section(
        _("Beholde, justere eller stoppe"),
        paragraphs=[
            _(
                "Når en aktion er afprøvet, beslutter skolen at beholde, justere eller stoppe "
                "den. Fordelingen ved periodens slutning:"
            )
        ],
        tables=[
            Table(
                _("Aktioner og opfølgning pr. modul"),
                [
                    _("Modul"),
                    _("Aktioner aftalt"),
                    _("Fulgt op"),
                    _("Beholde"),
                    _("Justere"),
                    _("Stoppe"),
                ],
                [
                    [
                        f"{m.position}. {m.title}",
                        str(m.actions),
                        str(m.followed_up),
                        str(m.keep),
                        str(m.adjust),
                        str(m.stop),
                    ]
                    for m in figures.modules
                ],
            )
        ],
    )
    stalled = Section(
        _("Skoler, der er gået i stå"),
        paragraphs=[
            ngettext(
                "%(num)d skole har startet, men ikke registreret noget i mindst 30 dage ved "
                "periodens slutning.",
                "%(num)d skoler har startet, men ikke registreret noget i mindst 30 dage ved "
                "periodens slutning.",
                figures.stalled,
            )
        ],
        items=list(figures.stalled_names),
    )
    examples = Section(
        _("Eksempler fra praksis"),
        paragraphs=[] if quotes else [_("Der er ikke valgt eksempler til denne rapport.")],
        quotes=list(quotes),
    )
    appendix = Section(_("Bilag: data"), tables=[weeks_table(package, figures.weeks)])
    labels, lines = progress_lines(package, figures.weeks)
    return ReportDocument(
        title=_("Halvårlig afrapportering: %(package)s", package=package.title),
        subtitle=_(
            "Periode: %(period)s · Område: %(area)s",
            period=period,
            area=area_name(figures.district),
        ),
        sections=[overview, modules, over_time, outcomes, stalled, examples, appendix],
        chart_title=chart_title,
        x_labels=labels,
        lines=lines,
    )
