"""A module file's Markdown body: the eight sections, their lists and the agenda table."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from learningpack.content.model import AgendaStep, Section
from learningpack.content.source import SourceFile, is_count

#: (stable key, Danish heading) of the eight module sections, in their required order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("purpose", "Formål"),
    ("input", "Videnoplæg"),
    ("discussion", "Drøftelse"),
    ("actions", "Aktionsforslag"),
    ("followup", "Opsamling"),
    ("guide", "Facilitatorguide"),
    ("parents", "Til forældre"),
    ("board", "Til skolebestyrelsen"),
)
AGENDA_COLUMNS = ("Tid", "Minutter", "Aktivitet", "Sådan gør I")
#: The parts every action suggestion must have, so it can fill an action's fields.
SUGGESTION_PARTS = ("Hvad vi forventer at se:", "Sådan opdager vi det:")
_RANGE = re.compile(r"(\d+)\s*[–-]\s*(\d+)")
#: A finding code such as F3, as the text names it.
FINDING_CODE = re.compile(r"\bF\d+\b")


def _label_cells(state: Any) -> None:
    """Give each table cell its column's heading as ``data-label``, so that a table can be shown
    as stacked rows on a phone with each value named (CSS ``attr(data-label)``)."""
    headings: list[str] = []
    column, in_head, cell = 0, False, None
    for token in state.tokens:
        if token.type == "thead_open":
            headings, in_head = [], True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            column = 0
        elif token.type in ("th_open", "td_open"):
            cell = token
        elif token.type == "inline" and cell is not None:
            if in_head:
                headings.append(_plain(token))
            elif column < len(headings) and headings[column]:
                cell.attrSet("data-label", headings[column])
        elif token.type in ("th_close", "td_close"):
            cell, column = None, column + 1


_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
_markdown.core.ruler.push("label_cells", _label_cells)


def render_markdown(text: str) -> str:
    """Render Markdown (CommonMark + tables) to HTML; raw HTML in the text is escaped; table
    cells carry their column's heading as ``data-label``."""
    return _markdown.render(text)


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0


def _plain(inline: Token) -> str:
    """The plain text of an inline token (markup dropped, line breaks as spaces)."""
    text = "".join(
        c.content if c.type in ("text", "code_inline") else " " if c.type.endswith("break") else ""
        for c in inline.children or []
    )
    return " ".join(text.split())


def _list_items(tokens: list[Token], kind: str, first_line: int) -> list[tuple[int, str]]:
    """(file line, plain text) of the items of the outermost lists of one kind ("ordered" or
    "bullet")."""
    items: list[tuple[int, str]] = []
    depth, outer, item_level, line = 0, "", -1, 0
    current: list[str] | None = None
    for token in tokens:
        if token.type.endswith("_list_open"):
            depth += 1
            outer = token.type if depth == 1 else outer
        elif token.type.endswith("_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and outer == f"{kind}_list_open":
            current, item_level, line = [], token.level, first_line + _start(token)
        elif token.type == "list_item_close" and current is not None and token.level == item_level:
            items.append((line, " ".join(current)))
            current = None
        elif token.type == "inline" and current is not None and token.level == item_level + 2:
            current.append(_plain(token))
    return items


def _check_suggestions(file: SourceFile, items: list[tuple[int, str]]) -> None:
    """Every action suggestion names what we expect to see and how we will notice it."""
    for line, text in items:
        for part in SUGGESTION_PARTS:
            if part not in text:
                file.report(line, f'action suggestion has no "{part[:-1]}" part: {text[:50]!r}')


def _check_times(file: SourceFile, rows: list[tuple[int, str, int]]) -> None:
    """Each agenda row's Tid range ("5–25") spans its minutes and starts where the last ended."""
    previous_end: int | None = None
    for line, time, minutes in rows:
        match = _RANGE.fullmatch(time.strip())
        if match is None:
            file.report(line, f'agenda time "{time}" is not a range like "0–10"')
            previous_end = None
            continue
        start, end = int(match[1]), int(match[2])
        if end - start != minutes:
            message = f'agenda time "{time}" spans {end - start} minutes, but Minutter is {minutes}'
            file.report(line, message)
        if previous_end is not None and start != previous_end:
            message = f'agenda time "{time}" starts at {start}, but the step before ends at '
            file.report(line, f"{message}{previous_end}")
        previous_end = end


def _agenda(
    file: SourceFile, tokens: list[Token], heading_line: int, first_line: int
) -> list[AgendaStep]:
    """Parse the Facilitatorguide's agenda table and check that its minutes add up."""
    tables: list[list[tuple[int, list[str]]]] = []  # each row: (file line, cell texts)
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open" and tables:
            row = []
            tables[-1].append((first_line + _start(token), row))
        elif token.type == "tr_close":
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_plain(token))
    columns = " | ".join(AGENDA_COLUMNS)
    agenda = next((t for t in tables if tuple(t[0][1]) == AGENDA_COLUMNS), None)
    if agenda is None:
        found = f', found "{" | ".join(tables[0][0][1])}"' if tables else ""
        line = tables[0][0][0] if tables else heading_line
        file.report(line, f'missing agenda table with the columns "{columns}"{found}')
        return []
    steps: list[AgendaStep] = []
    timed: list[tuple[int, str, int]] = []
    for line, (time, minutes, activity, how) in agenda[1:]:
        if re.fullmatch(r"\d+", minutes):
            steps.append(AgendaStep(time, int(minutes), activity, how))
            timed.append((line, time, int(minutes)))
        else:
            file.report(line, f'agenda minutes "{minutes}" is not a whole number')
    _check_times(file, timed)
    total, duration = sum(step.minutes for step in steps), file.data.get("duration_minutes")
    if len(steps) == len(agenda) - 1 and is_count(duration) and total != duration:
        message = f"agenda minutes add up to {total}, but duration_minutes is {duration}"
        file.report(agenda[0][0], message)
    return steps


