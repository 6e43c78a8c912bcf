"""Reading input files safely: regular files only, bounded size, named encodings, clean errors.

Every reader (scenarios, GENIUS XML, DEU rows) goes through :func:`read_text`: the path is opened
without blocking (``O_NONBLOCK``, so a FIFO with no writer does not hang), checked *on the open file*
to be a regular file (a folder, FIFO, socket or device such as ``/dev/zero`` is refused by kind),
its size checked against :data:`~accord.guards.MAX_FILE_BYTES` before reading, and at most that many
bytes read. Text must be UTF-8 (a UTF-8 byte-order mark is allowed); UTF-16 and UTF-32 are named as
such, other bytes as binary. Operating-system errors become plain words ("permission denied"), never
a raw ``[Errno 13]``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..guards import MAX_FILE_BYTES
from .errors import Problem, ScenarioError

__all__ = ["decode", "is_folder", "kind_of", "os_error", "read_bytes", "read_text"]

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def os_error(e: OSError) -> str:
    """An operating-system error in plain words (no ``[Errno N]``)."""
    if isinstance(e, FileNotFoundError) or e.errno == errno.ENOENT:
        return "no such file"
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if isinstance(e, IsADirectoryError):
        return "is a folder, not a file"
    if e.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if e.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    if e.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    words = (e.strerror or type(e).__name__).strip()
    return words[:1].lower() + words[1:]


def _problem(path: str, message: str, line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(path, line, "", message)])


def kind_of(path: str | Path) -> str | None:
    """What ``path`` is without opening it: ``"file"``, ``"folder"``, another kind in words, or
    ``None`` when it does not exist. Unusable paths (embedded NUL, too long) raise :class:`ScenarioError`."""
    name = str(path)
    try:
        st = os.stat(name)
    except ValueError:  # embedded NUL byte
        raise _problem(_shown(name), "the path contains a NUL character") from None
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise _problem(_shown(name), os_error(e)) from None
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    for test, words in _KINDS:
        if test(st.st_mode):
            return words
    return "not a regular file"


def is_folder(path: str | Path) -> bool:
    """Whether ``path`` is an existing folder (never raises for odd paths: they are not folders)."""
    try:
        return kind_of(path) == "folder"
    except ScenarioError:
        return False


def _shown(name: str) -> str:
    return name if len(name) <= 200 else name[:197] + "..."


def read_bytes(path: str | Path, what: str = "scenario file", max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``); :class:`ScenarioError` otherwise."""
    name = _shown(str(path))
    try:
        fd = os.open(str(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except ValueError:
        raise _problem(name, "the path contains a NUL character") from None
    except IsADirectoryError:
        raise _problem(name, f"is a folder, not a {what}") from None
    except OSError as e:
        raise _problem(name, os_error(e)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _problem(name, f"is a folder, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            kind = next((w for test, w in _KINDS if test(st.st_mode)), "not a regular file")
            raise _problem(name, f"is {kind}, not a regular file; accord reads only regular files")
        if st.st_size > max_bytes:
            raise _problem(name, f"is {_size(st.st_size)}; a {what} may be at most {_size(max_bytes)}")
        try:
            os.set_blocking(fd, True)
            chunks = []
            left = max_bytes + 1
            while left > 0:
                b = os.read(fd, min(left, 1 << 20))
                if not b:
                    break
                chunks.append(b)
                left -= len(b)
        except OSError as e:
            raise _problem(name, f"cannot be read: {os_error(e)}") from None
        raw = b"".join(chunks)
        if len(raw) > max_bytes:
            raise _problem(name, f"is larger than {_size(max_bytes)}, the most a {what} may be")
        return raw
    finally:
        os.close(fd)


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} bytes"


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"), (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
         (b"\xff\xfe", "UTF-16 (little-endian)"), (b"\xfe\xff", "UTF-16 (big-endian)"))


def _utf16_without_bom(raw: bytes) -> str | None:
    """``"UTF-16 (little-endian)"`` etc. when ``raw`` looks like BOM-less UTF-16 text: NUL bytes in
    most of one byte position and almost none of the other."""
    head = raw[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.6 and z_even < 0.05:
        return "UTF-16 (little-endian)"
    if z_even > 0.6 and z_odd < 0.05:
        return "UTF-16 (big-endian)"
    return None


def decode(raw: bytes, name: str, what: str = "scenario") -> str:
    """UTF-8 text of ``raw`` (a UTF-8 byte-order mark is dropped); other encodings are refused by name."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            return _refuse_encoding(name, enc, what)
    if b"\x00" in raw[:8192]:
        enc = _utf16_without_bom(raw)
        if enc:
            return _refuse_encoding(name, enc, what)
        raise _problem(name, f"this is a binary file, not a {what} (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _problem(name, f"not UTF-8 text: byte 0x{raw[e.start]:02X} cannot start a character here "
                             "(is this a binary file, or text in another encoding? save it as UTF-8)", line) from None


def _refuse_encoding(name: str, enc: str, what: str) -> str:
    raise _problem(name, f"this file is {enc} text; accord reads UTF-8: save the {what} as UTF-8")


def read_text(path: str | Path, what: str = "scenario file", max_bytes: int = MAX_FILE_BYTES) -> str:
    """UTF-8 text of the regular file ``path``; :class:`ScenarioError` (file, no line) on anything else."""
    raw = read_bytes(path, what, max_bytes)
    return decode(raw, _shown(str(path)), what.replace(" file", ""))
