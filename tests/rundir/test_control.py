"""control.json's format, as scripts and the live page write it, without a browser."""

import json

import pytest

from harness.rundir.control import BadControl, Wish, parse_control, read_control, write_control


@pytest.mark.parametrize("text, wish", [
    ('{"state": "paused"}', Wish("paused", None)),
    ('{"learning_rate": 0.003}', Wish(None, 0.003)),
    ('{"state": "step", "learning_rate": 1}', Wish("step", 1.0)),
    ("{}", Wish()),
])
def test_either_key_may_be_absent(text, wish):
    assert parse_control(text) == wish


@pytest.mark.parametrize("text, said", [
    ("{bad", "not JSON"),
    ("[1]", "not a JSON object"),
    ('{"state": "pause"}', "none of running, paused, step, stopped"),
    ('{"state": "paused", "lr": 0.1}', "unknown key 'lr'"),
    ('{"learning_rate": -1}', "not a positive number"),
    ('{"learning_rate": "0.1"}', "not a positive number"),
    ('{"learning_rate": true}', "not a positive number"),
    ('{"learning_rate": NaN}', "not a positive number"),
])
def test_a_malformed_wish_says_what_is_wrong(text, said):
    with pytest.raises(BadControl, match=said):
        parse_control(text)


def test_write_keeps_what_it_is_not_given_and_replaces_the_file_whole(tmp_path):
    assert read_control(tmp_path) is None
    write_control(tmp_path, state="paused")
    write_control(tmp_path, learning_rate=0.003)
    assert json.loads((tmp_path / "control.json").read_text()) == {
        "state": "paused", "learning_rate": 0.003}
    assert read_control(tmp_path) == Wish("paused", 0.003)
    assert [p.name for p in tmp_path.iterdir()] == ["control.json"]  # no temporary file left


def test_a_bad_value_writes_nothing_and_a_malformed_file_is_replaced(tmp_path):
    with pytest.raises(BadControl):
        write_control(tmp_path, state="sleeping")
    assert not (tmp_path / "control.json").exists()
    (tmp_path / "control.json").write_text("{half")
    with pytest.raises(BadControl):
        read_control(tmp_path)
    assert write_control(tmp_path, state="running") == Wish("running", None)
