"""The stages that read events out of article text, one module per concern.

``sentences`` (spans with offsets) → ``types`` (what happened, and whether it
is asserted) → ``sides`` (who says so) → ``dates`` (when) → ``places`` (where,
with an injected gazetteer) → ``fatalities`` (how many died). Each module
finds candidates; ``events.pipeline`` decides and builds the records.
"""
