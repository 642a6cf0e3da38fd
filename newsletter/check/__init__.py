"""Check: what is wrong in the workspace before Friday, and links that no longer
answer."""
