"""What waits for a user, as panels on the dashboard that each stage registers (issue 9, item 11).

The dashboard (accounts) knows no stage: a stage registers a function from its AppConfig.ready()
that returns its panel for the request's user (a template and its context), or None when it has
nothing for this user. Panels are shown in their `order`.
"""

from collections.abc import Callable

Panel = Callable[[object], "dict | None"]
_panels: list[tuple[int, Panel]] = []


def register_panel(order: int, panel: Panel) -> None:
    if all(function is not panel for _order, function in _panels):
        _panels.append((order, panel))
        _panels.sort(key=lambda item: item[0])


def panels_for(request) -> list[dict]:
    return [panel for _order, function in _panels if (panel := function(request)) is not None]
