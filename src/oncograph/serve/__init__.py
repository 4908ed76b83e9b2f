"""The explorer: a local web app over the graph (search, profiles, network, paths, queries, downloads) and a
read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

>>> from oncograph.serve import open_site, serve          # doctest: +SKIP
>>> serve(open_site(), port=8765)                         # doctest: +SKIP

Pages and the endpoint never change the graph; user SPARQL runs in killable worker processes with a time limit
and a row cap (``sandbox``). Front-end code comes from npm packages installed at build time (``frontend/``).
"""

from .app import create_app
from .sandbox import Engine, Limits
from .server import make_server, serve
from .site import Site, open_site

__all__ = ["Engine", "Limits", "Site", "create_app", "make_server", "open_site", "serve"]
