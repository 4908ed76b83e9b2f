"""Network analysis for policy analysts: the relationship graph in networkx, measures, paths, changes, pictures.

The flow: ``project`` turns the RDF graph into a ``networkx.MultiGraph``; the other functions take that graph and
return plain rows (lists of dicts) or pictures. Find nodes by name with ``find_node``.

>>> from oncograph.build import build
>>> from oncograph import analyse
>>> G = analyse.project(build().graph())
>>> [row["label"] for row in analyse.centrality(G, by="pagerank", top=2)]
['Rare Cancers Europe', 'European Society for Medical Oncology']
>>> path = analyse.shortest_paths(G, analyse.find_node(G, "SPAEN"), analyse.find_node(G, "WHO"))[0]
>>> [G.nodes[n]["short_label"] for n in path.nodes]
['SPAEN', 'Rare Cancers Europe', 'ESMO', 'WHO']
"""

from .changes import changes
from .export import ProjectionFormat, export_projection
from .metrics import brokers, centrality, communities, components
from .names import AmbiguousName, NotInProjection, UnknownName, find_node
from .paths import NoPath, ego_network, ego_rows, shortest_paths, simple_paths
from .plot import plot_ego, plot_network, plot_path, write_main_plots
from .project import EmptyProjection, Undated, project

__all__ = [
    "project", "Undated", "find_node",
    "centrality", "brokers", "communities", "components",
    "shortest_paths", "simple_paths", "ego_network", "ego_rows", "changes",
    "plot_network", "plot_ego", "plot_path", "write_main_plots",
    "export_projection", "ProjectionFormat",
    "EmptyProjection", "UnknownName", "AmbiguousName", "NotInProjection", "NoPath",
]
