"""What a kind of service owns: its families, item attributes, engine facts and report lines.

Adding a kind touches one place: a module here that defines a `ServiceKind` and registers it
(checker.kinds.registry), plus its vocabulary and rule files. The pipeline asks the kind of an
item's family for:

  1. `attributes`  the item attributes rules may test (`applies_to.item: {modality: [mri]}`), each
                   with its closed set of values; the rule base is checked against them at load;
  2. `facts()`     the kind's own fields of the engine fact (registered in checker.engine.fact_fields);
  3. `quantity()`  the requested quantity and its unit, and whether a request must state one;
  4. `understood()` the lines the reports show under "understood".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from checker.engine import fact_fields
from checker.vocab import Family, Kind

Value = Union[str, int, bool]


@dataclass(frozen=True)
class Attribute:
    """One item attribute: its name, its values (None: open, e.g. numbers), one value or a list."""

    name: str
    description: str
    values: Optional[tuple[Value, ...]] = None
    many: bool = False


@dataclass(frozen=True)
class KindFact:
    name: str
    type: fact_fields.FieldType
    description: str


@dataclass
class ServiceKind:
    kind: Kind
    families: frozenset[Family]
    attributes: tuple[Attribute, ...] = ()
    fact_defs: tuple[KindFact, ...] = ()
    quantity_unit: str = "units"
    needs_quantity: bool = False  # a request without its quantity is incomplete
    _by_name: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._by_name = {a.name: a for a in self.attributes}
        for f in self.fact_defs:
            fact_fields.register(f.name, f.type, f.description)

    def attribute(self, name: str) -> Optional[Attribute]:
        return self._by_name.get(name)

    # -- hooks a kind overrides --------------------------------------------------------------
    def facts(self, item, context) -> dict:
        """The kind's own fields of the engine fact for `item` (checker.engine.facts calls it)."""
        return {}

    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        """The requested quantity, its unit, and whether the request states what the kind needs."""
        value = item.attributes.get("quantity")
        count = int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else item.visits
        return count, str(item.attributes.get("quantity_unit") or self.quantity_unit), True

    def understood_facts(self, fact: dict) -> list[tuple[str, str]]:
        """(label, value) lines the reports add from the item's fact (what the rule base's data says of it)."""
        return []

    def understood(self, item) -> list[tuple[str, str]]:
        """(label, value) lines the reports show for `item`: its attributes by default."""
        lines = []
        if not item.attributes:  # (most items have none)
            return lines
        for a in self.attributes:
            value = item.attributes.get(a.name)
            if value not in (None, [], ""):
                lines.append((a.name.replace("_", " ").capitalize(),
                              ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
        return lines
