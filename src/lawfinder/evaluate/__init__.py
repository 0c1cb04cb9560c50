"""Formulas evaluated in batch (with constant Jacobians), as SymPy, and simplified."""
