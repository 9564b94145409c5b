"""Every error message rashomon shows a user, coded, in one place.

Raise with ``raise InputError("E001", path=path)``. The command line prints
``rashomon: error: [E001] report.txt: the file is empty`` on one line and exits with status 2.
"""

from __future__ import annotations


class Errors:
    # Reading files
    E001 = "{path}: the file is empty"
    E002 = "{path}: this looks like a binary file, not text, HTML or JSONL"
    E003 = "{path}: the file is not valid UTF-8 (byte {position}); convert it to UTF-8 first"
    E004 = "{path}: the file is {size} bytes, over the limit of {limit} bytes (--max-bytes)"
    E005 = "{path}: no article text could be extracted from this HTML page"
    E006 = "{path}, line {line}: {problem}"
    E007 = "{path}: no such file or folder"
    E008 = "{path}: cannot read it ({reason})"
    E009 = "{path}: the file holds no article"
    E010 = "{path}: two reports share the id {id!r}; give them different names"
    E011 = "{path}: unknown format {format!r} (expected one of: {expected})"
    E012 = "{path}: the folder holds no file rashomon can read ({expected})"
    E013 = "{path}: not a readable WARC file ({reason})"
    E014 = "{path}: the WARC record for {url} is over the limit of {limit} bytes (--max-bytes)"
    E015 = "{path}: the WARC record at byte {offset} cannot be read: {problem}"
    E016 = (
        "{path}: the file is UTF-16, and {format} files are read as UTF-8 only; "
        "convert it to UTF-8 first"
    )
    E017 = (
        "{path}: the file looks like UTF-16 but is not valid UTF-16 (byte {position}); "
        "convert it to UTF-8 first"
    )
    # Fetching over the network
    E020 = "{url}: only http and https addresses can be fetched"
    E021 = (
        "{url}: refused to fetch from {address}, a loopback, private or link-local address "
        "(pass --allow-private to allow it)"
    )
    E022 = "{url}: could not be reached ({reason})"
    E023 = "{url}: the server answered HTTP {status}"
    E024 = "{url}: the response is over the limit of {limit} bytes (--max-bytes)"
    E025 = "{url}: more than {limit} redirects"
    E026 = "{url}: the host name could not be resolved"
    E027 = "{url}: not a readable feed ({reason})"
    E028 = "{url}: the content type {content_type!r} is not an article"
    E029 = (
        "the feed entry has no link to fetch and {words} words of text, too few for an article "
        "(at least {minimum})"
    )
    E030 = (
        "{url}: no whole response within {limit} s, the limit for one fetch "
        "(--fetch-deadline or $RASHOMON_FETCH_DEADLINE)"
    )
    E031 = "${name}: {value!r} is not a number of seconds above 0"
    E032 = "{url}: not an address that can be fetched (it has control characters in it)"
    # Comparing
    E040 = "nothing to compare: give at least one report"
    E041 = (
        "{what}: the model package {package!r} is not installed; "
        "install it with: pip install {package}"
    )
    E042 = "unknown output format {format!r} (expected one of: {expected})"
    E043 = "{path}: refusing to overwrite a folder"
    E044 = "--published {value!r}: not a date; give it as YYYY-MM-DD (or an ISO date-time)"
    # Storage
    E060 = "{url}: cannot open the database ({reason})"
    E061 = "no story with id {id!r}"
    E062 = "no article with id {id!r}"
    E063 = "{url}: unsupported database address (give a file path or a postgresql:// address)"
    E064 = "{url}: the schema version {found} is newer than this rashomon knows ({known}); upgrade"
    E065 = "{url}: PostgreSQL needs psycopg; install it with: pip install 'rashomon[postgres]'"
    E066 = "{value!r} is not a duration (expected e.g. 90s, 15m, 2h or 1h30m)"
    E067 = "nothing to ingest: give at least one file, folder, feed list, address or WARC file"
    E068 = "{url}: the database could not be written ({reason})"
    E069 = "{path}: cannot write the output ({reason})"
    # Evaluation
    E080 = "{path}: the evaluation data is missing; pass --data pointing at the shared data folder"
    E081 = "unknown evaluation {name!r} (expected one of: {expected})"
    E082 = (
        "{path}: the stance model is missing or unreadable ({reason}); reinstall rashomon or "
        "rebuild it with: python -m rashomon.stance.train --data DIR --out FOLDER"
    )
    E083 = (
        "{path}: the entailment model is missing or unreadable ({reason}); reinstall rashomon, "
        "rebuild it with 'rashomon train nli', or point $RASHOMON_NLI_MODEL at a model folder"
    )
    # The web service (HTTP statuses: rashomon.service.errors.SERVICE_STATUS)
    E090 = "the request body is over the limit of {limit} bytes"
    E091 = "{count} reports given, over the limit of {limit} per request"
    E092 = (
        "this needs the API token: send the header 'Authorization: Bearer <token>' "
        "(rashomon serve prints it at start; it reads it from $RASHOMON_API_TOKEN)"
    )
    E093 = "the API token is wrong"
    E094 = "no job with id {id!r} (finished jobs are kept for {ttl} seconds)"
    E095 = (
        "{pending} analyses are already waiting or running, the most this server takes at "
        "once; try again in a little while"
    )
    E096 = "{problem}"
    E097 = "the request body is not valid {what} ({problem})"
    E098 = "{method} {path}: there is nothing here"
    E099 = "something went wrong inside rashomon ({reason}); the server log has more"
    E100 = (
        "{method} {path}: refused, the request comes from another site ({origin}); only this "
        "server's own pages, and clients that are not browsers, may send it"
    )
    E101 = (
        "the form's security token is missing or out of date: reload the page and send the "
        "form again"
    )
    E102 = (
        "{pending} of your analyses are already waiting or running, the most one client may "
        "have at once; wait for one of them to finish"
    )
    # Temporal expressions (rashomon.timex, rashomon evaluate timex / timebank): E120-E129
    E120 = "{path}: the folder holds no TimeML document (*.tml)"
    E121 = "{path}: not a TimeML document (it has no <TEXT> element)"
    E122 = (
        "{value!r} is not a publication date (expected an ISO 8601 date or date-time, "
        "e.g. 2026-01-06 or 2026-01-06T15:00)"
    )
    E123 = (
        "{path}, line {line}: {problem} (expected a JSON object with \"id\", \"text\" and, "
        "optionally, \"published\")"
    )
    # Framing: the bias flagger (rashomon.framing.bias)
    E140 = (
        "{path}: the bias model is missing or unreadable ({reason}); reinstall rashomon or "
        "rebuild it with: python -m rashomon.framing.train_bias"
    )
    E141 = "the bias flagger reads text (a str), not {type}"
    E142 = "{path}, line {line}: {problem}"
    E143 = "{path}, line {line}: the line has no {field!r} (expected {{\"id\", \"text\"}})"
    # Event coding (rashomon.events, rashomon evaluate petrarch / police-events): E130-E139
    E130 = "the event-coding dictionary {path} cannot be read (a PETRARCH2 dictionary is needed)"
    E131 = "{path}, line {line}: not an IndiaPoliceEvents sentence ({problem})"
    E132 = "{path} holds no PETRARCH2 <Sentence> records"
    # Story clustering settings (rashomon.corpus.clustering.ClusterConfig)
    E160 = "story clustering setting {name} = {value!r} is not valid: expected {expected}"
    E161 = "unknown story clustering setting(s): {names} (known: {known})"
    # Framing: per-source profiles and word choice (E145-E149)
    E145 = "{path}, line {line}: a report needs an \"id\" and a \"text\" string"
    E146 = "{path}: holds no story with at least two reports to compare"
    E147 = "the loaded-word spans name a document that is not in the comparison: {document!r}"
    # Charts of the HTML report and web UI (rashomon.render.charts, E150-E154)
    E150 = "the chart data {what!r} is malformed: {problem}"
    # Executors: --executor local|ray (rashomon.executors, E175-E179)
    E175 = (
        "the Ray executor needs Ray, which is not installed: pip install 'rashomon[cluster]'"
    )
    E176 = (
        "{url} is a SQLite file, which Ray workers on other machines cannot share: use a "
        "PostgreSQL store (--db postgresql://...) with a Ray cluster of several nodes"
    )
    E177 = "unknown executor {name!r} (expected one of: {expected})"
    E178 = (
        "cannot reach the Ray cluster at {address} ({reason}); start it with `ray start "
        "--head` or set --address / $RAY_ADDRESS to its head's host:port"
    )
    E179 = "a Ray worker failed on a batch and kept failing after retries: {reason}"


class RashomonError(Exception):
    """Base of every error rashomon raises on purpose; its text is one line for the user."""

    def __init__(self, code: str, **fields: object) -> None:
        template = getattr(Errors, code)
        self.code = code
        self.fields = fields
        self.message = template.format(**fields)
        super().__init__(f"[{code}] {self.message}")


class InputError(RashomonError):
    """A report could not be read."""


class FetchError(InputError):
    """A report or feed could not be fetched."""


class ConfigurationError(RashomonError):
    """A model, backend or setting is missing or wrong."""


class StorageError(RashomonError):
    """The store could not be opened or read."""


class NotFoundError(StorageError):
    """A story or article does not exist in the store."""
