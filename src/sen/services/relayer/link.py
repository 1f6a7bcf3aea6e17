"""One link between two chains, and a relayer's pass over it.

A link is two *ends*: a chain, the key that signs the relayer's transactions
there, and that chain's client of the other chain. A pass does, in order:

1. **Watch** (:meth:`Link.watch`): each consensus state a client stored since
   the last pass is compared with the counterparty's own header at that
   height. A difference means the client was shown a conflicting header: the
   header it was updated with and the counterparty's real one are submitted as
   misbehaviour, which freezes it.
2. **Refresh** (:meth:`Link.refresh`): a client whose latest header is older
   than ``trusting_period / refresh_fraction`` is updated to the counterparty's
   latest header, whether or not packets flow, so an idle link stays alive.
3. **Packets**, each way (:meth:`Link.relay`): every packet still committed on
   the sender is looked up on the receiver. Not received and not timed out:
   delivered (``recv_packet``, proved against a header of the sender the
   receiver's client is updated to). Received: its acknowledgement is brought
   back (``acknowledge_packet``). Not received and the receiver's time is past
   the timeout: timed out (``timeout_packet``, proving the receipt absent).

Every header a pass needs is the one that carries the state it proved (header
H+1 carries the state after block H, or header H itself when block H changed
nothing): proofs of several packets are read from one snapshot, so one client
update proves them all. A transaction another relayer made first is refused by
the chain (the receipt exists, the commitment is gone, the client is newer);
the pass counts it as a duplicate and goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sen.ledger.codes import ResultCode
from sen.ledger.crypto import SigningKey
from sen.ledger.ibc import (
    acknowledgement_key,
    packet_commitment,
    packet_commitment_key,
    receipt_key,
)
from sen.ledger.light.commit import verify_commit
from sen.ledger.light.errors import LightError
from sen.ledger.light.header import header_hash
from sen.ledger.light.types import Commit, Header, Timestamp, ValidatorSet
from sen.sdk.errors import Rejected, SenError
from sen.sdk.interchain import (
    ClientInfo,
    Consensus,
    Interchain,
    LightBlock,
    ProvedKeys,
    SentPacket,
    packet_args,
)
from sen.services.relayer.errors import (
    ClientMovedOn,
    ClientUnusable,
    LinkMisconfigured,
    NoHeaderYet,
    UntrustedNode,
)
from sen.services.relayer.metrics import RelayerMetrics

log = logging.getLogger("sen.relayer")

BATCH = 100  # packets proved from one snapshot (and their transactions sent in one request)
HEADER_WAIT = 15.0  # seconds to wait for the header that carries a snapshot
POLL = 0.1
COMMIT_WAIT = 30.0
RETRIES = 3  # a batch proved again when another relayer moved a client past its header
WATCH_PAGE = 200  # consensus states compared per client and pass

DUPLICATE_CODES = frozenset(
    {
        ResultCode.PACKET_ALREADY_RECEIVED,  # delivered already
        ResultCode.UNKNOWN_PACKET,  # settled already (acknowledged or timed out)
        ResultCode.HEADER_NOT_NEWER,  # the client was updated already
    }
)
UNUSABLE_CODES = frozenset({ResultCode.CLIENT_FROZEN, ResultCode.CLIENT_EXPIRED})
# a proof at a height the client skipped, another relayer having updated it meanwhile
RACED_CODES = frozenset({ResultCode.UNKNOWN_CONSENSUS_STATE})

Call = tuple[str, Mapping[str, Any]]  # an interchain action and its arguments


def _ibc(raw: bytes) -> bytes:
    return b"interchain/ibc/" + raw


def _seconds(rfc3339: str) -> float:
    stamp = Timestamp.from_rfc3339(rfc3339)
    return stamp.seconds + stamp.nanos / 1e9


def _batches(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class End:
    """One side of a link: a chain, who signs there, and its client of the other side."""

    name: str
    chain: Interchain
    key: SigningKey
    client_id: str


@dataclass(slots=True)
class PassReport:
    updates: int = 0
    received: int = 0
    acknowledged: int = 0
    timed_out: int = 0
    duplicates: int = 0
    refused: int = 0
    frozen: int = 0  # clients frozen by misbehaviour this pass submitted
    errors: int = 0  # links whose pass failed (the relayer's sum)
    latencies: list[tuple[str, float]] = field(default_factory=list)

    @property
    def did_work(self) -> bool:
        return bool(self.updates or self.received or self.acknowledged or self.timed_out)


class Link:
    """Relays between ``a`` and ``b``; :meth:`run_pass` does one pass (watch, refresh, packets)."""

    def __init__(
        self,
        a: End,
        b: End,
        *,
        metrics: RelayerMetrics | None = None,
        refresh_fraction: int = 3,
        header_wait: float = HEADER_WAIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.a = a
        self.b = b
        self.metrics = metrics if metrics is not None else RelayerMetrics()
        self.refresh_fraction = refresh_fraction
        self.header_wait = header_wait
        self.clock = clock
        self._watched: dict[str, int] = {}  # end name -> highest consensus height checked
        self._checked = False  # the ends' chains and pairing, checked once
        self._sent_times: dict[tuple[str, int], float] = {}
        self._packets: dict[tuple[str, int], SentPacket] = {}

    @property
    def label(self) -> str:
        return f"{self.a.name}/{self.a.client_id}<->{self.b.name}/{self.b.client_id}"

    def ends(self) -> tuple[tuple[End, End], tuple[End, End]]:
        return (self.a, self.b), (self.b, self.a)

    def run_pass(self) -> PassReport:
        report = PassReport()
        self._check_ends()
        self._observe()
        for here, there in self.ends():
            self.watch(here, there, report)
        for here, there in self.ends():
            self.refresh(here, there, report)
        for source, destination in self.ends():
            self.relay(source, destination, report)
        return report

    # -- clients -------------------------------------------------------------------
    def _check_ends(self) -> None:
        """Once: each end's client follows the chain the other end's URL serves, and is
        paired with the other end's client (a wrong URL must not look like misbehaviour)."""
        if self._checked:
            return
        for here, there in self.ends():
            info = here.chain.client(here.client_id)
            served = str(there.chain.sdk.status()["chain_id"])
            if info.chain_id != served:
                raise LinkMisconfigured(
                    f"{here.name}'s client {here.client_id} follows chain {info.chain_id}, but "
                    f"{there.name}'s node ({there.chain.sdk.url}) serves chain "
                    f"{served}: check the url of {there.name} in the relay settings",
                    "url",
                )
            if info.counterparty_client_id != there.client_id:
                paired = info.counterparty_client_id or "no client"
                raise LinkMisconfigured(
                    f"{here.name}'s client {here.client_id} is paired with {paired} on "
                    f"{there.name}, not {there.client_id}: check the link's client ids "
                    "(sen interchain client)",
                    "client",
                )
        self._checked = True

    def _observe(self) -> None:
        """Read both clients (their metrics stay current while the other chain is down);
        the first problem is raised after both were tried."""
        problem: Exception | None = None
        for here, _ in self.ends():
            try:
                self.client(here)
            except (SenError, ClientUnusable) as exc:
                problem = problem or exc
        if problem is not None:
            raise problem

    def client(self, here: End) -> ClientInfo:
        """``here``'s client of the other end; :class:`ClientUnusable` once frozen."""
        info = here.chain.client(here.client_id)
        age = self.clock() - _seconds(info.latest_time)
        self.metrics.client_age.labels(here.name, here.client_id).set(age)
        self.metrics.client_frozen.labels(here.name, here.client_id).set(int(info.frozen))
        if info.frozen:
            raise ClientUnusable(
                f"{here.name}'s client {here.client_id} of {info.chain_id} is frozen at height "
                f"{info.frozen_height} (misbehaviour was proved); only a governance proposal "
                "recover_client can replace it",
                "client_id",
            )
        return info

    def refresh(self, here: End, there: End, report: PassReport) -> None:
        """Update ``here``'s client of ``there`` once its latest header is a fraction of the
        trusting period old, to ``there``'s latest header."""
        info = self.client(here)
        age = self.clock() - _seconds(info.latest_time)
        if age < info.trusting_period / self.refresh_fraction:
            return
        latest = self._latest_block(there)
        if latest is None or latest.height <= info.latest_height:
            log.warning(
                "%s: %s made no block since %s, so %s's client %s cannot be refreshed; a linked "
                "chain must make blocks at least every trusting_period/%d (%d s): set "
                "create_empty_blocks",
                self.label,
                there.name,
                info.latest_time,
                here.name,
                here.client_id,
                self.refresh_fraction,
                info.trusting_period // self.refresh_fraction,
            )
            return
        self.update(here, there, latest, report)

    def _latest_block(self, there: End) -> LightBlock | None:
        height = int(there.chain.sdk.status()["height"])
        for candidate in (height, height - 1):
            if candidate >= 1:
                block = there.chain.light_block(candidate)
                if block is not None:
                    return block
        return None

    def update(self, here: End, there: End, target: LightBlock, report: PassReport) -> None:
        """Update ``here``'s client of ``there`` to ``target`` (skipping when not adjacent)."""
        args = self._update_args(here, there, target)
        if args is not None:
            self._submit(here, [("update_client", args)], report)

    def _update_args(self, here: End, there: End, target: LightBlock) -> dict[str, Any] | None:
        """The ``update_client`` arguments that take ``here``'s client to ``target``; None when
        the client is there already."""
        info = self.client(here)
        if target.height <= info.latest_height:
            return None
        trusted = info.latest_height
        args: dict[str, Any] = {
            "client_id": here.client_id,
            **target.as_args(),
            "trusted_height": trusted,
        }
        if target.height > trusted + 1:
            # the set that signs trusted + 1 is the trusted header's next validators
            signing = there.chain.light_block(trusted + 1)
            if signing is None:
                raise NoHeaderYet(f"{there.name} has no block {trusted + 1} to trust from")
            args["trusted_validators"] = signing.validators
        return args

    def _consensus_calls(self, here: End, there: End, header: LightBlock) -> list[Call]:
        """What makes ``here``'s client of ``there`` hold a consensus state at ``header``'s
        height: an update sent in the same request as the packets it proves (executed first,
        in one block), or nothing when it holds one already."""
        info = self.client(here)
        if info.latest_height < header.height:
            args = self._update_args(here, there, header)
            return [] if args is None else [("update_client", args)]
        if here.chain.has_consensus(here.client_id, header.height):
            return []
        raise ClientMovedOn(
            f"{here.name}'s client moved past height {header.height} without it (another "
            "relayer updated it); proved again at a newer height"
        )

    def header_for(self, there: End, snapshot: ProvedKeys) -> LightBlock:
        """The header of ``there`` that carries ``snapshot``'s app hash: H+1 for the state
        after block H, or H itself when block H changed nothing."""
        deadline = time.monotonic() + self.header_wait
        while True:
            following = there.chain.light_block(snapshot.height + 1)
            if following is not None:
                if following.app_hash == snapshot.app_hash:
                    return following
                raise NoHeaderYet(  # cannot happen on an honest node: header H+1 has it
                    f"{there.name}'s header {snapshot.height + 1} does not carry the state read "
                    "at its height"
                )
            current = there.chain.light_block(snapshot.height) if snapshot.height else None
            if current is not None and current.app_hash == snapshot.app_hash:
                return current
            if time.monotonic() >= deadline:
                raise NoHeaderYet(
                    f"{there.name} made no block after height {snapshot.height} within "
                    f"{self.header_wait:g} s"
                )
            time.sleep(POLL)

    # -- packets -------------------------------------------------------------------
    def relay(self, source: End, destination: End, report: PassReport) -> None:
        """Every packet pending on ``source``: deliver, acknowledge or time it out."""
        pending = source.chain.pending(source.client_id)
        self.metrics.pending.labels(source.name, source.client_id).set(len(pending))
        for chunk in _batches(pending, BATCH):
            for attempt in range(RETRIES):
                try:
                    self._relay_batch(source, destination, chunk, report)
                    break
                except ClientMovedOn:
                    if attempt == RETRIES - 1:
                        raise
                    log.debug("%s: a client moved on; proving the batch again", self.label)

    def _relay_batch(
        self, source: End, destination: End, sequences: Sequence[int], report: PassReport
    ) -> None:
        unknown = [s for s in sequences if (source.name, s) not in self._packets]
        if unknown:  # a sent packet never changes: fetched once, kept until it settles
            for sequence, found in source.chain.sent_packets(source.client_id, unknown).items():
                self._packets[(source.name, sequence)] = found
        sent: dict[int, SentPacket] = {}
        for sequence in sequences:
            packet = self._sent_packet(source, sequence)
            if packet.packet.destination_client != destination.client_id:
                log.warning(
                    "%s: packet %d of %s is for %s, not this link's %s; skipped",
                    self.label,
                    sequence,
                    source.client_id,
                    packet.packet.destination_client,
                    destination.client_id,
                )
                continue
            sent[sequence] = packet
        if not sent:
            return
        receipts = {s: _ibc(receipt_key(destination.client_id, s)) for s in sent}
        acks = {s: _ibc(acknowledgement_key(destination.client_id, s)) for s in sent}
        there = destination.chain.prove([*receipts.values(), *acks.values()])
        there_header = self.header_for(destination, there)
        there_time = _seconds(there_header.time)
        received = [s for s in sent if there.values[receipts[s]] is not None]
        unreceived = [s for s in sent if s not in received]
        expired = [s for s in unreceived if there_time >= sent[s].packet.timeout_timestamp]
        deliverable = [s for s in unreceived if s not in expired]
        if deliverable:
            self._deliver(source, destination, {s: sent[s] for s in deliverable}, report)
        if not (received or expired):
            return
        prepare = self._consensus_calls(source, destination, there_header)
        written = destination.chain.acknowledgements_of(destination.client_id, received)
        received = [s for s in received if s in written]  # else: not yet indexed; next pass
        acknowledge = [
            {
                "packet": packet_args(sent[s].packet),
                "acknowledgements": written[s],
                "proof": there.proofs[acks[s]],
                "proof_height": there_header.height,
                "receipt_proof": there.proofs[receipts[s]],
            }
            for s in received
        ]
        timeouts = [
            {
                "packet": packet_args(sent[s].packet),
                "proof": there.proofs[receipts[s]],
                "proof_height": there_header.height,
            }
            for s in expired
        ]
        settling = [("acknowledge_packet", a) for a in acknowledge] + [
            ("timeout_packet", t) for t in timeouts
        ]
        if not settling:
            return
        outcomes = self._submit(source, [*prepare, *settling], report)[len(prepare) :]
        done = [(s, "ack") for s in received] + [(s, "timeout") for s in expired]
        for (sequence, kind), outcome in zip(done, outcomes, strict=True):
            if outcome in ("ok", "duplicate", "INVALID_PROOF"):  # settled, or read again
                self._packets.pop((source.name, sequence), None)
            if outcome != "ok":
                continue
            if kind == "ack":
                report.acknowledged += 1
            else:
                report.timed_out += 1
            latency = self.clock() - self._send_time(source, sent[sequence])
            self.metrics.latency.labels(kind).observe(max(0.0, latency))
            report.latencies.append((kind, latency))

    def _deliver(
        self, source: End, destination: End, sent: Mapping[int, SentPacket], report: PassReport
    ) -> None:
        keys = {s: _ibc(packet_commitment_key(source.client_id, s)) for s in sent}
        here = source.chain.prove(list(keys.values()))
        live = [s for s in sent if here.values[keys[s]] is not None]  # else settled meanwhile
        for sequence in list(live):  # the packet as read must be the one committed
            if here.values[keys[sequence]] != packet_commitment(sent[sequence].packet):
                log.warning(
                    "%s: %s served packet %d unlike its commitment; read again next pass",
                    self.label,
                    source.name,
                    sequence,
                )
                self._packets.pop((source.name, sequence), None)
                live.remove(sequence)
        if not live:
            return
        header = self.header_for(source, here)
        prepare = self._consensus_calls(destination, source, header)
        calls: list[Call] = [
            (
                "recv_packet",
                {
                    "packet": packet_args(sent[s].packet),
                    "proof": here.proofs[keys[s]],
                    "proof_height": header.height,
                },
            )
            for s in live
        ]
        outcomes = self._submit(destination, [*prepare, *calls], report)[len(prepare) :]
        report.received += sum(1 for o in outcomes if o == "ok")
        for sequence, outcome in zip(live, outcomes, strict=True):
            if outcome == "INVALID_PROOF":  # what was read may be wrong: read it again
                self._packets.pop((source.name, sequence), None)

    def _sent_packet(self, source: End, sequence: int) -> SentPacket:
        """A packet as sent (kept: a sent packet never changes; forgotten once settled)."""
        key = (source.name, sequence)
        found = self._packets.get(key)
        if found is None:
            found = self._packets[key] = source.chain.sent_packet(source.client_id, sequence)
        return found

    def _send_time(self, source: End, sent: SentPacket) -> float:
        key = (source.name, sent.height)
        if key not in self._sent_times:
            block = source.chain.light_block(sent.height)
            if len(self._sent_times) > 4096:  # heights long settled: start again
                self._sent_times.clear()
            self._sent_times[key] = self.clock() if block is None else _seconds(block.time)
        return self._sent_times[key]

    # -- submitting ----------------------------------------------------------------
    def _submit(self, here: End, calls: Sequence[Call], report: PassReport) -> list[str]:
        """Submit every call (in order, one request), then wait for each; its outcome: ``ok``,
        ``duplicate`` (done by another relayer), ``raced`` (another relayer moved the client:
        tried again next pass) or the refusal's code name. A frozen or expired client raises
        :class:`ClientUnusable`."""
        sdk = here.chain.sdk
        submitted: list[str | None] = []
        outcomes: list[str] = []
        try:  # one request for them all; if any is refused at once, one by one
            submitted.extend(
                sdk.send_many(here.key, [("interchain", action, a) for action, a in calls])
            )
            outcomes.extend("" for _ in calls)
        except Rejected:
            for action, args in calls:
                try:
                    info = sdk.send(here.key, "interchain", action, args, wait=False)
                    submitted.append(info.hash)
                    outcomes.append("")
                except Rejected as exc:
                    submitted.append(None)
                    outcomes.append(self._refused(here, action, exc.code, exc.describe()))
        committed: dict[str, tuple[int, str]] = {}  # tx hash -> (code, log)
        for n, tx_hash in enumerate(submitted):
            if tx_hash is None:
                continue
            if tx_hash not in committed:  # wait for it, then read its whole block at once
                info = sdk.wait(tx_hash, timeout=COMMIT_WAIT)
                if info.height is not None:
                    block = sdk.block(info.height)
                    for made, result in zip(block["txs"], block["results"], strict=True):
                        committed.setdefault(str(made), (int(result["code"]), str(result["log"])))
                if tx_hash not in committed:
                    result = info.result
                    committed[tx_hash] = (0, "") if result is None else (result.code, result.log)
            code, why = committed[tx_hash]
            action = calls[n][0]
            outcomes[n] = "ok" if code == 0 else self._refused(here, action, code, why)
        for (action, _), outcome in zip(calls, outcomes, strict=True):
            self.metrics.transactions.labels(here.name, action, outcome).inc()
            if outcome == "duplicate":
                report.duplicates += 1
            elif outcome == "ok" and action == "update_client":
                report.updates += 1
            elif outcome not in ("ok", "raced"):
                report.refused += 1
        return outcomes

    def _refused(self, here: End, action: str, code: int, why: str) -> str:
        try:
            name = ResultCode(code).name
        except ValueError:
            name = f"CODE_{code}"
        if code in DUPLICATE_CODES:
            log.debug("%s: %s on %s was done already: %s", self.label, action, here.name, why)
            return "duplicate"
        if code in RACED_CODES:
            log.debug("%s: %s on %s raced another relayer: %s", self.label, action, here.name, why)
            return "raced"
        if code in UNUSABLE_CODES:
            raise ClientUnusable(
                f"{here.name} refused {action} with {name}: {why}; a frozen or expired client "
                "is replaced only by a governance proposal recover_client",
                "client_id",
            )
        log.warning("%s: %s refused %s with %s: %s", self.label, here.name, action, name, why)
        return name

    # -- misbehaviour ----------------------------------------------------------------
    def watch(self, here: End, there: End, report: PassReport) -> None:
        """Compare the consensus states ``here``'s client stored since the last pass with
        ``there``'s own headers, each verified here first; on a difference, submit the header
        the client was shown and the real one as misbehaviour, which freezes the client."""
        mark = f"{here.name}/{here.client_id}"
        info = self.client(here)
        checked = max(self._watched.get(mark, 0), info.usable_from - 1)  # below: void anyway
        for height in here.chain.consensus_heights(here.client_id, after=checked, limit=WATCH_PAGE):
            if height <= checked:
                raise UntrustedNode(f"{here.name} listed consensus height {height} out of order")
            stored = here.chain.consensus(here.client_id, height)
            real = there.chain.light_block(height)
            if stored is None or real is None:
                return  # not made yet there (or pruned): looked at again next pass
            _require_signed(there, info.chain_id, height, real)
            if not _same(stored, real):
                self._submit_misbehaviour(here, there, stored, real, report)
            self._watched[mark] = checked = height

    def _submit_misbehaviour(
        self, here: End, there: End, stored: Consensus, real: LightBlock, report: PassReport
    ) -> None:
        shown = here.chain.client_update(here.client_id, stored.height)
        if shown is None:  # the height it was created at: no update to hold against it
            raise UntrustedNode(
                f"{there.name}'s node ({there.chain.sdk.url}) serves a block {stored.height} "
                f"unlike the header {here.name}'s client {here.client_id} was created from. "
                "If the node is honest, the client was created from a header the chain never "
                "made and must be replaced by governance (recover_client); else the node lies",
                "url",
            )
        trusted = int(shown["trusted_height"])
        second: dict[str, Any] = {**real.as_args(), "trusted_height": trusted}
        if real.height > trusted + 1:
            signing = there.chain.light_block(trusted + 1)
            if signing is None:
                raise NoHeaderYet(f"{there.name} has no block {trusted + 1} to trust from")
            second["trusted_validators"] = signing.validators
        log.error(
            "%s: %s's client %s was shown a header at height %d that %s's own block differs "
            "from; submitting misbehaviour",
            self.label,
            here.name,
            here.client_id,
            stored.height,
            there.name,
        )
        args = {"client_id": here.client_id, "first": shown, "second": second}
        outcome = self._submit(here, [("submit_misbehaviour", args)], report)[0]
        if outcome != "ok":  # the chain judged the evidence: the node lied, not the client
            raise UntrustedNode(
                f"{here.name} refused the misbehaviour built from {there.name}'s block "
                f"{stored.height} ({outcome}): that node may be faulty or lying",
                "url",
            )
        report.frozen += 1
        raise ClientUnusable(
            f"{here.name}'s client {here.client_id} of {there.name} was shown a conflicting "
            f"header at height {stored.height}; misbehaviour proved, the client is frozen and "
            "only a governance proposal recover_client can replace it",
            "client_id",
        )


