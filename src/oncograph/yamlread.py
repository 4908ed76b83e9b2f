"""Read curated YAML keeping the file and line of every mapping and key, so errors can point at them.

All scalars stay strings (``2013`` is not an int, ``2024-02-05`` is not a date object): the builder decides what a
field means and can then say exactly which line holds a bad value.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import DataError, Location


# libyaml's C parser where PyYAML has it (about 10x faster here); it keeps line marks all the same
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Record(dict):
    """A YAML mapping that remembers where it and each of its keys were written."""

    location: Location
    key_locations: dict[str, Location]

    def at(self, key: str) -> Location:
        """Location of ``key`` if present, else of the mapping."""
        return self.key_locations.get(key, self.location)


def read_yaml(path: Path, *, display: str | None = None):
    """Parse ``path`` into Records, lists and strings. Raises DataError naming line and column on bad YAML."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError([(Location(name), f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise DataError([(Location(name), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise DataError([(loc, f"not valid YAML: {exc.problem or exc.context}")]) from None
    if node is None:
        return []
    return _convert(node, name)


def _convert(node, name: str):
    loc = Location(name, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        rec = Record()
        rec.location = loc
        rec.key_locations = {}
        for key_node, value_node in node.value:
            key = key_node.value
            key_loc = Location(name, key_node.start_mark.line + 1)
            if key in rec:
                raise DataError([(key_loc, f"key {key!r} appears twice in the same entry")])
            rec[key] = _convert(value_node, name)
            rec.key_locations[key] = key_loc
        return rec
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, name) for item in node.value]
    if node.tag.endswith(":null") and node.style is None:
        return None
    return node.value
