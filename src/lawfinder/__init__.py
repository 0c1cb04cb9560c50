"""lawfinder: physics-guided deep symbolic regression that finds dimensionally consistent laws."""

from lawfinder.errors import (CheckpointError, DataError, LawfinderError, ModelFileError,
                              UnitsError)
from lawfinder.estimator import LawRegressor
from lawfinder.language.user_operators import UserOperator
from lawfinder.results.formula import Formula
from lawfinder.version import __version__

__all__ = ["CheckpointError", "DataError", "Formula", "LawRegressor", "LawfinderError",
           "ModelFileError", "UnitsError", "UserOperator", "__version__"]
