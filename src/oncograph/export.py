"""Export: write the built dataset to files, atomically and byte-for-byte deterministically.

Each file is written to a temporary file in the target folder and renamed into place, so a failed run never leaves
half a file, and a run that fails before writing leaves the previous outputs untouched.
"""

from __future__ import annotations

import enum
import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import OutputError
from .namespaces import PREFIXES, bind_prefixes


class Format(str, enum.Enum):
    TURTLE = "turtle"
    NTRIPLES = "nt"
    JSONLD = "json-ld"
    TRIG = "trig"
    NQUADS = "nquads"

    @property
    def extension(self) -> str:
        return {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld", "trig": ".trig", "nquads": ".nq"}[self.value]


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def serialize_graph(graph: Graph, fmt: Format) -> bytes:
    """Serialise one graph deterministically (sorted lines for N-Triples; sorted keys for JSON-LD)."""
    graph = bind_prefixes(_copy(graph))
    if fmt is Format.NTRIPLES:
        lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    if fmt is Format.JSONLD:
        doc = json.loads(graph.serialize(format="json-ld", auto_compact=False))
        return (json.dumps(_sort_jsonld(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return graph.serialize(format=fmt.value, encoding="utf-8")


def serialize_dataset(dataset: Dataset, fmt: Format) -> bytes:
    """Serialise a dataset keeping its named graphs (TriG, N-Quads), deterministically."""
    if fmt is Format.NQUADS:
        lines = sorted(set(dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line.strip()) + "\n").encode("utf-8")
    if fmt is Format.TRIG:
        parts = []
        prefix_lines = [f"@prefix {p}: <{u}> ." for p, u in sorted(PREFIXES.items())]
        parts.append("\n".join(prefix_lines) + "\n")
        for ctx in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
            if len(ctx) == 0:
                continue
            body = serialize_graph(ctx, Format.TURTLE).decode("utf-8")
            body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix"))
            indented = "\n".join(("    " + line) if line.strip() else "" for line in body.strip().splitlines())
            parts.append(f"<{ctx.identifier}> {{\n{indented}\n}}\n")
        return "\n".join(parts).encode("utf-8")
    raise ValueError(f"{fmt} is not a dataset format")


def _copy(graph: Graph) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    return g


def _sort_jsonld(doc):
    """Order JSON-LD node arrays by @id and value arrays by their JSON text, so output does not depend on set order."""
    if isinstance(doc, list):
        items = [_sort_jsonld(x) for x in doc]
        return sorted(items, key=lambda x: (x.get("@id", "") if isinstance(x, dict) else "", json.dumps(x, sort_keys=True)))
    if isinstance(doc, dict):
        return {k: _sort_jsonld(v) for k, v in doc.items()}
    return doc


def write_release(dataset: Dataset, graph: Graph, out_dir: Path | str, *, name: str = "oncograph") -> list[Path]:
    """Write the standard release files into ``out_dir``; returns their paths. Everything is serialised first."""
    out = check_writable(out_dir)
    blobs = {
        out / f"{name}.ttl": serialize_graph(graph, Format.TURTLE),
        out / f"{name}.nt": serialize_graph(graph, Format.NTRIPLES),
        out / f"{name}.jsonld": serialize_graph(graph, Format.JSONLD),
        out / f"{name}.trig": serialize_dataset(dataset, Format.TRIG),
        out / f"{name}.nq": serialize_dataset(dataset, Format.NQUADS),
    }
    for path, data in blobs.items():
        atomic_write(path, data)
    return list(blobs)
