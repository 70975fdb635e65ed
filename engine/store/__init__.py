"""Storage: SQLAlchemy tables, the database engine, the single writer, migrations and the audit chain."""
