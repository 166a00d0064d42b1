"""Spreadsheets and CSV files in, validated learner rows and per-row problems out; never writes.

`reading` turns a file into plain sheets of cell values, `cells` normalises single cells,
`fields` finds the header row and maps columns, `roster` turns mapped rows into learner values
with their problems. The services layer matches them against the database and commits.
"""
