"""The pages of the import wizard, one module each."""
