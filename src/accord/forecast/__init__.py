"""Forecasting negotiation outcomes: compromise, weighted median, Nash bargaining (Achen 2006) and
Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011), Stokman's exchange model
(Stokman & Van Oosten 1994), with seeded Monte Carlo
uncertainty, one-at-a-time sensitivity and backtests on DEU III (Thomson et al. 2006)."""

from ..draws import draw_inputs
from .backtest import BacktestResult, backtest_deu
from .baselines import categorical_shares, compromise, weighted_median
from .core import BatchPrediction, forecast, predict_batch
from .eum import VARIANTS, EUMResult, run_eum
from .exchange import Exchange, ExchangeResult, run_exchange
from .models import MODELS, ForecastModel, ModelInputs, ModelRun
from .nbs import nash_bargaining
from .result import Forecast, IssueForecast, Sensitivity, SensitivityRow
from .sensitivity import sensitivity

__all__ = [
    "MODELS",
    "VARIANTS",
    "BacktestResult",
    "BatchPrediction",
    "EUMResult",
    "Exchange",
    "ExchangeResult",
    "Forecast",
    "ForecastModel",
    "IssueForecast",
    "ModelInputs",
    "ModelRun",
    "Sensitivity",
    "SensitivityRow",
    "backtest_deu",
    "categorical_shares",
    "compromise",
    "draw_inputs",
    "forecast",
    "nash_bargaining",
    "predict_batch",
    "run_eum",
    "run_exchange",
    "sensitivity",
    "weighted_median",
]
