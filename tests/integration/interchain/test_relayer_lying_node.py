"""The relayer against a faulty or lying node: it never crashes, never hangs, never stops a
link for a lie, never freezes an honest client, and forgets what a lie taught it.

Each test makes one end's node lie by wrapping its SDK transport (the relayer reads the
other chain only through it). The chains themselves stay honest.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from typing import Any

from two_chains import TwoChains, wait_until

from sen.services.relayer import End

Answer = tuple[int, Any]
Lie = Callable[[str, str, dict[str, Any], Callable[..., Answer]], Answer | None]


def lie(end: End, fn: Lie) -> None:
    """Answer through ``fn`` first (None: the honest answer)."""
    transport = end.chain.sdk.transport
    honest = transport.request

    def request(method: str, path: str, **kwargs: Any) -> Answer:
        told = fn(method, path, kwargs, honest)
        return told if told is not None else honest(method, path, **kwargs)

    transport.request = request  # type: ignore[method-assign]


def test_a_malformed_answer_fails_one_pass_not_the_relayer(chains: TwoChains) -> None:
    relayer = chains.relayer()
    link = relayer.links[0]
    link.refresh_fraction = 10**9  # refresh every pass: it asks B for headers

    def no_header(method: str, path: str, kwargs: dict[str, Any], honest: Any) -> Answer | None:
        return (200, {"height": 1}) if path.startswith("/v1/interchain/headers/") else None

    lie(link.b, no_header)
    report = relayer.run_pass()
    assert report.errors == 1 and "malformed" in str(relayer.last_error)
    stop = threading.Event()
    thread = threading.Thread(target=relayer.run, args=(stop,))
    thread.start()
    wait_until(lambda: relayer.passes >= 3, 30, "more passes")
    assert thread.is_alive()  # the loop survives every failing pass
    stop.set()
    thread.join(30)


def test_pages_that_never_end_are_refused(chains: TwoChains) -> None:
    relayer = chains.relayer()
    link = relayer.links[0]
    calls = {"n": 0}

    def endless(method: str, path: str, kwargs: dict[str, Any], honest: Any) -> Answer | None:
        if path.endswith("/pending"):
            calls["n"] += 1
            return 200, {"client_id": chains.a_client, "sequences": [], "next_after": 1}
        return None

    lie(link.a, endless)
    started = time.monotonic()
    report = relayer.run_pass()
    assert report.errors == 1 and "do not move on" in str(relayer.last_error)
    assert calls["n"] <= 2 and time.monotonic() - started < 30


def test_a_node_serving_another_height_makes_no_misbehaviour_and_stops_nothing(
    chains: TwoChains,
) -> None:
    chains.relayer().run_pass()  # the clients hold a few heights
    relayer = chains.relayer()
    link = relayer.links[0]

    def shifted(method: str, path: str, kwargs: dict[str, Any], honest: Any) -> Answer | None:
        if path.startswith("/v1/interchain/headers/"):
            height = int(path.rsplit("/", 1)[1])
            return honest(method, f"/v1/interchain/headers/{height + 1}", **kwargs)
        return None

    lie(link.b, shifted)
    report = relayer.run_pass()
    assert report.errors == 1 and "does not verify" in str(relayer.last_error)
    assert relayer.unusable == {} and relayer.misconfigured == {}
    assert chains.ic("a").client(chains.a_client).frozen_height == 0
    assert relayer.totals.refused == 0  # no misbehaviour was even submitted


def test_one_lie_about_a_packet_is_forgotten(chains: TwoChains) -> None:
    issuer = chains.revocation_list(revoked=[7])
    sequence = chains.ask(issuer, 7, int(time.time()) + 600)
    relayer = chains.relayer()
    telling = {"lies": True}
    other = f'{{"issuer":"{issuer}","list":"bang-2025","index":8}}'.encode()

    def once(method: str, path: str, kwargs: dict[str, Any], honest: Any) -> Answer | None:
        if not telling["lies"] or path != "/v1/interchain/packets":
            return None
        status, body = honest(method, path, **kwargs)
        for sent in body["packets"]:
            sent["packet"]["payloads"][0]["value"] = base64.b64encode(other).decode()
        return status, body

    lie(relayer.links[0].a, once)
    relayer.run_pass()
    telling["lies"] = False
    wait_until(
        lambda: relayer.run_pass() is not None and not chains.ic("a").pending(chains.a_client),
        30,
        "the packet settled by the same relayer",
    )
    assert relayer.totals.received == 1 and sequence == 1


def test_a_wrong_url_is_named_not_taken_for_misbehaviour(chains: TwoChains) -> None:
    relayer = chains.relayer()
    link = relayer.links[0]
    link.b = End(link.b.name, chains.ic("a"), link.b.key, link.b.client_id)  # B's URL -> A
    report = relayer.run_pass()
    assert report.errors == 1
    [why] = relayer.misconfigured.values()
    assert "serves chain sen-lao-dong" in why and "check the url of giao-duc" in why
    assert chains.ic("a").client(chains.a_client).frozen_height == 0
