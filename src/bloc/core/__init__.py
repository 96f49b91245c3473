"""The event core, below every other stage: dates with their precision, the event record,
the merge and look-ahead rules, and the alliance model. Pure data and functions, no I/O.
"""
