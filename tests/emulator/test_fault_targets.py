"""A fault rule must target something the emulator serves; a misspelt one is refused with the closest names."""

from __future__ import annotations

import pytest

from wootiv.testing import Emulator, FaultSpecError, parse_faults


@pytest.mark.parametrize(
    "target, closest",
    [
        ("roles.lsit", "did you mean roles.list"),
        ("role.list", "did you mean roles.list"),
        ("GET /roles/{id}", "did you mean GET /role/{id}"),
        ("DELETE /rol/{id}", "did you mean DELETE /role/{id}"),
    ],
)
def test_a_target_that_matches_nothing_names_the_closest_operations(target: str, closest: str) -> None:
    faults = Emulator().faults
    with pytest.raises(FaultSpecError, match="^fault ") as raised:
        faults.add(target, status=500)
    assert closest in str(raised.value)
    assert faults.rules == []


def test_a_target_far_from_everything_points_to_the_reference() -> None:
    with pytest.raises(FaultSpecError, match=r"no operation is called 'zzzz'; see the API reference for the 81 operations"):
        Emulator().faults.add("zzzz", reset=True)


@pytest.mark.parametrize(
    "target",
    ["*", "roles.list", "GET /role/{id}", "get /role/r-1", "GET /space/demo/members", "PUT /aws/objects/a/b.txt", "GET /aws/objects/x"],
)
def test_targets_that_match_served_requests_are_accepted(target: str) -> None:
    rule = Emulator().faults.add(target, latency=0.0)
    assert rule.target == target


def test_the_text_form_refuses_a_misspelt_target_with_the_rule_number() -> None:
    with pytest.raises(FaultSpecError) as raised:
        parse_faults("roles.list:status=429; roles.lsit:status=500")
    assert str(raised.value).startswith("fault rule 2 'roles.lsit:status=500': no operation is called 'roles.lsit'; did you mean roles.list")


def test_a_route_with_the_wrong_method_is_refused() -> None:
    with pytest.raises(FaultSpecError, match=r"no operation answers PUT /role/\{id\}; did you mean"):
        Emulator().faults.add("PUT /role/{id}", status=503)
