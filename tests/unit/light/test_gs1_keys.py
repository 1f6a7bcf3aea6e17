"""GS1 keys read from EPC URIs and Digital Link URIs, and what an event speaks for."""

from __future__ import annotations

import pytest

from sen.light.gs1_keys import canonical_key, check_digit, claimed_keys, holder_prefix, key_digits

ITEM = "urn:epc:id:sgtin:8935678.101234.1"
PALLET = "urn:epc:id:sscc:893999.30000000017"


@pytest.mark.parametrize(
    ("identifier", "digits"),
    [
        # One GTIN (1 8935678 01234 4) as an SGTIN, an LGTIN class and a pattern: the
        # indicator digit 1 leads the item reference in URNs and the GTIN in links.
        ("urn:epc:id:sgtin:8935678.101234.7001", "893567801234"),
        ("urn:epc:class:lgtin:8935678.101234.LOT-2026-06", "893567801234"),
        ("urn:epc:idpat:sgtin:8935678.101234.*", "893567801234"),
        ("https://id.gs1.org/01/18935678012347/21/7001", "893567801234"),
        ("https://id.gs1.org/01/18935678012347/10/LOT-2026-06", "893567801234"),
        ("https://brand.example.vn/p/01/18935678012347", "893567801234"),
        ("https://id.gs1.org/01/8935678012344", "893567801234"),  # a GTIN-13, padded
        # An SSCC: extension digit 3, then prefix and serial reference, then check digit.
        (PALLET, "8939990000000017"),
        ("https://id.gs1.org/00/389399900000000173", "8939990000000017"),
        # A GLN with an extension, a party GLN.
        ("urn:epc:id:sgln:8935678.00001.0", "893567800001"),
        ("https://id.gs1.org/414/8935678000014/254/7", "893567800001"),
        ("urn:epc:id:pgln:8935678.00001", "893567800001"),
        ("urn:epc:id:grai:893999.12345.77", "89399912345"),
        ("urn:epc:id:giai:893999.TRUCK42", "893999"),
        ("https://id.gs1.org/8004/893999TRUCK42", "893999"),
    ],
)
def test_the_key_digits_start_with_the_company_prefix(identifier: str, digits: str) -> None:
    assert key_digits(identifier) == digits


@pytest.mark.parametrize(
    "identifier",
    [
        "urn:epc:id:gid:95100000.12345.400",  # not a GS1 company prefix
        "urn:example:lot:42",
        "https://example.com/products/42",
        "https://id.gs1.org/01/123",  # not a GTIN
        "https://id.gs1.org/01/1893567801234X",
        "urn:epc:id:sgtin:89.1.2",  # prefix too short
        "",
    ],
)
def test_identifiers_without_a_gs1_key_have_no_digits(identifier: str) -> None:
    assert key_digits(identifier) is None


def test_an_event_speaks_for_its_places_and_the_identities_it_creates() -> None:
    harvest = {
        "type": "ObjectEvent",
        "action": "ADD",
        "epcList": ["urn:epc:id:sgtin:8935678.101234.7001"],
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:8935678.101234.L1", "quantity": 5}],
        "readPoint": {"id": "urn:epc:id:sgln:8935678.00001.0"},
        "bizLocation": {"id": "urn:example:farm:9"},
    }
    assert [(c.pointer, c.digits) for c in claimed_keys(harvest)] == [
        ("/readPoint/id", "893567800001"),
        ("/epcList/0", "893567801234"),
        ("/quantityList/0/epcClass", "893567801234"),
    ]


@pytest.mark.parametrize(
    ("event", "pointers"),
    [
        # Seeing or shipping anyone's goods claims only the place.
        ({"type": "ObjectEvent", "action": "OBSERVE", "epcList": [ITEM],
          "bizLocation": {"id": "urn:epc:id:sgln:893999.00002.0"}}, ["/bizLocation/id"]),
        # Packing into one's own pallet claims the pallet, not the cartons.
        ({"type": "AggregationEvent", "action": "ADD", "parentID": PALLET,
          "childEPCs": [ITEM]}, ["/parentID"]),
        ({"type": "AggregationEvent", "action": "DELETE", "parentID": PALLET}, []),
        # A transformation makes its outputs.
        ({"type": "TransformationEvent", "inputEPCList": [ITEM],
          "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:893999.100077.D1"}]},
         ["/outputQuantityList/0/epcClass"]),
        ({"type": "TransactionEvent", "action": "ADD", "epcList": [ITEM]}, []),
    ],
)  # fmt: skip
def test_what_each_kind_of_event_claims(event: dict[str, object], pointers: list[str]) -> None:
    assert [c.pointer for c in claimed_keys(event)] == pointers


def test_a_key_belongs_to_the_prefix_it_starts_with() -> None:
    assert holder_prefix("893567801234", ["893999", "8935678"]) == "8935678"
    assert holder_prefix("893567801234", ["893999"]) is None


@pytest.mark.parametrize(
    ("identifier", "path"),
    [
        # GS1's own examples (EPC Tag Data Standard): each URI and its Digital Link agree.
        ("urn:epc:id:sgtin:0614141.107346.2017", "01/10614141073464/21/2017"),
        ("https://id.gs1.org/01/10614141073464/21/2017", "01/10614141073464/21/2017"),
        ("https://brand.example.com/anything/01/10614141073464/21/2017?s=1",
         "01/10614141073464/21/2017"),
        ("urn:epc:class:lgtin:4012345.012345.998877", "01/04012345123456/10/998877"),
        ("urn:epc:idpat:sgtin:4012345.012345.*", "01/04012345123456"),
        ("urn:epc:id:sscc:0614141.1234567890", "00/106141412345678908"),
        ("urn:epc:id:sgln:0614141.00777.0", "414/0614141007776"),
        ("urn:epc:id:sgln:0614141.00888.1234", "414/0614141008889/254/1234"),
        ("urn:epc:id:pgln:0614141.00777", "417/0614141007776"),
        ("urn:epc:id:grai:0614141.12345.400", "8003/00614141123452400"),
        ("urn:epc:id:sgtin:8935678.101234.A%2FB", "01/18935678012347/21/A/B"),
        ("urn:example:lot:42", None),
        ("urn:epc:id:gid:95100000.12345.400", None),
    ],
)  # fmt: skip
def test_every_spelling_of_a_key_has_one_digital_link_path(
    identifier: str, path: str | None
) -> None:
    assert canonical_key(identifier) == path


def test_check_digits_are_gs1_mod_10() -> None:
    assert check_digit("1061414107346") == "4"  # GTIN 10614141073464
    assert check_digit("061414100777") == "6"  # GLN 0614141007776
    assert check_digit("10614141234567890") == "8"  # SSCC 106141412345678908
