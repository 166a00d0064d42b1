"""Qt item models: one table model per table, over rows that services return."""
