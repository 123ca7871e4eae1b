"""The JSON stream writer behind results.json and delivery.json: a head, then one record a line, strict JSON in full
precision, and a file that appears only once complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from svexcel.run.json_stream import json_line, json_stream


def test_the_document_is_the_head_then_a_record_a_line(tmp_path: Path) -> None:
    with json_stream(tmp_path / "out.json", {"framework": {"name": "CCIN £", "version": "2026.1"}}, "returns") as stream:
        stream.add(json_line({"file": "a.xlsx", "sv": 0.1 + 0.2}))
        stream.add(json_line({"file": "b.xlsx", "sv": None}))
    text = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert text == ('{\n  "framework": {"name": "CCIN £", "version": "2026.1"},\n  "returns": [\n'
                    '    {"file": "a.xlsx", "sv": 0.30000000000000004},\n    {"file": "b.xlsx", "sv": null}\n  ]\n}\n')
    assert json.loads(text)["returns"][0]["sv"] == 0.1 + 0.2


def test_an_empty_list_is_still_json_and_nan_is_refused(tmp_path: Path) -> None:
    with json_stream(tmp_path / "out.json", {}, "contracts"):
        pass
    assert json.loads((tmp_path / "out.json").read_text()) == {"contracts": []}
    with pytest.raises(ValueError):
        json_line({"points": float("nan")})


def test_an_interrupted_stream_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), json_stream(tmp_path / "out.json", {}, "returns") as stream:
        stream.add(json_line({"file": "a.xlsx"}))
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
