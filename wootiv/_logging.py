"""Switching on the `wootiv` logger from the environment.

`WOOTIV_LOG=info` logs retries and why a failed call gave up;
`WOOTIV_LOG=debug` also logs every request sent and every status received
(2xx or not) with its time. Lines never include headers, so the API key cannot
appear in them. Without the variable the SDK adds no handler and logs
through the standard `logging` configuration of the application.
"""

from __future__ import annotations

import logging
import os

__all__ = ["configure_from_env"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False


def configure_from_env() -> None:
    """Attach a stderr handler to the `wootiv` logger if `WOOTIV_LOG` asks for one (once)."""
    global _configured
    if _configured:
        return
    _configured = True
    level = _LEVELS.get(os.environ.get("WOOTIV_LOG", "").strip().lower())
    if level is None:
        return
    logger = logging.getLogger("wootiv")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
