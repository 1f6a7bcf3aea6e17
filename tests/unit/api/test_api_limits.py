"""Body limits while the body arrives: 413 before it is read, 408 when it stalls, and at
most ``max_large_bodies`` large bodies at once (503 with Retry-After for one more)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

from fastapi import FastAPI, Request

from sen.api import problems
from sen.api.limits import BodyLimit, BodyRules

LIMIT = 100
T = TypeVar("T")


class Call:
    """One request through the middleware, its body in chunks; what came back, what was read."""

    def __init__(
        self, chunks: Iterable[bytes], content_length: int | None, *, stalls: bool = False
    ) -> None:
        self.chunks = list(chunks)
        self.content_length = content_length
        self.stalls = stalls
        self.read = 0
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""

    async def run(self, app: Any) -> Call:
        headers = [(b"content-type", b"application/octet-stream")]
        if self.content_length is not None:
            headers.append((b"content-length", str(self.content_length).encode()))
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/echo",
            "raw_path": b"/echo",
            "query_string": b"",
            "headers": headers,
            "http_version": "1.1",
            "scheme": "http",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 1),
            "root_path": "",
        }
        pending = list(self.chunks)

        async def receive() -> dict[str, Any]:
            if not pending:
                await asyncio.sleep(3600)
            chunk = pending.pop(0)
            self.read += len(chunk)
            return {
                "type": "http.request",
                "body": chunk,
                "more_body": bool(pending) or self.stalls,
            }

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                self.body += message.get("body", b"")

        await app(scope, receive, send)
        return self

    def problem(self) -> dict[str, Any]:
        assert self.headers["content-type"] == "application/problem+json"
        body: dict[str, Any] = json.loads(self.body)
        return body


def run_isolated(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: a session fixture (the console tests'
    Playwright) may keep an event loop running in the main thread for the whole run."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def make_app(rules: BodyRules, gate: asyncio.Event | None = None) -> Any:
    api = FastAPI()
    problems.install(api)

    @api.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        if gate is not None:
            await gate.wait()
        return {"size": len(await request.body())}

    return BodyLimit(api, limit_for=lambda path: LIMIT, rules=rules)


def test_a_declared_length_just_over_the_limit_is_413_before_a_byte_is_read() -> None:
    call = run_isolated(Call([b"x" * (LIMIT + 1)], LIMIT + 1).run(make_app(BodyRules())))
    assert call.status == 413 and call.read == 0
    problem = call.problem()
    assert problem["field"] == "body"
    assert problem["expected"] == f"at most {LIMIT} bytes"
    assert problem["got"] == f"{LIMIT + 1} bytes"
    assert f"{LIMIT}-byte limit" in problem["detail"]


def test_a_streamed_body_is_cut_off_as_soon_as_it_passes_the_limit() -> None:
    chunks = [b"x" * 40] * 10  # 400 bytes, 40 at a time, no Content-Length
    call = run_isolated(Call(chunks, None).run(make_app(BodyRules())))
    assert call.status == 413
    assert call.read == 120  # the third chunk crossed 100; the other seven were never read
    assert call.problem()["got"] == "at least 120 bytes"


def test_a_body_at_the_limit_is_read() -> None:
    call = run_isolated(Call([b"x" * 60, b"x" * 40], LIMIT).run(make_app(BodyRules())))
    assert call.status == 200 and json.loads(call.body) == {"size": LIMIT}


def test_a_stalled_body_is_408() -> None:
    rules = BodyRules(body_timeout=0.05)
    call = run_isolated(
        Call([b"x" * 10], 50, stalls=True).run(make_app(rules))
    )  # 10 of 50, then silence
    assert call.status == 408
    problem = call.problem()
    assert problem["type"] == "urn:sen:problem:body-timeout"
    assert problem["got"] == "10 bytes, then nothing"


def test_one_large_body_more_than_the_cap_is_503_with_retry_after() -> None:
    async def scenario() -> tuple[list[Call], Call, Call]:
        gate = asyncio.Event()
        app = make_app(BodyRules(large_body_bytes=10, max_large_bodies=2), gate)
        first = [asyncio.create_task(Call([b"x" * 50], 50).run(app)) for _ in range(2)]
        await asyncio.sleep(0.01)  # both are inside the app, waiting at the gate
        refused = await Call([b"x" * 50], 50).run(app)
        small = asyncio.create_task(Call([b"x" * 5], 5).run(app))  # not counted: let in
        await asyncio.sleep(0.01)
        gate.set()
        done = [await task for task in first]
        after = await Call([b"x" * 50], 50).run(app)  # the cap is free again
        return [*done, after], refused, await small

    served, refused, small = run_isolated(scenario())
    assert [c.status for c in served] == [200, 200, 200]
    assert small.status == 200
    assert refused.status == 503 and refused.read == 0
    assert refused.headers["retry-after"] == "1"
    problem = refused.problem()
    assert problem["type"] == "urn:sen:problem:busy"
    assert problem["expected"] == "at most 2 large bodies at once"
