"""The access log anchored by the vault itself: at each new block (or after a few idle
seconds on a chain that makes no empty blocks), the reads logged since the last batch are
sealed into a batch whose Merkle root is anchored on chain with
``evidence.anchor`` (reference ``vault-access-log/<n>``), then marked anchored, so a data
subject's "who read my data" answer carries proofs without staff sealing by hand
(``sen vault serve --anchor-key``; ``docs/spec/privacy.md`` §6).

A batch sealed but not marked anchored (the node was down, or the process died between the
two) is anchored first on the next round; if its root is already on chain under this
reference and key (the anchor committed, the mark did not), that anchoring is taken
instead of anchoring it twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sen.ledger.crypto import SigningKey, address_of
from sen.ledger.errors import LedgerError
from sen.ledger.modules.trust.parsing import require_controller
from sen.sdk.client import Client
from sen.sdk.errors import SenError
from sen.sdk.privacy import ChainState, ChainStateError
from sen.services.vault.store import AccessBatch
from sen.services.vault.vault import Vault

log = logging.getLogger("sen.vault.anchoring")


class AnchorKeyRefused(ValueError):
    """The anchoring key does not control the vault's controller DID (on the chain now)."""


REFERENCE_PREFIX = "vault-access-log/"


def batch_reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number}"


class AccessLogAnchorer:
    """Seals and anchors ``vault``'s access log, one batch per new block, with ``key``."""

    def __init__(
        self,
        vault: Vault,
        client: Callable[[], Client],
        key: SigningKey,
        *,
        poll: float = 0.5,
        idle: float = 5.0,
    ) -> None:
        """A round runs at each new block, and every ``idle`` seconds when no block comes
        (a chain that makes no empty blocks: the anchoring's own block ends the wait)."""
        self.vault = vault
        self._client = client
        self._key = key
        self._address = address_of(key.suite, key.public_key)
        self._sender = self._address.hex()
        self._checked = False
        self._poll = poll
        self._idle = idle
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_height = -1

    def check(self, node: Client) -> None:
        """The key controls the vault's controller DID (read with state proofs), or
        :class:`AnchorKeyRefused`: an auditor must be able to attribute every anchoring."""
        try:
            require_controller(ChainState(node), self.vault.controller, self._address, "key")
        except (LedgerError, ChainStateError) as exc:
            raise AnchorKeyRefused(
                f"the anchoring key {self._sender} does not control {self.vault.controller!r}: "
                f"{exc}"
            ) from None
        self._checked = True

    def _anchor(self, node: Client, batch: AccessBatch) -> int:
        reference = batch_reference(batch.number)
        for found in node.lookup(batch.root).anchorings:
            if found.reference == reference and found.sender == self._sender:
                return found.height  # anchored before the mark was written
        info = node.send(self._key, "evidence", "anchor", {"digest": batch.root,
                                                           "reference": reference})  # fmt: skip
        return info.height or 0

    def run_once(self) -> list[AccessBatch]:
        """Anchor the batches waiting for it and the reads logged since the last batch; the
        batches anchored this round."""
        done = []
        with self._client() as node:
            if not self._checked:
                self.check(node)
            waiting = self.vault.store.unanchored_batches()
            sealed = self.vault.seal_access_batch()
            if sealed is not None:
                waiting.append(sealed)
            for batch in waiting:
                height = self._anchor(node, batch)
                self.vault.mark_anchored(batch.number, height)
                done.append(AccessBatch(batch.number, batch.root, batch.first, batch.last,
                                        height))  # fmt: skip
        return done

    def _new_block(self) -> bool:
        with self._client() as node:
            height = int(node.status().get("height") or 0)
        if height == self._last_height:
            return False
        self._last_height = height
        return True

    def _loop(self) -> None:
        last_round = time.monotonic()
        while not self._stop.is_set():
            try:
                if self._new_block() or time.monotonic() - last_round >= self._idle:
                    last_round = time.monotonic()
                    for batch in self.run_once():
                        log.info("access-log batch %d anchored at block %s", batch.number,
                                 batch.anchored_height)  # fmt: skip
            except (SenError, OSError, AnchorKeyRefused) as exc:  # try again next round
                log.warning("access-log anchoring: %s", exc)
            self._stop.wait(self._poll)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="vault-access-log-anchoring", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
