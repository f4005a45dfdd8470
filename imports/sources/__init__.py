"""Import sources: one module per system, each with preview() and apply()."""
