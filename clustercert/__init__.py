"""clustercert: the domain core of the SME specialty industrial cluster certification pipeline.

This package never imports Prefect; `flows/` and `tasks/` wrap it.
"""

__version__ = "0.1.0"
