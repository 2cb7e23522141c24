"""The one CSV writer for every export (audit trail, walk logs, reports).

A cell that starts with =, +, -, @, a tab or a carriage return is run as a formula by
spreadsheet programs ("CSV injection"): such text cells get a leading apostrophe, which
spreadsheets show as text and which a reader can strip. Numbers stay numbers.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def safe_writer(out, **kwargs) -> _SafeWriter:
    """csv.writer(out) whose every text cell is safe to open in a spreadsheet."""
    return _SafeWriter(out, **kwargs)
