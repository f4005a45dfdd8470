"""A contract type for import-linter: no import circle between the modules of a package.

import-linter's own `acyclic_siblings` forbids cycles between sibling *packages*, which
also flags a service module that queues a task whose module calls another service
(services -> tasks -> services.outbox): no module there imports one that imports it back.
The circle that hurts (a half-initialised module, an import that only works in one order)
is between modules, so that is what this contract forbids, function-level imports
included (grimp reads those too).
"""

from importlinter import Contract, ContractCheck, fields, output


class NoModuleCyclesContract(Contract):
    type_name = "no_module_cycles"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        cycles = []
        for container in self.containers:  # type: ignore[attr-defined]
            modules = {container} | graph.find_descendants(container)
            edges = {
                module: graph.find_modules_directly_imported_by(module) & modules
                for module in modules
            }
            cycles.extend(_cycles(edges))
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(" <-> ".join(cycle))
            output.new_line()


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
