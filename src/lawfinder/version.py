"""The package version, in one place: model files and reports record it."""

__version__ = "0.1.0"
