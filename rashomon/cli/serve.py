"""``rashomon serve``: the API and the web UI on the corpus, with uvicorn.

Loopback by default. Reads are open on loopback and writes need the token, so binding to any
other address without a token the operator chose would hand an unknown token to no one and open
nothing useful, or worse, invite running with a printed token on a shared screen: the command
refuses a non-loopback ``--host`` unless ``--token`` (or ``$RASHOMON_API_TOKEN``) is given.
"""

from __future__ import annotations

import os
import sys

import typer

from rashomon.cli.app import app, fail
from rashomon.cli.corpus import DB_HELP


@app.command("serve")
def serve_command(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (loopback by default)."
    ),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP, show_default=False),
    token: str | None = typer.Option(
        None, "--token", help="The API token for writes (and for reads from other machines) "
        "[default: $RASHOMON_API_TOKEN, else a new random one, printed]", show_default=False,
    ),
    workers: int = typer.Option(1, "--workers", min=1, max=16,
                                help="Analyses that may run at once."),
    preload: bool = typer.Option(True, "--preload/--no-preload",
                                 help="Load the models at start rather than on first use."),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn's log level."),
) -> None:
    """Serve the API (/api, docs at /docs) and the web UI on the corpus."""
    from rashomon.service.security import is_loopback_address

    chosen = token or os.environ.get("RASHOMON_API_TOKEN", "").strip() or None
    if not is_loopback_address(host) and not chosen:
        fail(f"refusing to listen on {host}, which is not a loopback address, without a "
             "token: pass --token or set RASHOMON_API_TOKEN (then reads from other machines "
             "need the token too)")
    import uvicorn

    from rashomon.corpus.api import Corpus
    from rashomon.service.app import Limits, create_app

    corpus = Corpus(db)
    application = create_app(corpus, token=chosen, limits=Limits(workers=workers),
                             preload=preload)
    shown = f"[{host}]" if ":" in host else host
    where = f"http://{shown}:{port}/"
    print(f"rashomon: serving {where} (API docs: {where}docs), store: {corpus.store.url}",
          file=sys.stderr)
    if application.state.token_source == "generated":
        print(f"rashomon: write token (new for this run): {application.state.token}",
              file=sys.stderr)
    else:
        print(f"rashomon: write token from {application.state.token_source}", file=sys.stderr)
    try:
        uvicorn.run(application, host=host, port=port, log_level=log_level,
                    proxy_headers=False, server_header=False)
    finally:
        corpus.close()
