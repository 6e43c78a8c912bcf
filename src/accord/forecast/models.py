"""Forecast models as registered objects: name -> :class:`ForecastModel`.

A model forecasts the ordered issues of a game (continuous and ordinal; categorical issues are
forecast as shares by :func:`~accord.forecast.baselines.categorical_shares`, whatever the model) for
``D`` input sets at once. It is an object with a ``name``, a ``label`` (how briefs and tables call it),
the settings it reads (``parameters``: any of ``variant``, ``rounds``, ``stages``) and a :meth:`run`
that returns the ``(D, I_ordered)`` forecasts and, optionally, its own record of the run
(``detail``), from which it may report per-issue ``trajectory`` rows and ``trades``.

:data:`MODELS` finds every :class:`ForecastModel` object at module level in the modules of
:mod:`accord.forecast` (each model is declared next to its mathematics: :mod:`.baselines`,
:mod:`.nbs`, :mod:`.eum`, :mod:`.exchange`); a model defined elsewhere joins with
``MODELS.register(obj)``. ``order`` sorts the registry (simplest models first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ..game import Game
from ..registry import Registry

__all__ = ["MODELS", "PARAMETERS", "ForecastModel", "ModelInputs", "ModelRun", "model"]

#: The settings a model may read, besides the inputs.
PARAMETERS = ("variant", "rounds", "stages")


@dataclass(frozen=True, eq=False)
class ModelInputs:
    """``D`` input sets over the game's ordered issues ``ordered`` (indices into ``game.issues``),
    each array ``(D, I_ordered, A)``: positions ``x`` on each issue's ``points`` scale, saliences
    ``s``, capabilities ``c``, and ``mask`` (who holds a stance); plus the settings."""

    game: Game
    ordered: tuple[int, ...]
    x: np.ndarray
    s: np.ndarray
    c: np.ndarray
    mask: np.ndarray
    variant: str = "scholz2011"
    rounds: int = 10
    stages: int = 1
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True, eq=False)
class ModelRun:
    """A model's forecasts ``values (D, I_ordered)`` and its own record of the run (or ``None``)."""

    values: np.ndarray
    detail: Any = None


class ForecastModel:
    """Base class of the registered forecast models (subclass it and set the class attributes).

    ``name``: registry key; ``label``: plain-words name; ``order``: place in the registry;
    ``parameters``: the settings it reads (:data:`PARAMETERS`). The docstring cites the model."""

    name: str = ""
    label: str = ""
    order: int = 100
    parameters: tuple[str, ...] = ()

    def run(self, inputs: ModelInputs) -> ModelRun:
        """Forecast every ordered issue of every input set."""
        raise NotImplementedError

    def trajectory(self, game: Game, run: ModelRun, k: int, issue: int) -> tuple[dict[str, Any], ...] | None:
        """Round-by-round rows of ordered issue ``k`` (``game.issues[issue]``) of input set 0, where the
        model has rounds (``None`` otherwise)."""
        return None

    def cycle(self, game: Game, run: ModelRun, k: int, issue: int) -> dict[str, Any] | None:
        """The cycle the rounds of ordered issue ``k`` of input set 0 end in, where the model has rounds
        and they cycle (:func:`accord.forecast.cycles.cycle_record`; ``None`` otherwise)."""
        return None

    def settling(self, game: Game, run: ModelRun, k: int, issue: int) -> dict[str, Any] | None:
        """Whether the rounds of ordered issue ``k`` of input set 0 have settled or are still moving,
        where the model has rounds and they do not end in a cycle
        (:func:`accord.forecast.cycles.settle_record`; ``None`` otherwise)."""
        return None

    def trades(self, game: Game, run: ModelRun, ordered: tuple[int, ...]) -> tuple[dict[str, Any], ...] | None:
        """The trades the model realised on input set 0, where the model trades (``None`` otherwise)."""
        return None

    def describe(self, variant: str, rounds: int, stages: int) -> str:
        """The settings that shaped a forecast, in words (empty when it reads none)."""
        parts = []
        if "variant" in self.parameters:
            parts.append(variant)
        if "rounds" in self.parameters:
            parts.append(f"{rounds} round{'' if rounds == 1 else 's'}")
        if "stages" in self.parameters:
            parts.append(f"{stages} stage{'' if stages == 1 else 's'} of trades")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<forecast model {self.name!r}: {self.label}>"


def _declared(module: ModuleType) -> list[ForecastModel]:
    return [v for v in vars(module).values() if isinstance(v, ForecastModel)]


#: Model name -> model object, e.g. ``MODELS["eum"]``; iterating gives the names, simplest first.
MODELS: Registry[ForecastModel] = Registry("forecast model", "accord.forecast", _declared, lambda m: m.name,
                                           order=lambda m: m.order)


def model(name: str) -> ForecastModel:
    """The forecast model registered as ``name`` (``KeyError`` listing the known ones otherwise)."""
    return MODELS[name]
