"""User data in: validation of arrays, tables and Quantities; errors that name the column and the fix."""
