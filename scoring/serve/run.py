"""Start the workbench on uvicorn (``scoring serve``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ScoringError

INSTALL = "pip install 'rubric-risk-scoring[serve]'"


def require_serve() -> None:
    """Raise a ScoringError saying what to install when Starlette or uvicorn is missing."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise ScoringError(f"scoring serve needs Starlette and uvicorn, which are not "
                           f"installed: {INSTALL}") from None


def serve(folder: Path, host: str, port: int, say: Callable[[str], None]) -> None:
    """Open the case in ``folder`` and serve its workbench at ``host``:``port`` until
    interrupted."""
    require_serve()
    import uvicorn

    from ..formats.universe import is_universe
    from .app import make_app, make_universe_app
    from .workbench import Workbench

    app: Any = make_universe_app(folder, host, port) if is_universe(folder) else \
        make_app(Workbench.open(folder), host, port)
    say(f"scoring serve: {folder} at http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
