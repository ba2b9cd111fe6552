"""The bundle import in parts: the shared context, then one module per kind of file (see exchange.importer)."""
