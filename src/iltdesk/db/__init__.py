"""Persistence: SQLAlchemy entities, the engine and its unit of work, migrations, backups.

Only `services/` import this package.
"""
