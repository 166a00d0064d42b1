"""Use cases: one module per area, each call one transaction, returning rows and `Changes`.

Services are the only layer that uses `iltdesk.db`; they never import Qt.
"""
