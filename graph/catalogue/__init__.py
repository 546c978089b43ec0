"""The measures catalogue (措施清单, R16): the data file ``measures.json`` and its loader.
Part of the bottom layer: imports graph/ only.
"""

from graph.catalogue.load import CATALOGUE_FILE, CatalogueSummary, load_catalogue
from graph.catalogue.parse import Catalogue, CatalogueInvalid, Measure, read_catalogue

__all__ = [
    "CATALOGUE_FILE",
    "Catalogue",
    "CatalogueInvalid",
    "CatalogueSummary",
    "Measure",
    "load_catalogue",
    "read_catalogue",
]