def _require_signed(there: End, chain_id: str, height: int, block: LightBlock) -> None:
    """``block`` is a header of ``chain_id`` at ``height`` that its own validator set signed
    (more than 2/3); a node serving anything else is not believed."""
    try:
        header = Header.from_json(block.header)
        commit = Commit.from_json(block.commit)
        validators = ValidatorSet.from_json(block.validators)
        if header.height != height or header.chain_id != chain_id:
            raise LightError(
                f"asked for {chain_id} at {height}, got {header.chain_id} at {header.height}"
            )
        if validators.hash() != header.validators_hash:
            raise LightError("the validators do not hash to the header's validators_hash")
        if commit.block_id.hash != header_hash(header):
            raise LightError("the commit is not for this header")
        verify_commit(chain_id, validators, commit.block_id, height, commit)
    except (LightError, ValueError, TypeError, KeyError) as exc:
        raise UntrustedNode(
            f"{there.name}'s node served a header at height {height} that does not verify: {exc}",
            "url",
        ) from None


def _same(stored: Consensus, real: LightBlock) -> bool:
    return (
        stored.root == real.app_hash
        and stored.next_validators_hash == real.next_validators_hash
        and Timestamp.from_rfc3339(stored.time) == Timestamp.from_rfc3339(real.time)
    )
