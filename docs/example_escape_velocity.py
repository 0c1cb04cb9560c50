# The worked example of docs/example_escape_velocity.md, one cell per "# %%" (Jupyter,
# VS Code and jupytext open it as a notebook). Run it from the repository's root:
#     python docs/example_escape_velocity.py
# %%
import pandas as pd

table = pd.read_csv("docs/data/planets.csv")
print(table.to_string(index=False))

# %%
import numpy as np
from lawfinder import LawRegressor

X = table[["M [1e24 kg]", "D [km]"]]
v = table["v_esc [km/s]"]
v_err = np.full(len(v), 0.1 / np.sqrt(12))   # rounded to 0.1 km/s: uniform within ±0.05

model = LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_time=30, random_state=0)
model.fit(X, v, y_err=v_err)
model   # in Jupyter, the last value of a cell is shown: here the front as a table

# %%
print(model.equations_[["complexity", "loss", "sympy"]].to_string())
best = model.best_
print(best.constants, best.uncertainties)

# %%
from lawfinder.results.notation import with_error

residual = v - model.predict(X)
print(table.assign(residual=residual.round(3))[["body", "residual"]].to_string(index=False))
chi2 = np.sum((residual / v_err) ** 2)
print(f"chi2 = {chi2:.1f} for {len(v) - len(best.constants)} degrees of freedom")
G, G_err = best.constants["G"] / 4, best.uncertainties["G"] / 4   # sqrt(G'M/D) = sqrt(2GM/R)
print(f"G = {with_error(G, G_err)} m^3/(kg s^2); CODATA 2018: 6.67430(15)e-11")
