"""Prefect's API for a run: the server ``PREFECT_API_URL`` names, else a temporary one started for the run.

Prefect's ephemeral mode starts a temporary API server on the first client call and gives up after
``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` (Prefect's default: 20 s) with a traceback.  A first start
also creates and migrates the server's database, and on a 2-core machine busy with something else that takes
longer than 20 s: a newcomer's first ``make run`` died that way.  So vnplan starts the temporary server itself,
before the flow, with a longer default wait (``STARTUP_TIMEOUT_SECONDS``, which the variable overrides), tries
once more if it did not answer (the second start finds its database made), and when neither answers, or the
server ``PREFECT_API_URL`` names does not, raises ``PrefectUnavailable``: one line naming the cause and the
fix, which ``vnplan`` prints without a traceback (exit code 2).
"""

from __future__ import annotations

import os

STARTUP_TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
STARTUP_TIMEOUT_SECONDS = 120
"""How long a temporary server may take to answer.  Its first start (database created and migrated) took 8 s
on an idle 2-core machine and over 20 s on the same machine busy with an install; four times that leaves room."""

ATTEMPTS = 2
HEALTH_TIMEOUT_SECONDS = 10.0
LONG_RUNNING_SERVER = "keep a server running (`prefect server start`) and set PREFECT_API_URL=http://127.0.0.1:4200/api"


class PrefectUnavailable(ValueError):
    """No Prefect API to run the flow on; the message says why and what to do, in one line."""


def default_startup_timeout() -> None:
    """Give a temporary server ``STARTUP_TIMEOUT_SECONDS`` to answer, unless the environment says otherwise
    (read by Prefect's settings when it is imported: call this before).  A value that is no whole number of
    seconds is a ``PrefectUnavailable`` here, not a page of Prefect's validation errors later."""
    os.environ.setdefault(STARTUP_TIMEOUT_VARIABLE, str(STARTUP_TIMEOUT_SECONDS))
    _startup_timeout()


def ensure_api() -> str:
    """The URL of a Prefect API that answers: ``PREFECT_API_URL`` (from the environment or Prefect's profile)
    when set, else a temporary server's, started here."""
    from prefect.settings import get_current_settings

    configured = get_current_settings().api.url
    if configured:
        _check_health(str(configured).rstrip("/"))
        return str(configured)
    return _start_temporary_server()


def _check_health(url: str) -> None:
    import httpx

    try:
        response = httpx.get(f"{url}/health", timeout=HEALTH_TIMEOUT_SECONDS)
        response.raise_for_status()
    except httpx.HTTPError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PrefectUnavailable(
            f"the Prefect server at {url} (PREFECT_API_URL) does not answer ({reason}): start it with "
            "`prefect server start`, or unset PREFECT_API_URL and vnplan starts a temporary one"
        ) from error


def _start_temporary_server() -> str:
    from prefect.server.api.server import SubprocessASGIServer

    timeout = _startup_timeout()
    last: Exception | None = None
    for _ in range(ATTEMPTS):
        server = SubprocessASGIServer()
        try:
            server.start(timeout=timeout)
            return server.api_url
        except Exception as error:  # Prefect raises RuntimeError on a timeout, httpx errors on a bad answer
            last = error
            server.stop()  # a server still starting would hold its port and its database
    exited = str(last).split(" stdout:")[0] if last else ""
    raise PrefectUnavailable(
        f"the temporary Prefect server did not answer within {timeout} s, {ATTEMPTS} times ({exited}): the machine "
        f"may be busy; run again, allow more time with {STARTUP_TIMEOUT_VARIABLE}=300, or {LONG_RUNNING_SERVER}"
    ) from last


def _startup_timeout() -> int:
    value = os.environ.get(STARTUP_TIMEOUT_VARIABLE, "").strip()
    if not value:
        return STARTUP_TIMEOUT_SECONDS
    if not value.isdigit() or int(value) < 1:
        raise PrefectUnavailable(f"{STARTUP_TIMEOUT_VARIABLE}={value!r}: give a whole number of seconds, such as 300")
    return int(value)
