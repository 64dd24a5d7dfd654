"""Public (unprefixed) views."""
