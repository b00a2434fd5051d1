"""Chinese text processing (中文文本处理): pure functions, no database or web — data in, results out.

``normalize`` cleans a petition or article for analysis (converter artefacts, lost characters,
traditional → simplified, width, whitespace) and keeps the verbatim original with an offset map back to it.
"""

from sanwang.text.alignment import PLACEHOLDER, Repair, RepairKind
from sanwang.text.normalize import Normalized, normalize
from sanwang.text.t2s import convert as to_simplified

__all__ = ["PLACEHOLDER", "Normalized", "Repair", "RepairKind", "normalize", "to_simplified"]
