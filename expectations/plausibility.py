"""The plausibility warnings' bounds, read from plausibility.yaml (data, like the policy files)."""

from __future__ import annotations

from importlib import resources

import yaml

_BOUNDS = yaml.safe_load(resources.files("expectations").joinpath("plausibility.yaml").read_text("utf-8"))

YUAN_SUSPECT = _BOUNDS["output_in_yuan_above"]["value"]
YI_SUSPECT = _BOUNDS["output_in_yi_below"]["value"]
STAFFED = _BOUNDS["staffed_employees_above"]["value"]
YOY_FACTOR = _BOUNDS["year_on_year_factor_above"]["value"]
OUTPUT_SUM_FACTOR = _BOUNDS["enterprise_output_sum_factor_above"]["value"]
