"""The Typer application and the one place that turns errors into one-line messages."""

from __future__ import annotations

import os
import sys

import typer

from rashomon.errors import RashomonError

app = typer.Typer(
    name="rashomon",
    help="One event, many accounts: what the reports agree on, what only one reports, "
    "and where they contradict each other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, status: int = 2) -> None:
    """Print ``rashomon: error: MESSAGE`` on one line and exit."""
    print(f"rashomon: error: {message}", file=sys.stderr)
    raise SystemExit(status)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        status = app(args=argv, standalone_mode=False)
    except RashomonError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", status=130)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        fail("aborted", status=1)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        # Typer may bring its own copy of click, so a usage error is known by its interface
        # ("show" and an exit code) rather than by click's class.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            raise SystemExit(code) from None
        if isinstance(exc, BrokenPipeError):
            raise SystemExit(1) from None
        raise
    # In non-standalone mode click returns the code of a ``typer.Exit`` instead of exiting.
    if isinstance(status, int) and status:
        raise SystemExit(status)
