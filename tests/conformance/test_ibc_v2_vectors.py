"""IBC v2 byte formats against the vectors ibc-go documents "so that other implementations can
replicate the same output" (cosmos/ibc-go ee35255c8f, modules/core/04-channel/v2/types/
commitment_test.go and modules/core/24-host/v2/packet_key_test.go; the values are copied, the
code is Sen's own, sen.ledger.ibc)."""

from __future__ import annotations

import pytest

from sen.ledger.ibc import (
    ERROR_ACKNOWLEDGEMENT,
    MAX_PAYLOADS_BYTES,
    Packet,
    Payload,
    ack_commitment,
    acknowledgement_key,
    packet_commitment,
    packet_commitment_key,
    packet_problem,
    receipt_key,
)

# ICS-20's JSON packet data as Go's encoding/json writes the struct of ibc-go's test
TRANSFER_JSON = (
    b'{"denom":"uatom","amount":"1000000","sender":"sender","receiver":"receiver","memo":"memo"}'
)


def transfer_packet(**changes: object) -> Packet:
    payload = Payload("transfer", "transfer", "ics20-1", "application/json", TRANSFER_JSON)
    fields: dict[str, object] = {
        "sequence": 1,
        "source_client": "07-tendermint-0",
        "destination_client": "07-tendermint-1",
        "timeout_timestamp": 100,
        "payloads": (payload,),
        **changes,
    }
    return Packet(**fields)  # type: ignore[arg-type]


def test_packet_commitment_of_ibc_go() -> None:
    commitment = packet_commitment(transfer_packet())
    assert commitment.hex() == "a096722aa6534040a0efbdae05765132a7b223ad306d6512f3734821bd046505"


def test_acknowledgement_commitments_of_ibc_go() -> None:
    assert ack_commitment([b"some bytes"]).hex() == (
        "f03b4667413e56aaf086663267913e525c442b56fa1af4fa3f3dab9f37044c5b"
    )
    assert ack_commitment([ERROR_ACKNOWLEDGEMENT]).hex() == (
        "e2fb30dfbf7abdeaca82d426534d2b3a9d5444dd2a87fa16d38b77ba1a13ced7"
    )


def test_host_keys_of_ibc_go() -> None:
    assert packet_commitment_key("channel-0", 1).hex() == "6368616e6e656c2d30010000000000000001"
    assert receipt_key("channel-0", 1).hex() == "6368616e6e656c2d30020000000000000001"
    assert acknowledgement_key("channel-0", 1).hex() == "6368616e6e656c2d30030000000000000001"
    with pytest.raises(ValueError):
        packet_commitment_key("channel-0", 2**64)


def test_every_field_is_committed_to() -> None:
    """Changing any committed field changes the commitment (the source client and sequence
    are not in it: they are in the key it is stored under)."""
    base = packet_commitment(transfer_packet())
    payload = transfer_packet().payloads[0]
    changed = [
        transfer_packet(destination_client="07-tendermint-2"),
        transfer_packet(timeout_timestamp=101),
        transfer_packet(payloads=(payload, payload)),
        *(
            transfer_packet(payloads=(Payload(**{**_fields(payload), name: value}),))
            for name, value in (
                ("source_port", "transfex"),
                ("destination_port", "transfex"),
                ("version", "ics20-2"),
                ("encoding", "application/x-protobuf"),
                ("value", TRANSFER_JSON + b" "),
            )
        ),
    ]
    assert len({packet_commitment(p) for p in changed} | {base}) == len(changed) + 1
    assert packet_commitment(transfer_packet(sequence=9, source_client="08-wasm-0")) == base


def _fields(payload: Payload) -> dict[str, object]:
    return {
        "source_port": payload.source_port,
        "destination_port": payload.destination_port,
        "version": payload.version,
        "encoding": payload.encoding,
        "value": payload.value,
    }


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"payloads": ()}, "at least one payload"),
        ({"payloads": (Payload("", "transfer", "v", "e", b"x"),)}, "source port"),
        ({"payloads": (Payload("transfer", "t", "v", "e", b"x"),)}, "destination port"),
        ({"payloads": (Payload("transfer", "transfer", " ", "e", b"x"),)}, "version"),
        ({"payloads": (Payload("transfer", "transfer", "v", "", b"x"),)}, "encoding"),
        ({"payloads": (Payload("transfer", "transfer", "v", "e", b""),)}, "value"),
        (
            {
                "payloads": (
                    Payload("transfer", "transfer", "v", "e", bytes(MAX_PAYLOADS_BYTES + 1)),
                )
            },
            "over 262144",
        ),
        ({"source_client": ""}, "source client"),
        ({"destination_client": "07 tendermint"}, "destination client"),
        ({"sequence": 0}, "sequence"),
        ({"timeout_timestamp": 0}, "timeout"),
    ],
)
def test_packets_are_checked_as_ibc_v2_validate_basic(
    changes: dict[str, object], problem: str | None
) -> None:
    found = packet_problem(transfer_packet(**changes))
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_payloads_up_to_the_limit_are_valid() -> None:
    big = Payload("transfer", "transfer", "v", "e", bytes(MAX_PAYLOADS_BYTES - 1))
    assert packet_problem(transfer_packet(payloads=(big,))) is None
