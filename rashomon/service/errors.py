"""The web service's errors: one JSON shape, one code per problem, the right HTTP status.

Every error the API returns is ``{"error": {"code": "E0xx", "message": "..."}}``. The codes of
the library keep their numbers and messages and get an HTTP status from :func:`status_for`; the
problems only a server has (a body too large, a missing token, a full queue, a write from
another site) have their own codes, E090-E102, so that a client can tell them apart without
parsing messages. Every message, these included, is in :mod:`rashomon.errors`; this module only
maps codes to HTTP statuses.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from rashomon.errors import (
    ConfigurationError,
    Errors,
    InputError,
    NotFoundError,
    RashomonError,
    StorageError,
)

#: The HTTP status of each of the service's own codes. Their messages live with every other
#: message in :class:`rashomon.errors.Errors`, so that one module holds all the texts a user sees.
SERVICE_STATUS: dict[str, int] = {
    "E090": 413,  # request body too large
    "E091": 413,  # too many reports or articles in one request
    "E092": 401,  # token missing
    "E093": 401,  # token wrong
    "E094": 404,  # no such job
    "E095": 429,  # queue full
    "E096": 422,  # request that does not validate
    "E097": 400,  # body that is not valid JSON or form data
    "E098": 404,  # no such endpoint
    "E099": 500,  # a bug
    "E100": 403,  # a write (or a CORS preflight) from another site
    "E101": 403,  # a form without its CSRF token, or with a wrong one
    "E102": 429,  # this client has its share of the queue already
}

#: code -> (HTTP status, message template), for callers that want both at once.
SERVICE_ERRORS: dict[str, tuple[int, str]] = {
    code: (status, getattr(Errors, code)) for code, status in SERVICE_STATUS.items()
}

# Library codes whose HTTP status is not that of their class.
_STATUS_BY_CODE = {
    "E004": 413,  # a report over the size limit
    "E014": 413,
    "E024": 413,
    "E009": 422,  # a file that holds no article
    "E010": 422,  # two reports with one id
    "E011": 422,
    "E012": 422,
    "E040": 422,  # nothing to compare
    "E042": 400,  # unknown output format
    "E066": 422,
}


class ServiceError(HTTPException):
    """An error of the service itself, with its code.

    It is an :class:`HTTPException` so that FastAPI passes it through unchanged even when it is
    raised while the request body is being read (the body size limit does that).
    """

    def __init__(self, code: str, *, status: int | None = None, **fields: Any) -> None:
        default_status, template = SERVICE_ERRORS[code]
        self.code = code
        self.message = template.format(**fields)
        self.fields = fields
        super().__init__(status_code=status or default_status, detail=self.message)

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.code, self.message)


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def status_for(exc: RashomonError) -> int:
    """The HTTP status of a library error: 404 for what does not exist, 4xx for what the
    client sent, 500 for what is wrong on the server (a model missing, the store failing)."""
    if exc.code in _STATUS_BY_CODE:
        return _STATUS_BY_CODE[exc.code]
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, (ConfigurationError, StorageError)):
        return 500
    if isinstance(exc, InputError):
        return 400
    return 400
