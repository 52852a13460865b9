"""How deep durable-rules' alpha walk can go for a ruleset: a model of its alpha network.

durable-rules 2.0.28 walks a ruleset's alpha network for each asserted fact depth first,
with a stack of at most 64 pending nodes (MAX_STACK_SIZE, events.c handleAlpha); a fact
that needs more is refused (error 303). The engine packs a family's checks into as few
rulesets as keep the worst case within that stack (fewer rulesets, fewer asserts per item).
This module builds the network as durable-rules' createAlpha (rete.c) builds it from our
compiled conditions (checker.engine.conditions.to_durable) and bounds the stack:

  1. A test of a field (`{field: value}`, `{"$gt": {field: value}}` ...) is a node under
     its parent; an identical test (same field, operator, JSON type and value) under the
     same parent is the same node (findAlpha). "$and" chains its parts.
  2. "$iany" is a new node each time (findAlpha never reuses one); its item test hangs in
     the node's array set, evaluated in place, never on the stack.
  3. "$or" makes a new forward node; each branch is built under the parent and its last
     node links to the forward node, so the forward node (and what follows it) is walked
     once per branch that matches.
  4. The walk pops a node and pushes each child that may follow (a test that matches, every
     forward node): with c(n) children, the stack holds at most
         need(n) = max(c(n), c(n) - 1 + max(need(child)))
     entries below n, whatever the fact, assuming every test may match (sound: a fact that
     fails some tests pushes fewer). A ruleset is safe when need(root) <= 64.
"""
from __future__ import annotations

STACK_SIZE = 64  # MAX_STACK_SIZE in durable-rules 2.0.28 events.c
# Other per-node limits of rete.c (rules.h): a node's rules (beta list) and forward links
# (next list). need(root) <= 64 already bounds every node's children below both.
BETA_LIST_LENGTH = 256
_OPERATORS = frozenset({"$neq", "$lt", "$lte", "$gt", "$gte", "$ex", "$nex"})


class _Node:
    __slots__ = ("children", "shared", "rules", "need", "best")

    def __init__(self):
        self.children: list[_Node] = []  # every node the walk may push from here
        self.shared: dict[tuple, _Node] = {}  # reusable test nodes by (field, operator, JSON type, value)
        self.rules = 0  # rules whose condition ends here (the node's beta list)
        self.need = 0  # need(n), point 4
        self.best = 0  # the largest need of the node's children


class AlphaModel:
    """The alpha network of one ruleset, grown one rule at a time.

    Adding a rule only adds nodes and links, so no node's need ever shrinks: after each rule
    only the nodes on its paths (`_links`, the links it added or went through) are
    recomputed, children first, each from its children's largest need so far."""

    def __init__(self):
        self.root = _Node()
        self._links: dict[int, tuple[_Node, list[_Node]]] = {}

    def add_all(self, expressions) -> int:
        """Add many rules at once; the worst-case stack of the ruleset with them (one walk of
        the whole network instead of one per rule, for rulesets built in one go)."""
        self._links = None  # nothing to refresh: the whole network is walked once below
        crowded = False
        for expression in expressions:
            end = self._build(expression, self.root)
            end.rules += 1
            crowded = crowded or end.rules > BETA_LIST_LENGTH - 1
        return STACK_SIZE + 1 if crowded else _need_afresh(self.root, {})

    def add(self, expression: dict) -> int:
        """Add a rule's compiled condition; the worst-case stack of the ruleset with it."""
        self._links = {}
        end = self._build(expression, self.root)
        end.rules += 1
        if end.rules > BETA_LIST_LENGTH - 1:
            return STACK_SIZE + 1  # durable-rules refuses the ruleset (error 108): never safe
        self._refresh(self.root, set())
        return self.root.need

    def _link(self, parent: _Node, node: _Node) -> None:
        self._links.setdefault(id(parent), (parent, []))[1].append(node)

    def _refresh(self, node: _Node, done: set[int]) -> None:
        done.add(id(node))
        for child in self._links.get(id(node), (None, ()))[1]:
            if id(child) not in done:
                self._refresh(child, done)
            node.best = max(node.best, child.need)
        c = len(node.children)
        node.need = max(c, c - 1 + node.best) if c else 0

    def _child(self, parent: _Node, key: tuple) -> _Node:
        node = parent.shared.get(key)
        if node is None:
            node = parent.shared[key] = _Node()
            parent.children.append(node)
        if self._links is not None:
            self._link(parent, node)
        return node

    def _build(self, expression: dict, parent: _Node) -> _Node:
        ((key, value),) = expression.items()
        if key == "$and":
            for part in value:
                parent = self._build(part, parent)
            return parent
        if key == "$or":
            forward = _Node()
            for part in value:
                end = self._build(part, parent)
                end.children.append(forward)
                if self._links is not None:
                    self._link(end, forward)
            return forward
        if key == "$iany":
            node = _Node()
            parent.children.append(node)
            if self._links is not None:
                self._link(parent, node)
            return node
        if key in _OPERATORS:
            ((field, operand),) = value.items()
            return self._child(parent, (field, key, type(operand), operand))
        return self._child(parent, (key, "$eq", type(value), value))


def _need_afresh(node: _Node, memo: dict[int, int]) -> int:
    """need(n) over the whole network below n (point 4); also sets each node's need and best."""
    if id(node) not in memo:
        c = len(node.children)
        node.best = max((_need_afresh(child, memo) for child in node.children), default=0)
        node.need = memo[id(node)] = max(c, c - 1 + node.best) if c else 0
    return memo[id(node)]


def stack_bound(expressions: list[dict]) -> int:
    """The worst-case alpha stack of a ruleset of these rule conditions."""
    model = AlphaModel()
    bound = 0
    for expression in expressions:
        bound = model.add(expression)
    return bound
