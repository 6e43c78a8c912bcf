"""Check a scenario's quotes against the stored texts of its sources (``accord validate --sources DIR``).

A source's text is ``DIR/<file>`` when the source declares ``file:``, else ``DIR/<id>.txt``. Every
``quote`` must occur verbatim (whitespace runs count as one space, so a text wrapped at a fixed width
still matches) inside one paragraph of that text, and its ``speaker`` (unless it is ``author``, the
source's own voice) must be named in the same paragraph: the full name or its last word (a surname).
Paragraphs are separated by blank lines; a text without blank lines has one paragraph per line.
A ``paraphrase`` is never checked verbatim. A source that some quote cites but that has no stored text
is reported once; a source cited only by paraphrases needs none.
"""

from __future__ import annotations

import re
from pathlib import Path

from .audit import provenance_sites
from .errors import ScenarioError
from .files import kind_of, read_text
from .load import Problem, _line_map, _lookup, _parse_path
from .schema import AUTHOR, Scenario, Source

__all__ = ["check_sources", "paragraphs", "source_text_path", "speaker_named"]

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a source text (whitespace normalised): blank-line separated blocks, or one
    per line when the text has no blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    return [p for p in (_norm(b) for b in blocks) if p]


def speaker_named(speaker: str, paragraph: str) -> bool:
    """Whether ``speaker`` is named in ``paragraph``: the full name, or its last word as a whole word."""
    if speaker in paragraph:
        return True
    last = speaker.split()[-1] if speaker.split() else speaker
    return bool(re.search(rf"(?<!\w){re.escape(last)}(?!\w)", paragraph))


def source_text_path(source: Source, directory: Path) -> Path:
    """Where the stored text of ``source`` is looked for in ``directory``."""
    return directory / (source.file or f"{source.id}.txt")


def check_sources(scn: Scenario, directory: str | Path, *, file: str = "<scenario>",
                  text: str | None = None) -> list[Problem]:
    """Problems with the scenario's quotes against the source texts in ``directory``; ``file`` and
    ``text`` (the scenario file's name and text, when known) give each problem its line."""
    directory = Path(directory)
    lines = {tuple(str(p) for p in k): v for k, v in _line_map(text).items()} if text else {}
    problems: list[Problem] = []

    def problem(where: str, msg: str) -> None:
        loc = _parse_path(where)
        problems.append(Problem(file, _lookup(lines, loc), where, msg))

    try:
        kind = kind_of(directory)
    except ScenarioError as e:
        return [Problem(e.problems[0].file, None, "", f"{e.problems[0].message} (the folder of source texts)")]
    if kind != "folder":
        shown = str(directory) if len(str(directory)) <= 200 else str(directory)[:197] + "..."
        return [Problem(shown, None, "", "no such folder of source texts" if kind is None else
                        f"is {'a file' if kind == 'file' else kind}, not a folder of source texts")]
    sources = {s.id: s for s in scn.sources}
    texts: dict[str, list[str] | None] = {}
    sites = list(provenance_sites(scn))
    quoted = {site.provenance.source for site in sites if site.provenance.quote is not None}
    for k, s in enumerate(scn.sources):
        if s.id not in quoted:  # only paraphrased: there is nothing to check verbatim
            continue
        path = source_text_path(s, directory)
        texts[s.id] = None
        try:
            found = kind_of(path)
            if found is not None:  # a regular UTF-8 file of bounded size, else a message naming what it is
                texts[s.id] = paragraphs(read_text(path, "source text"))
        except ScenarioError as e:
            problem(f"sources[{k}]" + (".file" if s.file else ""), f"the stored text of source {s.id!r}: "
                    f"{e.problems[0].message}")
            continue
        if found is None:
            how = f"file {s.file!r}" if s.file else f"{s.id}.txt (or declare `file:`)"
            problem(f"sources[{k}]", f"no stored text for source {s.id!r} in {directory} (looked for {how}); "
                                     "its quotes are not checked")
    for site in sites:
        p = site.provenance
        paras = texts.get(p.source)
        if p.quote is None or paras is None or p.source not in sources:
            continue
        q = _norm(p.quote)
        hits = [para for para in paras if q in para]
        if not hits:
            near = " (it spans two paragraphs?)" if q in " ".join(paras) else ""
            problem(f"{site.where}.provenance.quote",
                    f"{site.what}: quote is not verbatim in {p.source!r}{near}: {p.quote[:80]!r}")
            continue
        if p.speaker is not None and p.speaker != AUTHOR and not any(speaker_named(p.speaker, h) for h in hits):
            problem(f"{site.where}.provenance.speaker",
                    f"{site.what}: speaker {p.speaker!r} is not named in the quote's paragraph of {p.source!r}")
    return problems
