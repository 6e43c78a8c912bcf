"""Reports built from result objects: the decision maker's brief, its figures, and scenario diffs.

:class:`BriefData` holds every result a brief shows (:func:`accord.briefing.collect` computes it);
``write_brief(data, folder)`` writes the HTML, Markdown, JSON and SVG files; ``compare_scenarios(a, b)``
says what changed between two versions of a scenario and what that changed in the results.
"""

from .brief import (
    BriefExists,
    BriefOutputError,
    WrittenBrief,
    build_view,
    check_output,
    render_html,
    render_markdown,
    write_brief,
)
from .data import BriefData, Settings

__all__ = ["BriefData", "BriefExists", "BriefOutputError", "Settings", "WrittenBrief", "build_view", "check_output",
           "render_html", "render_markdown", "write_brief"]
