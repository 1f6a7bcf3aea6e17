"""Transaction arguments written as JSON: hex:/b64: strings become bytes; floats are refused."""

from __future__ import annotations

from typing import Any

import pytest

from sen.sdk import InvalidInput, parse_args


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{}", {}),
        ('{"digest": "hex:00ff"}', {"digest": b"\x00\xff"}),
        ('{"digest": "b64:AP8="}', {"digest": b"\x00\xff"}),
        ('{"title": "Bằng tốt nghiệp"}', {"title": "Bằng tốt nghiệp"}),
        ('{"title": "text:hex:00"}', {"title": "hex:00"}),
        ('{"digests": ["hex:01", "hex:02"]}', {"digests": [b"\x01", b"\x02"]}),
        ('{"n": 5, "ok": true, "none": null}', {"n": 5, "ok": True, "none": None}),
        ('{"nested": {"k": "hex:"}}', {"nested": {"k": b""}}),
    ],
)
def test_parses(text: str, expected: dict[str, Any]) -> None:
    assert parse_args(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[1]", "must be a JSON object, got list"),
        ('{"x": 1.5}', "1.5 is not an integer"),
        ('{"x": 1e3}', "1e3 is not an integer"),
        ('{"x": NaN}', "NaN is not an integer"),
        ('{"digest": "hex:zz"}', r"args.digest: 'hex:zz' is not valid hex"),
        ('{"d": ["b64:!!"]}', r"args.d\[0\]: 'b64:!!' is not valid base64"),
    ],
)
def test_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_args(text)
