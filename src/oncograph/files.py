"""Files: writing outputs so that a failed run never leaves half a file, nor half a release.

Kept apart from :mod:`oncograph.export`, which re-exports these: nothing here is about RDF, and the generator
(:mod:`oncograph.synth`) and the build cache write through them too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError


def stamp(path: Path | str) -> tuple[int, int]:
    """(size, modification time in ns) of a file: what tells a file rewritten since it was read, without reading it."""
    st = Path(path).stat()
    return st.st_size, st.st_mtime_ns


def changed_since(path: Path | str, then: tuple[int, int]) -> str:
    """Why ``path`` is not the file :func:`stamp` gave ``then`` for ("" if it is): gone, or its size or time moved."""
    try:
        now = stamp(path)
    except OSError as exc:
        return f"it can no longer be read ({exc.strerror or exc})"
    if now == then:
        return ""
    if now[0] != then[0]:
        return f"it was {then[0]:,} bytes and is now {now[0]:,}"
    return "it was modified (same size, new modification time)"


def check_writable(out_dir: Path | str) -> Path:
    """Fail early, before any work, if ``out_dir`` cannot be created or written."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-", delete=True)
        probe.close()
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc.strerror or exc}; choose another folder with --out") from None
    return out


def check_output_file(path: Path | str) -> Path:
    """Fail early, before any work, if a file cannot be written at ``path``; says why."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write to {path}: it is a folder; give a file name, such as {path / 'oncograph.ttl'}")
    parent = path.parent
    for folder in (parent, *parent.parents):  # the nearest existing ancestor must be a folder
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"cannot write to {path}: {folder} is a file, not a folder; choose another --out")
            break
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"cannot write to {path}: the file is read-only; choose another --out")
    check_writable(parent)
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    with atomic_file(path) as fh:
        fh.write(data)


@contextlib.contextmanager
def atomic_file(path: Path | str):
    """A binary file to write that appears at ``path`` (by an atomic rename) only if the block ends without error;
    otherwise the temporary file goes and whatever was at ``path`` stays: :func:`staged_files` for one file."""
    with staged_files([path]) as (fh,):
        yield fh


def write_together(targets: dict[Path, bytes]) -> list[Path]:
    """Write every file or none, through :func:`staged_files`; a failure is an OutputError naming the file."""
    made: list[Path] = []
    current = None  # the file being written, for the message
    try:
        with staged_files(targets, made) as files:
            for (current, data), fh in zip(targets.items(), files):
                fh.write(data)
            current = None
    except OSError as exc:  # a full disk, a quota, a permission: the curator's to fix, not a bug
        path = getattr(exc, "target", None) or current or (made[-1] if made else None)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; nothing was changed (free some space "
                          "or choose another folder)") from exc
    return [Path(p) for p in targets]


@contextlib.contextmanager
def staged_files(paths, opened: list[Path] | None = None):
    """Binary files to write, one per path, that appear at their paths all together or not at all.

    Each is a temporary file beside its target; only when the block ends without error are they renamed into
    place. An error in the block (a full disk) removes them and leaves every earlier file as it was. A rename failing
    half-way (rarer: the folder made read-only or removed meanwhile) puts back the files already replaced, each kept
    as a hard link until the last rename is done, and removes the ones that were new. ``opened`` (a list) gets each
    path as its file is made, so a caller can say which one failed.
    """
    staged: list[tuple[Path, str]] = []
    handles = []
    try:
        for path in paths:
            path = Path(path)
            if opened is not None:
                opened.append(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((path, tmp))
            handles.append(os.fdopen(fd, "wb"))
        yield handles
        for fh in handles:
            fh.close()
        for _, tmp in staged:
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; release files are for reading
        _swap_in(staged)
    finally:
        for fh in handles:
            fh.close()
        for _, tmp in staged:  # renamed ones are gone already
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


class _RenameFailed(OSError):
    """A rename of :func:`_swap_in` failed (after the files were put back); ``target`` is the file it was for."""

    def __init__(self, target: Path, cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.target = target


def _swap_in(staged: list[tuple[Path, str]]) -> None:
    """Rename each temporary file onto its target; on a failure put every target back as it was, then raise."""
    done: list[tuple[Path, str | None]] = []  # (target, hard link to its previous file, or None if it was new)
    try:
        for path, tmp in staged:
            keep = f"{tmp}.previous" if path.exists() else None
            done.append((path, keep))
            if keep is not None:
                try:
                    os.link(path, keep)
                except OSError:  # a file system without hard links: a copy, slower, as safe
                    shutil.copy2(path, keep)
            os.replace(tmp, path)
    except OSError as exc:
        for target, keep in reversed(done):
            with contextlib.suppress(OSError):
                if keep is not None:
                    os.replace(keep, target)
                elif target != path:  # a new file already renamed into place goes again
                    os.unlink(target)
        raise _RenameFailed(path, exc) from exc
    finally:
        for _, keep in done:
            if keep is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(keep)


__all__ = ["atomic_file", "atomic_write", "check_output_file", "check_writable", "staged_files", "write_together"]


# -- the release's list of files -----------------------------------------------------------------------------------
MANIFEST = "SHA256SUMS"  # the format `sha256sum -c` checks; it also says which files the last release wrote


def manifest_bytes(out: Path, files: dict[Path, bytes]) -> bytes:
    """``SHA256SUMS`` for the files to write into ``out``: one ``<sha256>  <path>`` line per file, by path, paths
    relative to ``out`` with ``/``, so a reader checks a download with ``sha256sum -c SHA256SUMS``."""
    import hashlib

    named = sorted((Path(path).relative_to(out).as_posix(), data) for path, data in files.items()
                   if Path(path) != out / MANIFEST)
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in named).encode("utf-8")


def manifest_paths(out: Path) -> tuple[set[str], list[str]]:
    """The relative paths the previous ``SHA256SUMS`` in ``out`` lists, and the lines skipped as not ours to touch
    (malformed, absolute, or reaching outside ``out``); no manifest, no paths."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return set(), []
    paths, skipped = set(), []
    for number, line in enumerate(text.splitlines(), 1):
        digest, sep, name = line.partition("  ")
        parts = Path(name).parts
        if not sep or len(digest) != 64 or not name or Path(name).is_absolute() or ".." in parts or \
                name == MANIFEST:
            skipped.append(f"{out / MANIFEST}:{number}: {line!r}")
            continue
        paths.add(Path(name).as_posix())
    return paths, skipped


def remove_stale(out: Path, previous: set[str], current: set[str]) -> tuple[list[Path], list[str]]:
    """Remove the files the previous release listed and this one does not (and folders they leave empty); files
    never listed (a reader's own) stay. Returns the paths removed and, for any that could not be, why (the new
    release is in place by then, so that is said, not raised)."""
    removed, failed = [], []
    for name in sorted(previous - current):
        path = out / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            path.unlink()
        except OSError as exc:
            failed.append(f"{path}: {exc.strerror or exc}")
            continue
        removed.append(path)
        for folder in path.parents:
            if folder == out or out not in folder.parents:
                break
            with contextlib.suppress(OSError):  # not empty: it holds something else
                folder.rmdir()
    return removed, failed
