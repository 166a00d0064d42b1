"""Documents people hold: PDFs (reportlab) and workbooks (openpyxl), built from plain data.

Builders take dataclasses and return bytes or write a path atomically; they never query.
"""
