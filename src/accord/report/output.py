"""Writing a brief's files into a folder without losing anything the user wrote.

The rules (``docs/brief.md``, "Where a brief is written"):

- The folder is checked **before any work** (:func:`check_output`): a path under a file, on a
  read-only file system or in a folder accord cannot write is refused at once.
- **Nothing is written through a symbolic link**: a link as the folder, or anywhere among its entries,
  is refused; files are created with ``O_EXCL | O_NOFOLLOW``.
- **accord deletes or replaces only what it wrote**: the marker file ``.accord-brief`` records the
  SHA-256 of every file written. A file is accord's only when the marker lists it, its name is one a
  brief writes (``brief.html``, ``brief.md``, ``brief.json``, ``figures/<name>.svg``) and its content
  still has the recorded hash — so a stale or forged marker cannot make accord delete anything else.
- **An edited brief survives a rerun**: when a file accord wrote has changed since (say the analyst
  edited ``brief.md``), the rerun is refused with the file named, ``--force`` or not; move the edited
  copy away (or write the new brief elsewhere) and run again.
- **Atomic**: the new brief is written into a hidden folder beside the target and moved into place by
  one rename (the target did not exist or was empty) or one exchange of the two folders
  (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, recovered on the next run if
  interrupted between them). An interrupted write leaves the old brief or the new one, never a
  half. Other files the user keeps in the folder (not the brief's) are carried over into the new
  folder; a journal in the hidden folder lets the next run put them back if it was interrupted.
- With ``--force`` into a folder accord did not write (no marker), the brief's files are written one
  by one beside the user's files (each atomically, none of the user's overwritten); that mode, and a
  folder that is the current directory, are not atomic as a whole.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..version import __version__

__all__ = [
    "MARKER",
    "BriefExists",
    "BriefOutputError",
    "OutputPlan",
    "check_output",
    "is_brief_name",
    "write_output",
]

MARKER = ".accord-brief"
_TOP = frozenset({"brief.html", "brief.md", "brief.json"})
_FIGURE = re.compile(r"^figures/[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.svg$")
_TABLE = re.compile(r"^table-[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.csv$")  # the brief's tables as CSV
_JOURNAL = ".accord-carry"
_MAX_MARKER = 1 << 20


class BriefOutputError(Exception):
    """The output folder cannot take the brief; the message says why and what to do."""


class BriefExists(BriefOutputError):
    """The output folder holds files accord did not write (use ``force`` to write beside them)."""


def is_brief_name(rel: str) -> bool:
    """Whether ``rel`` (a path relative to the brief's folder, ``/``-separated) is a name a brief writes."""
    return rel in _TOP or bool(_FIGURE.match(rel)) or bool(_TABLE.match(rel))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lstat(p: Path) -> os.stat_result | None:
    try:
        return os.lstat(p)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno == errno.ENOTDIR:
            return None
        raise BriefOutputError(f"{p}: {_words(e)}") from None


def _words(e: OSError) -> str:
    from ..model.files import os_error  # noqa: PLC0415

    return os_error(e)


def _file_hash(p: Path) -> str | None:
    """SHA-256 of the regular file ``p`` read without following a link (None if not a regular file)."""
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.sha256()
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            h.update(b)
        return h.hexdigest()
    finally:
        os.close(fd)


def _read_marker(folder: Path) -> dict[str, str | None] | None:
    """The files the marker lists with their hashes (``None`` for an old marker without hashes);
    ``None`` when there is no marker."""
    p = folder / MARKER
    st = _lstat(p)
    if st is None:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise BriefOutputError(f"{p} is a symbolic link; accord does not write through links: remove it "
                               "or choose another folder")
    if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_MARKER:
        raise BriefOutputError(f"{p} is not accord's marker file (not a regular file, or too large); accord "
                               "cannot tell which files it wrote: choose another folder")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BriefOutputError(f"{p} cannot be read as accord's marker file; choose another folder") from None
    try:
        data = json.loads(text)
        files = data.get("files") if isinstance(data, dict) else None
        if isinstance(files, dict):
            return {str(k): (v if isinstance(v, str) else None) for k, v in files.items()}
    except ValueError:
        pass
    return {line.strip(): None for line in text.splitlines() if line.strip()}  # a marker without hashes


def _entries(folder: Path) -> list[str]:
    """Relative names of the folder's entries, and of ``figures/``'s when it is a real folder; a
    symbolic link anywhere among them is refused."""
    out = []
    try:
        names = sorted(os.listdir(folder))
    except OSError as e:
        raise BriefOutputError(f"{folder}: {_words(e)}") from None
    for name in names:
        st = _lstat(folder / name)
        if st is None:
            continue
        if stat.S_ISLNK(st.st_mode):
            raise BriefOutputError(f"{folder / name} is a symbolic link; accord does not write through links "
                                   "(a brief folder must hold no links): remove it or choose another folder")
        if name == "figures" and stat.S_ISDIR(st.st_mode):
            try:
                inner = sorted(os.listdir(folder / name))
            except OSError as e:
                raise BriefOutputError(f"{folder / name}: {_words(e)}") from None
            for sub in inner:
                sst = _lstat(folder / name / sub)
                if sst is not None and stat.S_ISLNK(sst.st_mode):
                    raise BriefOutputError(f"{folder / name / sub} is a symbolic link; accord does not write "
                                           "through links: remove it or choose another folder")
                out.append(f"figures/{sub}")
            out.append("figures/")
        else:
            out.append(name)
    return out


@dataclass
class OutputPlan:
    """What writing into ``folder`` will do: ``mode`` is ``create`` (new or empty folder), ``swap``
    (replace accord's earlier brief atomically, carrying ``foreign`` entries over) or ``in-place``
    (``--force`` into a folder accord did not write, or the current directory); ``owned`` are the
    files of the earlier brief (verified against the marker's hashes)."""

    folder: Path
    mode: str
    owned: dict[str, str] = field(default_factory=dict)
    foreign: list[str] = field(default_factory=list)


def _nearest_existing(p: Path) -> Path:
    cur = p
    while _lstat(cur) is None and cur.parent != cur:
        cur = cur.parent
    return cur


def _writable(p: Path) -> bool:
    return os.access(p, os.W_OK | os.X_OK)


def _is_cwd_or_above(folder: Path) -> bool:
    try:
        cwd = Path(os.getcwd())
    except OSError:
        return False
    return cwd == folder or folder in cwd.parents


def check_output(out: str | Path, force: bool = False) -> OutputPlan:
    """Check that a brief can be written into ``out`` (nothing is written): raises
    :class:`BriefOutputError` (:class:`BriefExists` for a folder accord did not write) otherwise."""
    folder = Path(os.path.abspath(os.fspath(out)))
    st = _lstat(folder)
    if st is None:
        base = _nearest_existing(folder.parent)
        bst = _lstat(base)
        if bst is not None and stat.S_ISLNK(bst.st_mode):
            bst = os.stat(base) if base.exists() else None
        if bst is None or not stat.S_ISDIR(bst.st_mode):
            raise BriefOutputError(f"cannot create {folder}: {base} is not a folder")
        if not _writable(base):
            raise BriefOutputError(f"cannot create {folder}: {base} is not writable (read-only file system "
                                   "or no permission)")
        return OutputPlan(folder, "create")
    if stat.S_ISLNK(st.st_mode):
        raise BriefOutputError(f"{folder} is a symbolic link; accord does not write through links: "
                               "give the real folder or another one")
    if not stat.S_ISDIR(st.st_mode):
        raise BriefOutputError(f"{folder} exists and is not a folder")
    if not _writable(folder):
        raise BriefOutputError(f"{folder} is not writable (read-only file system or no permission)")
    entries = _entries(folder)
    if not entries:
        return OutputPlan(folder, "create" if _writable(folder.parent) and not _is_cwd_or_above(folder)
                          else "in-place")
    marker = _read_marker(folder)
    if marker is None and not force:
        raise BriefExists(f"{folder} is not empty and was not written by accord brief; choose another "
                          "folder or pass --force to write beside its files (none of them is overwritten)")
    owned: dict[str, str] = {}
    edited: list[str] = []
    for rel, recorded in (marker or {}).items():
        if not is_brief_name(rel) or rel not in entries:
            continue  # not a name a brief writes, or gone: never touched
        actual = _file_hash(folder / rel)
        if actual is not None and recorded is not None and actual == recorded:
            owned[rel] = actual
        else:
            edited.append(rel)
    if edited:
        raise BriefOutputError(
            f"{folder}: {', '.join(edited)} changed since accord wrote it (or cannot be checked), so accord "
            "will not overwrite it; move your copy out of the folder (or write the new brief into "
            "another folder with -o) and run again")
    foreign = [e for e in entries if e not in owned and e not in (MARKER, "figures/")]
    clash = [e for e in foreign if e in _TOP]
    if clash:
        raise BriefOutputError(f"{folder}: {', '.join(clash)} was not written by accord (the marker does not "
                               "vouch for it), so accord will not overwrite it; move it away or choose "
                               "another folder")
    if "figures/" not in entries and _lstat(folder / "figures") is not None:
        raise BriefOutputError(f"{folder / 'figures'} exists and is not a folder; move it away or choose "
                               "another folder")
    swap = marker is not None and _writable(folder.parent) and not _is_cwd_or_above(folder)
    return OutputPlan(folder, "swap" if swap else "in-place", owned, foreign)


# -- writing -----------------------------------------------------------------------------------------
def _create(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist; never through a link) with ``data``, flushed to disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _marker_bytes(hashes: Mapping[str, str]) -> bytes:
    doc = {"written_by": f"accord {__version__}",
           "note": "accord brief's own files and their SHA-256; accord replaces or deletes only these, and "
                   "only while their content is unchanged",
           "files": dict(sorted(hashes.items()))}
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _hidden(folder: Path, kind: str) -> Path:
    return folder.parent / f".{folder.name}.accord-{kind}-{secrets.token_hex(6)}"


def _remove_brief_files(folder: Path, names: Mapping[str, str] | None) -> bool:
    """Delete from ``folder`` the brief files ``names`` (verified by hash when one is given, any
    brief-named file when ``names`` is None), the marker and journal, then the folder if it is empty.
    Returns whether the folder is gone; anything else in it is left alone."""
    listed = names if names is not None else {
        e: "" for e in _safe_entries(folder) if is_brief_name(e)}
    for rel, h in listed.items():
        p = folder / rel
        if not is_brief_name(rel) or _lstat(p) is None:
            continue
        if h and _file_hash(p) != h:
            continue
        with contextlib.suppress(OSError):
            os.unlink(p)
    for extra in (MARKER, _JOURNAL):
        st = _lstat(folder / extra)
        if st is not None and stat.S_ISREG(st.st_mode):
            with contextlib.suppress(OSError):
                os.unlink(folder / extra)
    for d in (folder / "figures", folder):
        with contextlib.suppress(OSError):
            os.rmdir(d)
    return _lstat(folder) is None


def _safe_entries(folder: Path) -> list[str]:
    try:
        return _entries(folder)
    except BriefOutputError:
        return []


def _move_back(src: Path, dst: Path, rels: list[str]) -> None:
    """Move the user's entries ``rels`` from ``src`` back to ``dst`` (never over an existing name)."""
    for rel in rels:
        a, b = src / rel, dst / rel
        if _lstat(a) is None or _lstat(b) is not None:
            continue
        with contextlib.suppress(OSError):
            b.parent.mkdir(exist_ok=True)
            os.rename(a, b)


def recover(folder: Path) -> None:
    """Tidy what an interrupted earlier write left beside ``folder`` (hidden ``.NAME.accord-*``
    folders): the old brief moved aside with the folder missing is put back; in a half-written
    folder (it holds accord's journal) the user's entries it was carrying are put back and accord's
    files deleted; a complete earlier brief left aside loses only the files its marker vouches for.
    Anything else is left alone."""
    parent = folder.parent
    try:
        names = os.listdir(parent)
    except OSError:
        return
    prefix = f".{folder.name}.accord-"
    for name in sorted(names, key=lambda n: (not n.startswith(prefix + "old-"), n)):  # old brief back first
        if not name.startswith(prefix):
            continue
        left = parent / name
        st = _lstat(left)
        if st is None or not stat.S_ISDIR(st.st_mode):
            continue
        if name.startswith(prefix + "old-") and _lstat(folder) is None:
            with contextlib.suppress(OSError):
                os.rename(left, folder)  # the old brief, moved aside just before an interrupted swap
            continue
        try:
            marker = _read_marker(left)
        except BriefOutputError:
            continue  # not ours to tidy: leave it
        journal = left / _JOURNAL
        jst = _lstat(journal)
        if jst is not None and stat.S_ISREG(jst.st_mode):
            try:
                carried = [str(x) for x in json.loads(journal.read_text(encoding="utf-8"))]
            except (OSError, ValueError, TypeError):
                continue
            if carried and _lstat(folder) is not None:
                _move_back(left, folder, carried)
            _remove_brief_files(left, {k: v or "" for k, v in marker.items()} if marker else None)
        elif marker:
            _remove_brief_files(left, {k: v for k, v in marker.items() if v})  # verified files only


def write_output(out: str | Path, files: Mapping[str, bytes], force: bool = False,
                 progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``files`` (relative name -> bytes; names a brief writes) into ``out`` by the rules of this
    module; returns the paths written. Raises :class:`BriefOutputError` when the folder cannot take
    them (nothing is written then)."""
    tick = progress or (lambda _s: None)
    bad = [n for n in files if not is_brief_name(n)]
    if bad:
        raise ValueError(f"not a brief file name: {bad[0]!r}")
    folder = Path(os.path.abspath(os.fspath(out)))
    recover(folder)
    plan = check_output(folder, force)
    clash = [f for f in plan.foreign if f in files]
    if clash:
        raise BriefOutputError(f"{folder}: {', '.join(clash)} was not written by accord, and the new brief has a "
                               "file of that name; accord will not overwrite it: move it away or choose "
                               "another folder")
    hashes = {name: _sha256(data) for name, data in files.items()}
    if plan.mode == "in-place":
        _write_in_place(plan, files, hashes, tick)
    else:
        _write_atomic(plan, files, hashes, tick)
    return [folder / n for n in files]


def _fill(target: Path, files: Mapping[str, bytes], hashes: Mapping[str, str], tick: Callable[[str], None]) -> None:
    if any(n.startswith("figures/") for n in files):
        os.mkdir(target / "figures")
    for name, data in files.items():
        tick("writing files")
        _create(target / name, data)
    tick("writing files")
    _create(target / MARKER, _marker_bytes(hashes))


def _write_atomic(plan: OutputPlan, files: Mapping[str, bytes], hashes: Mapping[str, str],
                  tick: Callable[[str], None]) -> None:
    folder = plan.folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    new = _hidden(folder, "new")
    os.mkdir(new)
    carried: list[str] = []
    swapped = False
    user = [e for e in plan.foreign if not e.endswith("/")] if plan.mode == "swap" else []
    try:
        # the journal first: it marks the hidden folder as accord's and lists the user's entries it will
        # carry, so that the next run can tidy an interrupted write (:func:`recover`)
        _create(new / _JOURNAL, json.dumps(user).encode("utf-8"))
        _fill(new, files, hashes, tick)
        if plan.mode == "create":
            try:
                os.rename(new, folder)  # atomic; replaces an empty folder
            except OSError as e:
                if e.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    raise BriefOutputError(f"{folder} was filled while the brief was being computed; "
                                           "nothing was written: run again") from None
                raise
            swapped = True
            with contextlib.suppress(OSError):
                os.unlink(folder / _JOURNAL)
            return
        # swap: carry the user's other entries into the new folder (journalled), then exchange
        if user:
            for rel in user:
                tick("writing files")
                (new / rel).parent.mkdir(exist_ok=True)
                os.rename(folder / rel, new / rel)
                carried.append(rel)
        if _exchange(new, folder):
            swapped = True
        else:
            old = _hidden(folder, "old")
            os.rename(folder, old)
            try:
                os.rename(new, folder)
            except BaseException:
                os.rename(old, folder)
                raise
            swapped = True
            os.rename(old, new)  # the old brief now sits where the new one was built
        with contextlib.suppress(OSError):
            os.unlink(folder / _JOURNAL)
        _remove_brief_files(new, plan.owned)  # the old brief: only its verified files
    except BaseException:
        if not swapped:
            _move_back(new, folder, carried)
            _remove_brief_files(new, None)
        raise


def _write_in_place(plan: OutputPlan, files: Mapping[str, bytes], hashes: Mapping[str, str],
                    tick: Callable[[str], None]) -> None:
    folder = plan.folder
    folder.mkdir(parents=True, exist_ok=True)
    if any(n.startswith("figures/") for n in files) and _lstat(folder / "figures") is None:
        os.mkdir(folder / "figures")
    for name, data in list(files.items()) + [(MARKER, _marker_bytes(hashes))]:
        tick("writing files")
        target = folder / name
        st = _lstat(target)
        if st is not None and name != MARKER and name not in plan.owned:
            raise BriefOutputError(f"{target} appeared while the brief was being written; it was left alone")
        tmp = target.parent / f".{target.name}.accord-{secrets.token_hex(6)}"
        try:
            _create(tmp, data)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    for rel, h in plan.owned.items():  # figures of the earlier brief that the new one does not have
        if rel not in files and _file_hash(folder / rel) == h:
            with contextlib.suppress(OSError):
                os.unlink(folder / rel)
