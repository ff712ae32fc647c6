"""Storage adapters: the only code that knows TinyDB."""
