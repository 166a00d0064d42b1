"""Plain data and pure rules of the training domain; no database, no Qt."""
