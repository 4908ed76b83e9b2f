"""The main job as one function: build from data/, validate, write the release, summarise."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .build import BuildResult, build
from .export import check_writable, release_graph_files, write_together
from .files import MANIFEST, manifest_bytes, manifest_paths, remove_stale
from .stats import Stats, compute_stats
from .validate import ValidationReport, validate


@dataclass
class RunResult:
    built: BuildResult
    report: ValidationReport
    stats: Stats
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    removed: list[Path] = field(default_factory=list)  # files of the previous release this one no longer has
    skipped: list[str] = field(default_factory=list)  # previous SHA256SUMS lines not acted on, files not removable

    def summary(self) -> str:
        lines = [self.stats.text(), "", self.report.text()]
        if self.written:
            lines.append("")
            lines.append(f"wrote {len(self.written)} file(s) in {self.seconds:.1f} s:")
            lines.extend(f"  {p}" for p in self.written)
        if self.removed:
            lines.append(f"removed {len(self.removed)} file(s) the previous release listed in {MANIFEST} and this one "
                         "does not have:")
            lines.extend(f"  {p}" for p in self.removed)
        if self.skipped:
            lines.append(f"left alone (lines of the previous {MANIFEST} that name no file inside the folder, or "
                         "files that could not be removed):")
            lines.extend(f"  {line}" for line in self.skipped)
        return "\n".join(lines)


def run_build(*, data_dir: Path | None = None, out_dir: Path | str = "dist", force: bool = False,
              progress: Callable[[str], None] | None = None) -> RunResult:
    """Build, validate and, if valid (or ``force``), write the release files into ``out_dir``.

    The output folder is checked before any work; files are written only after everything is serialised, all
    together or (a write failing) none. ``SHA256SUMS`` lists them; once they are all in place, the files the
    previous ``SHA256SUMS`` listed and this release does not have are removed, so the folder holds one release
    (files it never listed stay).
    """
    say = progress or (lambda msg: None)
    t0 = time.perf_counter()
    out = check_writable(out_dir)
    say(f"building from {data_dir or 'data/'} ...")
    built = build(data_dir)
    graph = built.graph()
    say(f"built {len(graph)} triples; validating ...")
    report = validate(graph, origins=built.origins)
    stats = compute_stats(graph)
    written: list[Path] = []
    if report.conforms or force:
        say(f"making the release files for {out} ...")
        from .extras import extras_files

        graph_files = release_graph_files(built.dataset, graph)
        files = {out / name: data for name, data in graph_files.items()}
        files.update(extras_files(built, graph, out, say=say, graph_files=graph_files))
        previous, skipped = manifest_paths(out)
        files = {out / MANIFEST: manifest_bytes(out, files), **files}
        say(f"writing {len(files)} files to {out} ...")
        written = write_together(files)  # the whole release or, if a write fails, the previous one untouched
        removed, failed = remove_stale(out, previous, {p.relative_to(out).as_posix() for p in files})
        skipped += [f"could not remove {why}" for why in failed]
        return RunResult(built, report, stats, written, time.perf_counter() - t0, removed, skipped)
    return RunResult(built, report, stats, written, time.perf_counter() - t0)
