"""lawfinder: physics-guided deep symbolic regression that finds dimensionally consistent laws."""

from lawfinder.errors import DataError, LawfinderError, UnitsError
from lawfinder.estimator import LawRegressor
from lawfinder.formula import Formula

__all__ = ["DataError", "Formula", "LawRegressor", "LawfinderError", "UnitsError"]
__version__ = "0.1.0"
