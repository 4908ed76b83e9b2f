"""oncograph: a sourced, dated knowledge graph of oncology organisations and their relationships."""

__version__ = "0.1.0"
