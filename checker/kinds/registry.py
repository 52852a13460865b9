"""The kinds of service the checker knows, by family (checker.vocab.Kind / Family.kind)."""
from __future__ import annotations

from checker.kinds.base import ServiceKind
from checker.vocab import Family, Kind

_KINDS: dict[Kind, ServiceKind] = {}


def register(kind: ServiceKind) -> ServiceKind:
    if kind.kind in _KINDS:
        raise ValueError(f"kind {kind.kind.value} registered twice")
    _KINDS[kind.kind] = kind
    _BY_FAMILY.clear()
    return kind


_BY_FAMILY: dict[Family, ServiceKind] = {}  # kind_of's answers (asked twice per item checked)


def kind_of(family: Family) -> ServiceKind:
    found = _BY_FAMILY.get(family)
    if found is None:
        _load()
        found = _BY_FAMILY[family] = _KINDS.get(family.kind) or _generic(family.kind)
    return found


def all_kinds() -> list[ServiceKind]:
    _load()
    return [_KINDS.get(k) or _generic(k) for k in Kind]


_GENERIC: dict[Kind, ServiceKind] = {}


def _generic(kind: Kind) -> ServiceKind:
    """A kind with no module yet: no attributes, no facts of its own."""
    if kind not in _GENERIC:
        _GENERIC[kind] = ServiceKind(kind, frozenset(f for f in Family if f.kind is kind))
    return _GENERIC[kind]


_loaded = False


def _load() -> None:
    """Import the kind modules once (each registers itself)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib
    import pkgutil

    import checker.kinds as package

    # The kinds register themselves; clinical_facts registers the fact fields every kind shares.
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("base", "registry"):
            importlib.import_module(f"checker.kinds.{info.name}")
