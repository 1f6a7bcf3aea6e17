"""The GS1 Digital Link resolver over the EPCIS repository (``docs/spec/traceability.md`` §7).

``GET /01/{GTIN}[/10/{lot}|/21/{serial}]`` (and ``/00/{SSCC}``), the address a product's QR
code holds, answers by content negotiation:

- ``Accept: application/linkset+json`` or ``?linkType=all``: the RFC 9264 linkset of the
  key: its consumer page (``gs1:pip``, ``gs1:defaultLink``), its journey as data
  (``gs1:traceability``) and the repository (``gs1:epcis``);
- ``?linkType=gs1:traceability`` (any link type of the set): a 307 to that link;
- ``Accept: text/html`` (a phone's browser): the consumer page, when the service was given
  one (``page``; the console's, composed by ``sen trace serve``), and the scan is logged;
- otherwise (``application/json``): the journey itself (:func:`.journey.view`).

``GET /trace/v1/view/{path}`` is the journey as JSON (what the page reads; with each
event's proof status when the service knows the chain's genesis), ``GET /trace/v1/receipts
?eventID=...`` an event's receipts to download, and ``GET /trace/v1/qr/{path}.svg`` (or
``.png``) a print-ready QR code of the key's address.
Everything here is public: it is what a product's label shows to anyone who scans it.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import segno
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from segno.encoder import DataOverflowError

from sen.light.errors import ReceiptInvalid
from sen.light.event_receipt import verify_event_receipt
from sen.light.genesis import Genesis
from sen.light.gs1_keys import canonical_key, check_digit
from sen.services.traceability.catalog import Catalog
from sen.services.traceability.certificates import CertificateBook
from sen.services.traceability.errors import (
    ChainUnavailable,
    EpcisInvalid,
    EventNotRecorded,
    Problem,
    ReceiptNotReady,
    UnknownEvent,
)
from sen.services.traceability.journey import view, was_sold
from sen.services.traceability.repository import Repository, names_a_product
from sen.services.traceability.store import StoredEvent

PagePicker = Callable[[Request, str], Response]
LINKSET = "application/linkset+json"
GS1 = "https://gs1.org/voc/"
QR_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
VARY = {"Vary": "Accept"}  # one address, three answers: caches must tell them apart


CS82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
"""GS1's character set 82: what a lot (AI 10) or a serial (AI 21) is written in."""


def _gs1_text(value: str) -> bool:
    return 1 <= len(value) <= 20 and all(c in CS82 for c in value)


def resolvable_key(path: str) -> str:
    """``path`` (``01/<GTIN>/10/<lot>``...) as its canonical key, refused unless it is a GTIN
    (with a right check digit) with at most a lot or a serial, or an SSCC."""
    key = canonical_key("https://resolver.invalid/" + path.strip("/"))
    parts = key.split("/") if key else []
    ok = False
    if len(parts) >= 2 and parts[0] in ("01", "00") and parts[1].isdigit():
        number, digit = parts[1], check_digit(parts[1][:-1])
        if number[-1] != digit:
            kind = "GTIN" if parts[0] == "01" else "SSCC"
            raise UnknownEvent(
                f"{kind} {number}: its check digit is wrong (a mistyped or copied number)",
                "path", expected=f"{number[:-1]}{digit}", got=number,
            )  # fmt: skip
    if len(parts) >= 2 and parts[0] == "01":
        gtin = parts[1]
        ok = gtin[-1] == check_digit(gtin[:-1]) and (
            len(parts) == 2 or (len(parts) == 4 and parts[2] in ("10", "21") and bool(parts[3]))
        )
    elif len(parts) == 2 and parts[0] == "00":
        ok = parts[1][-1] == check_digit(parts[1][:-1])
    if len(path.strip("/").split("/")) != len(parts):  # a dangling qualifier, a query part
        ok = False
    if ok and len(parts) == 4 and not _gs1_text(parts[3]):  # a lot or serial GS1 allows
        raise UnknownEvent(
            f"/{path[:80]}: a lot or serial is 1 to 20 characters of GS1's character set 82",
            "path", expected="a lot or serial of 1 to 20 characters (A-Z a-z 0-9 and "
            "!\"%&'()*+,-./:;<=>?_)", got=f"{parts[3][:40]!r} ({len(parts[3])} characters)",
        )  # fmt: skip
    if key is None or not ok:
        raise UnknownEvent(
            f"/{path[:80]} is not a GS1 Digital Link this resolver knows",
            "path", expected="01/<GTIN-14>[/10/<lot>|/21/<serial>] or 00/<SSCC>",
            got=f"/{path[:80]}",
        )  # fmt: skip
    return key


def linkset(public_url: str, key: str) -> dict[str, Any]:
    base = public_url.rstrip("/")
    page = {"href": f"{base}/{key}", "title": "Thông tin sản phẩm — Product information",
            "type": "text/html", "hreflang": ["vi", "en"]}  # fmt: skip
    return {
        "linkset": [
            {
                "anchor": f"{base}/{key}",
                GS1 + "defaultLink": [page],
                GS1 + "pip": [page],
                GS1 + "traceability": [
                    {
                        "href": f"{base}/trace/v1/view/{key}",
                        "type": "application/json",
                        "title": "Hành trình sản phẩm — The product's journey",
                    }
                ],
                GS1 + "epcis": [
                    {
                        "href": f"{base}/epcis",
                        "type": "application/ld+json",
                        "title": "EPCIS 2.0 repository",
                    }
                ],
            }
        ]
    }


