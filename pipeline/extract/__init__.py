"""Extraction: a fetched page to an ``Article`` (parse the HTML, read its head, take the text)."""
