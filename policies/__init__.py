"""Built-in policies: one module per policy id (see ``scanner.engine.load_policies``)."""
