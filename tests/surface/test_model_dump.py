"""`model_dump()` / `model_dump_json()`: pydantic's reading verbs, as thin aliases of `to_dict` / `to_json`."""

from __future__ import annotations

import json

import pytest

from typing import Any, Dict

from wootiv.types import Model, TokenCreateResponse

from .conftest import Answer, sync_client

REQUIRED = {"id": "t1", "audit": {}, "name": "ci", "sensitiveKey": "s", "workspaceId": "w1"}
WIRE: Dict[str, Any] = {**REQUIRED, "errorCount": 2.0, "lastErrorTimestamp": "2024-01-02T03:04:05Z", "newField": 1}


def token(wire: Dict[str, Any] = WIRE) -> TokenCreateResponse:
    client, _ = sync_client(Answer.json(wire, status=201))
    return client.space.tokens.create("s1", name="ci")


def test_model_dump_gives_python_names_by_default_as_pydantic_does() -> None:
    model = token()
    assert model.model_dump() == model.to_dict(use_api_names=False)
    assert model.model_dump()["last_error_timestamp"] == "2024-01-02T03:04:05Z"
    assert model.model_dump()["workspace_id"] == "w1"
    assert model.model_dump(by_alias=True) == model.to_dict() == WIRE


def test_fields_not_sent_are_left_out_as_with_exclude_unset() -> None:
    model = token(REQUIRED)
    assert model.model_dump(by_alias=True) == model.model_dump(by_alias=True, exclude_unset=True) == REQUIRED
    with pytest.raises(ValueError, match="exclude_unset=False\\) is not supported"):
        model.model_dump(exclude_unset=False)


def test_model_dump_json_is_compact_unless_indented() -> None:
    model = token()
    assert json.loads(model.model_dump_json()) == model.model_dump()
    assert "\n" not in model.model_dump_json()
    assert model.model_dump_json(indent=2) == model.to_json(indent=2, use_api_names=False)
    assert json.loads(model.model_dump_json(by_alias=True)) == WIRE


def test_nothing_else_of_pydantics_surface() -> None:
    model = token()
    for name in ("model_validate", "model_copy", "model_fields", "dict", "json", "parse_obj"):
        assert not hasattr(Model, name)
        with pytest.raises(AttributeError):
            getattr(model, name)
    with pytest.raises(TypeError):
        model.model_dump(mode="python")  # type: ignore[call-arg]
