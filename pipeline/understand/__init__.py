"""Understanding: an ``Article`` to a ``Story``.

Normalize it, read it (who acted, how, for which employer), judge it with the learned model,
tag it, and place it among known stories (dedup) and events. Pure functions over the typed
records of ``pipeline.records``; the model's training and evaluation live here too.
"""
