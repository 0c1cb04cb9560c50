"""Constants of a batch of formulas fitted at once, rewards, and closed forms of fitted numbers."""
