"""Gather, from the editor: the notes of this week (tools, events, links, tips,
requests), their kinds and fields, reading, writing and editing them."""
