"""Storage layer (存储层): SQLAlchemy tables, migrations and the transactional store."""
