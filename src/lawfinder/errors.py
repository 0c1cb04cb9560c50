"""Exceptions raised on bad user input; each message names the culprit and the fix."""


class LawfinderError(ValueError):
    """Base class: something the user gave cannot be used as it is."""


class UnitsError(LawfinderError):
    """A unit string cannot be parsed, or units cannot be made consistent."""


class DataError(LawfinderError):
    """A data column has the wrong shape, type or values."""


class ModelFileError(LawfinderError):
    """A saved model file cannot be written, read, or understood."""


class CheckpointError(LawfinderError):
    """A search checkpoint cannot be written or read, or was made for another run."""
