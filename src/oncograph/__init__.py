"""oncograph: a sourced, dated knowledge graph of oncology organisations and their relationships.

>>> import oncograph
>>> built = oncograph.build()                 # data/ -> rdflib Dataset, one named graph per source
>>> graph = built.graph()                     # plain rdflib.Graph
>>> oncograph.validate(graph).conforms
True
>>> oncograph.compute_stats(graph).share_with_source
1.0

The names below are imported on first use, so ``import oncograph`` (and ``oncograph --help``) stays quick.
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

_API = {
    "build": "oncograph.build",
    "BuildResult": "oncograph.build",
    "union_graph": "oncograph.build",
    "validate": "oncograph.validate",
    "read_graph_file": "oncograph.validate",
    "ValidationReport": "oncograph.validate",
    "compute_stats": "oncograph.stats",
    "run_build": "oncograph.pipeline",
    "write_release": "oncograph.export",
    "OncographError": "oncograph.errors",
    "DataError": "oncograph.errors",
    "InputError": "oncograph.errors",
}

__all__ = ["__version__", *_API]


class _Package(types.ModuleType):
    """Keeps ``oncograph.build`` / ``oncograph.validate`` the functions even after their submodules are imported.

    Importing a submodule makes Python set it as an attribute of the package, which would shadow the function of the
    same name. ``from oncograph.build import build`` still works: it reads the submodule from ``sys.modules``.
    """

    def __setattr__(self, name, value):
        if name in _API and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'oncograph' has no attribute {name!r}")