def parse_body(file: SourceFile, lines: list[str], first_line: int) -> dict[str, Any]:
    """Split the Markdown body into the sections; extract questions, actions, agenda and the
    finding codes the text names (``finding_refs``: file line and code)."""
    tokens = _markdown.parse("".join(lines))
    starts = [
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and not t.level
    ]
    order = [title for _, title in SECTIONS]
    found: dict[str, tuple[int, list[Token], str]] = {}  # title -> (line, tokens, markdown)
    for i, end in zip(starts, [*starts[1:], len(tokens)], strict=True):
        title, line = tokens[i + 1].content.strip(), first_line + _start(tokens[i])
        stop = _start(tokens[end]) if end < len(tokens) else len(lines)
        source = "".join(lines[(tokens[i].map or [0, 0])[1] : stop])  # after the heading line(s)
        if title not in order:
            expected = ", ".join(f'"{t}"' for t in order)
            file.report(line, f'unknown section "{title}" (expected one of {expected})')
            continue
        if title in found:
            file.report(line, f'duplicate section "{title}"')
            continue
        later = [t for t in found if order.index(t) > order.index(title)]
        if later:
            file.report(line, f'section "{title}" is out of order: must come before "{later[0]}"')
        if not source.strip():
            file.report(line, f'empty section "{title}"')
        found[title] = (line, tokens[i + 3 : end], source)
    for index, title in enumerate(order):
        if title not in found:
            after = [found[t][0] for t in order[index + 1 :] if t in found]
            line = min(after, default=first_line + len(lines) - 1)  # where it belongs, or the end
            file.report(line, f'missing section "{title}"')
    result: dict[str, Any] = {}
    for title, kind, field in (
        ("Drøftelse", "ordered", "discussion_questions"),
        ("Opsamling", "ordered", "followup_questions"),
        ("Aktionsforslag", "bullet", "action_suggestions"),
    ):
        line, section_tokens, source = found.get(title, (0, [], ""))
        items = _list_items(section_tokens, kind, first_line)
        result[field] = tuple(text for _, text in items)
        if source.strip() and not items:
            what = "numbered list of questions" if kind == "ordered" else "bullet list"
            file.report(line, f'section "{title}" has no {what}')
        if field == "action_suggestions":
            _check_suggestions(file, items)
    if "Facilitatorguide" in found:
        line, section_tokens, _ = found["Facilitatorguide"]
        result["agenda"] = tuple(_agenda(file, section_tokens, line, first_line))
    result["finding_refs"] = tuple(
        (first_line + number, code)
        for number, text in enumerate(lines)
        for code in dict.fromkeys(FINDING_CODE.findall(text))
    )
    result["sections"] = tuple(
        Section(key, title, found[title][2], render_markdown(found[title][2]))
        for key, title in SECTIONS
        if title in found
    )
    return result
