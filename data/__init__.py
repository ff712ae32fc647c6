"""Storage adapters: the only code that knows a storage engine (TinyDB, PostgreSQL, Redis)."""
