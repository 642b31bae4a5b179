"""``nianbao ui``'s process: the answers and modules the pages need are prepared from the start, then
Streamlit serves the app in this same process.

    python -m ui.serve <streamlit run's arguments>

The preparation (``Library.prepare``: the problem ranking and the indicator panel, a second or so each
at 10,000 reports; then the modules the pages import) runs in a background thread while the server
starts, not while a researcher's first page is being drawn; the pages' own Library finds the answers
kept (they are kept per store, for every Library of the process).
"""

from __future__ import annotations

import importlib
import sys
import threading

# What the pages import and the first page does not, most needed first: pandas (0.4 s) and altair
# (st.bar_chart's, 0.2 s), then the graph's, the parser's (uploads) and the exports'.
PAGE_MODULES = (
    "pandas",
    "altair",
    "graph.queries",
    "graph.build",
    "graph.ego",
    "indexer.parse",
    "indexer.crossyear",
    "networkx",
    "openpyxl",
)


def prepare() -> None:
    """The kept answers of the store ``NIANBAO_DB`` names, then the pages' modules. An error is left
    for the page that asks to meet and show."""
    from indexer.api import Library

    try:
        Library().prepare()
        for module in PAGE_MODULES:
            importlib.import_module(module)
    except Exception:  # noqa: BLE001, S110
        pass


def main() -> None:
    from streamlit.web import cli

    threading.Thread(target=prepare, name="nianbao-prepare", daemon=True).start()
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
