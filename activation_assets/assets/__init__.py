"""Asset builders, one module per layer: base, fact, activation."""