class ReceiptProver:
    """Each event's proof status, checked here as ``sen verify`` checks it: the event's
    receipt (from this repository and the node) against the chain's ``genesis``. A verified
    answer never changes, so it is remembered; a pending one is asked again next time."""

    def __init__(self, repository: Repository, genesis: Genesis, size: int = 10_000) -> None:
        self.repository = repository
        self.genesis = genesis
        self._known: dict[tuple[int, bytes], dict[str, Any]] = {}
        self._size = size

    def __call__(self, event: StoredEvent) -> dict[str, Any]:
        # by the event's place and its text: a verdict is of that text, never of another the
        # store came to hold there
        remembered = (event.seq, hashlib.sha256(event.body).digest())
        known = self._known.get(remembered)
        if known is not None:
            return known
        try:
            receipt = self.repository.receipt(event)
        except EventNotRecorded as exc:  # changed in the store, or of a refused job
            return {"status": "failed", "check": "capture", "reason": str(exc)}
        except ReceiptNotReady as exc:
            return {"status": "pending", "reason": str(exc)}
        except ChainUnavailable as exc:
            return {"status": "unknown", "reason": str(exc)}
        except UnknownEvent as exc:  # an event of no capture job here: nothing proves it
            return {"status": "failed", "check": "capture", "reason": str(exc)}
        try:
            report = verify_event_receipt(receipt, self.genesis)
        except ReceiptInvalid as exc:
            return {"status": "failed", "check": exc.check, "reason": exc.reason}
        answer = {
            "status": "verified", "chain": report.chain_id, "height": report.height,
            "time": report.time, "checks": [c.name for c in report.checks],
        }  # fmt: skip
        if len(self._known) >= self._size:
            self._known.clear()
        self._known[remembered] = answer
        return answer


def add_resolver(
    app: FastAPI,
    repository: Repository,
    catalog: Catalog,
    *,
    public_url: str,
    page: PagePicker | None = None,
    genesis: Genesis | None = None,
    clock: Callable[[], float] = time.time,
    certificates: CertificateBook | None = None,
    public_queries: bool = False,
) -> None:
    """Add the resolver's routes to ``app`` (the repository's service); with ``genesis``,
    every event the journey shows comes with its proof status, checked here; with
    ``certificates``, the journey shows the certificates of the product, its producer and
    its places, each verified when shown (:mod:`.certificates`). Receipts are public for the
    events a product's journey can show (they name a GTIN or an SSCC), for every event only
    with ``public_queries`` (as the EPCIS query API is)."""
    prove = None if genesis is None else ReceiptProver(repository, genesis)

    def resolve(path: str, request: Request) -> Response:
        key = resolvable_key(path)
        link_type = request.query_params.get("linkType")
        accept = request.headers.get("accept", "")
        links = linkset(public_url, key)
        if link_type == "all" or (LINKSET in accept and link_type is None):
            return JSONResponse(links, media_type=LINKSET, headers=VARY)
        if link_type is not None:
            wanted = link_type.replace("gs1:", GS1)
            found = links["linkset"][0].get(wanted)
            if not found:
                raise UnknownEvent(f"no {link_type} link for {key}", "linkType")
            return RedirectResponse(found[0]["href"], status_code=307)
        if "text/html" in accept and page is not None:
            if request.method == "GET" and "/21/" in key and was_sold(repository, key):
                catalog.scanned(key, int(clock() * 1000))
            return page(request, key)
        return JSONResponse(view(repository, catalog, key, prove, certificates), headers=VARY)

    @app.api_route("/01/{rest:path}", methods=["GET", "HEAD"],
                   summary="GS1 Digital Link: a GTIN, its lot or its serial")  # fmt: skip
    def gtin(rest: str, request: Request) -> Response:
        return resolve("01/" + rest, request)

    @app.api_route("/00/{rest:path}", methods=["GET", "HEAD"],
                   summary="GS1 Digital Link: an SSCC")  # fmt: skip
    def sscc(rest: str, request: Request) -> Response:
        return resolve("00/" + rest, request)

    @app.get("/trace/v1/view/{path:path}", summary="A product's journey, for its consumer page")
    def journey(path: str) -> dict[str, Any]:
        return view(repository, catalog, resolvable_key(path), prove, certificates)

    @app.get("/trace/v1/receipts", summary="An event's receipts, to check offline")
    def receipts(eventID: str) -> list[dict[str, Any]]:
        """Public as the journey is: what the consumer page offers to download."""
        found = repository.events(eventID)
        shown = found if public_queries else [e for e in found if names_a_product(e)]
        if not shown:
            raise UnknownEvent(f"no event {eventID[:200]} on a product's journey here", "eventID")
        return [repository.receipt(e) for e in shown]

    @app.get("/trace/v1/qr/{path:path}", summary="A print-ready QR code of a product's link")
    def qr(path: str) -> Response:
        stem, _, suffix = path.rpartition(".")
        if suffix not in QR_FORMATS:
            raise UnknownEvent(f"a QR code is .svg or .png, not .{suffix[:10]}", "path")
        key = resolvable_key(stem)
        link = f"{public_url.rstrip('/')}/{quote(key, safe='/')}"
        try:
            code = segno.make_qr(link, error="m", boost_error=False)
        except DataOverflowError:  # a serial or lot of thousands of characters
            raise EpcisInvalid(
                [Problem("path", "a link short enough for a QR code", f"{len(link)} characters")]
            ) from None
        buffer = io.BytesIO()
        if suffix == "svg":
            code.save(buffer, kind="svg", scale=8, border=4, title=link)
        else:
            code.save(buffer, kind="png", scale=8, border=4)
        return Response(buffer.getvalue(), media_type=QR_FORMATS[suffix])
