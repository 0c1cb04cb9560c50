"""Units: dimension vectors parsed with pint, scaling to well-scaled numbers, Buckingham-Pi groups."""
