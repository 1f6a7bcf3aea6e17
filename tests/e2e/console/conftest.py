"""Fixtures for the console's browser tests: a real node, real anchors, a real Chromium.

``console``: a node started with ``sen node run`` on a free loopback port (its
``[operator]`` declared in sen.toml), with documents anchored through the SDK
over HTTP: one diploma alone, a class of three in a batch, each with its
organisation. ``browser``: Debian's Chromium driven by Playwright (installed
by ``scripts/install-browser.sh``, which ``make test`` runs). A missing browser
or axe-core fails the tests with the exact reason; they are never skipped.
``page``: a fresh Vietnamese-language context per test, failing the test on
any uncaught page error or any request that leaves the node's origin.

``diploma_node``: a third node, the education consortium of the diploma
walk-through (``tests/e2e/diploma/diploma_chain.py``: a ``[vc]`` service in
sen.toml, DIDs made, the university accredited), whose VC-API issues the
diplomas the credential tab checks; ``diploma_page`` is ``page`` for it.

``contracts_node``: a node that runs Python contracts (``init_home(..., contracts=True)``),
with the example registry and workflow contracts deployed and called through the SDK (see
``contracts_chain``); ``contracts_page`` is ``page`` for it.

``privacy_node``: a node on which a hospital, a patient and an auditor leave personal-data
records over days (see ``personal_data_chain``: the guide's health-records exchange, then more
consents, requests, breaches and dossiers; restarted with its clock moved on so that 72-hour
clocks run out), with the patient's "who read my data" answer from a vault service;
``privacy_page`` is ``page`` for it.

``mango``: a development chain granting a Sơn La mango cooperative its GS1 Company Prefix,
and the cooperative's EPCIS repository (``sen trace serve``) with a mango's journey captured
and the farm's VietGAP certificate attached, its certifier accredited on chain (see
``mango_chain``); ``mango_page`` is ``page`` for the repository, whose consumer page a
product's QR code opens.

``consortium``: a second node whose genesis is a permissioned consortium
(organisations, members with roles, made with the development CA) on which
governance runs through the SDK (see ``consortium_chain``); ``consortium_page``
is ``page`` for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "diploma"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # node_process, for mango_chain too
import diploma_chain  # shared with tests/e2e/diploma
from console_support import (
    AXE,
    BATCH_ORGANISATION,
    CHROMIUM_ARGS,
    INSTALL_HINT,
    OPERATOR,
    ORGANISATION,
    SEN,
    Console,
    chromium_path,
    free_port,
)
from consortium_chain import Consortium, govern, write_home
from contracts_chain import ContractsChain, deploy
from contracts_chain import write_home as write_contracts_home
from mango_chain import (
    MangoRepository,
    attach,
    capture_journey,
    farm_vietgap,
    found_certifier,
    found_cooperative,
    serving_repository,
)
from mango_chain import init_home as init_mango_home
from node_process import running_node
from personal_data_chain import (
    SHIFT,
    SHIFT_ENV,
    SHIFTED_CLOCK,
    HealthRecords,
    days_later,
    first_days,
)
from personal_data_chain import write_home as write_privacy_home

from sen.sdk import generate_key


@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    root = tmp_path_factory.mktemp("console")
    home = root / "home"
    env = {**os.environ, "SEN_HOME": str(home), "SEN_LOG_LEVEL": "WARNING"}
    port = free_port()
    init = subprocess.run(
        [
            str(SEN),
            "node",
            "init",
            "--chain-id",
            "sen-console",
            "--api-port",
            str(port),
            "--block-interval",
            "0.1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    settings = home / "config" / "sen.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + f'\n[operator]\nname = "{OPERATOR[0]}"\nlocation = "{OPERATOR[1]}"\n',
        encoding="utf-8",
    )
    with running_node(home, port, root / "node.log") as url:
        yield _anchor_documents(url, home, root / "files")


@pytest.fixture(scope="package")
def consortium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Consortium]:
    root = tmp_path_factory.mktemp("consortium")
    port = free_port()
    plan = write_home(root / "home", root / "cas", port)
    with running_node(root / "home", port, root / "node.log") as url:
        yield govern(url, root / "home", plan)


@pytest.fixture(scope="package")
def contracts_node(
    tmp_path_factory: pytest.TempPathFactory, registry_component: bytes
) -> Iterator[ContractsChain]:
    root = tmp_path_factory.mktemp("contracts")
    port = free_port()
    write_contracts_home(root / "home", port)
    with running_node(root / "home", port, root / "node.log") as url:
        yield deploy(url, registry_component)


@pytest.fixture(scope="package")
def privacy_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HealthRecords]:
    root = tmp_path_factory.mktemp("privacy")
    port = free_port()
    write_privacy_home(root / "home", port)
    with running_node(root / "home", port, root / "node.log") as url:
        chain = first_days(url, root / "vaults")
    paths = [str(SHIFTED_CLOCK), *filter(None, [os.environ.get("PYTHONPATH")])]
    later = {"PYTHONPATH": os.pathsep.join(paths), SHIFT_ENV: str(SHIFT)}
    with running_node(root / "home", port, root / "node-later.log", later):
        yield days_later(chain, root / "vaults")


@pytest.fixture(scope="package")
def diploma_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[diploma_chain.Chain]:
    root = tmp_path_factory.mktemp("diploma")
    port = free_port()
    plan = diploma_chain.write_home(root, port)
    passphrase = {"SEN_ISSUER_PASSPHRASE": diploma_chain.PASSPHRASE}
    with running_node(plan.home, port, root / "node.log", passphrase) as url:
        chain = diploma_chain.Chain(plan, url)
        diploma_chain.found_registry(chain)
        yield chain


@pytest.fixture(scope="package")
def mango(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MangoRepository]:
    root = tmp_path_factory.mktemp("mango")
    port = free_port()
    home = init_mango_home(root, port)
    with running_node(home, port, root / "node.log") as url:
        cooperative = found_cooperative(root, url)
        certifier = found_certifier(root, url)
        with serving_repository(root, url, home) as repository:
            capture_journey(root, repository, cooperative)
            attach(repository, farm_vietgap(certifier))
            yield repository


def _anchor_documents(url: str, home: Path, files: Path) -> Console:
    files.mkdir()
    diploma = files / "bang-tot-nghiep.pdf"
    diploma.write_bytes(b"%PDF-1.7\n" + "Bằng tốt nghiệp — Nguyễn Thị Hoà\n".encode() * 50)
    batch = []
    for number in range(3):
        path = files / f"hoc-ba-{number}.pdf"
        path.write_bytes(f"Học bạ số {number}: Trần Văn Đức\n".encode() * 40)
        batch.append(path)
    key = generate_key()
    console = Console(url=url, home=home, files=files, key=key, diploma=diploma, batch=batch)
    with console.client() as client:
        anchored = client.anchor(
            key, diploma, title="Bằng cử nhân", organisation=ORGANISATION, reference="BK-2026-001"
        )
        console.diploma_tx = anchored.tx_hash
        console.diploma_height = anchored.tx.height or 0
        batched = client.anchor_batch(
            key, batch, title="Học bạ", organisation=BATCH_ORGANISATION, reference="HB-2026"
        )
        console.batch_tx = batched[0].tx_hash
        # the receipts are provable once the next block is made
        client.receipt(console.digest(diploma), wait=True, timeout=30)
        client.receipt(console.digest(batch[0]), wait=True, timeout=30)
    return console


@pytest.fixture(scope="package")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed at {AXE}: {INSTALL_HINT}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright for Python is not installed ({exc}): pip install -e '.[dev]'")
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a loaded CI machine is slower than 5 s at times
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:
            pytest.fail(f"Chromium at {executable} did not start: {exc}")
        yield launched
        launched.close()


@dataclass
class PageWatch:
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@contextmanager
def _browser_context(browser: Any, url: str, axe_source: str) -> Iterator[Any]:
    opened = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
        base_url=url,
    )
    opened.add_init_script(script=axe_source)  # CDP injection: the page's CSP still applies
    opened.set_default_timeout(15_000)
    yield opened
    opened.close()


@contextmanager
def _watched_page(context: Any, url: str, watch: PageWatch) -> Iterator[Any]:
    opened = context.new_page()
    opened.on("pageerror", lambda error: watch.errors.append(str(error)))

    def check_origin(request: Any) -> None:
        if not request.url.startswith((url, "blob:", "data:")):
            watch.foreign.append(request.url)

    opened.on("request", check_origin)
    yield opened
    assert watch.errors == [], f"uncaught errors in the page: {watch.errors}"
    assert watch.foreign == [], f"requests outside the node: {watch.foreign}"


@pytest.fixture
def context(browser: Any, console: Console, axe_source: str) -> Iterator[Any]:
    with _browser_context(browser, console.url, axe_source) as opened:
        yield opened


@pytest.fixture
def page(context: Any, console: Console, watch: PageWatch) -> Iterator[Any]:
    with _watched_page(context, console.url, watch) as opened:
        yield opened


@pytest.fixture
def consortium_page(
    browser: Any, consortium: Consortium, axe_source: str, watch: PageWatch
) -> Iterator[Any]:
    with (
        _browser_context(browser, consortium.url, axe_source) as opened,
        _watched_page(opened, consortium.url, watch) as consortium_tab,
    ):
        yield consortium_tab


@pytest.fixture
def diploma_page(
    browser: Any, diploma_node: diploma_chain.Chain, axe_source: str, watch: PageWatch
) -> Iterator[Any]:
    with (
        _browser_context(browser, diploma_node.url, axe_source) as opened,
        _watched_page(opened, diploma_node.url, watch) as diploma_tab,
    ):
        yield diploma_tab


@pytest.fixture
def contracts_page(
    browser: Any, contracts_node: ContractsChain, axe_source: str, watch: PageWatch
) -> Iterator[Any]:
    with (
        _browser_context(browser, contracts_node.url, axe_source) as opened,
        _watched_page(opened, contracts_node.url, watch) as contracts_tab,
    ):
        yield contracts_tab


@pytest.fixture
def privacy_page(
    browser: Any, privacy_node: HealthRecords, axe_source: str, watch: PageWatch
) -> Iterator[Any]:
    with (
        _browser_context(browser, privacy_node.url, axe_source) as opened,
        _watched_page(opened, privacy_node.url, watch) as privacy_tab,
    ):
        yield privacy_tab


@pytest.fixture
def mango_page(
    browser: Any, mango: MangoRepository, axe_source: str, watch: PageWatch
) -> Iterator[Any]:
    with (
        _browser_context(browser, mango.url, axe_source) as opened,
        _watched_page(opened, mango.url, watch) as mango_tab,
    ):
        yield mango_tab
