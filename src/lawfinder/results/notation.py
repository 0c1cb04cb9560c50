"""Numbers with their standard errors, as physicists write them: 6.6743(15)e-11."""

from __future__ import annotations

import math


def with_error(value: float, error: float) -> str:
    """`value` to the digits its `error` supports, the error's two leading digits in
    parentheses; an exact constant (error 0, a closed form) and an undetermined one (inf)
    say so, an unknown error (NaN) leaves 6 significant digits, and one below 1e-9 of the
    value (data without noise) 9."""
    if math.isnan(error):
        return f"{value:.6g}"
    if math.isinf(error):
        return f"{value:.6g} (undetermined)"
    if error == 0:
        return f"{value:.6g} (exact)"
    if error < 1e-9 * abs(value):
        return f"{value:.9g}"
    lead = math.floor(math.log10(error))
    if round(error / 10.0 ** (lead - 1)) >= 100:   # 0.0996 rounds to 0.10: one place up
        lead += 1
    digits = round(error / 10.0 ** (lead - 1))
    magnitude = math.floor(math.log10(abs(value))) if value else lead
    if lead > magnitude:                            # the error exceeds the value itself
        return f"{value:.2g} ± {error:.2g}"
    if -3 <= magnitude <= 4 and lead <= 1:
        return f"{value:.{max(1 - lead, 0)}f}({digits})"
    return f"{value / 10.0 ** magnitude:.{magnitude - lead + 1}f}({digits})e{magnitude}"


# What the parenthesised errors are, by Formula.errors_from.
ERRORS_FROM = {
    "y_err": "Errors in parentheses: standard errors propagated from y_err.",
    "residuals": "Errors in parentheses: standard errors scaled by the residual variance "
                 "(no y_err given).",
}
