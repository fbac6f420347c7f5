"""Layer 1 of validation: one Pandera model per sheet of each workbook (SPEC §3), built from the contract."""

from schemas.structure import StructureResult, check_structure, check_structures

__all__ = ["StructureResult", "check_structure", "check_structures"]
