"""accord: model, analyse, forecast and run multi-party, multi-issue negotiations."""

from importlib.metadata import PackageNotFoundError, version

from .game import Game, IssueGrid, compile_scenario
from .model import Scenario, ScenarioError, bundled, load, load_text, resolve

try:
    __version__ = version("accord")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["Game", "IssueGrid", "Scenario", "ScenarioError", "bundled", "compile_scenario", "load",
           "load_text", "resolve", "__version__"]
