"""Tech Talks as professional development: who came to each talk, and their hours."""
