"""The parameter spec (scdsc_core.params) against the places built from it: the estimator and the CLI.

tests/qgis/test_provider.py walks it against the Processing algorithms and the dock.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
import inspect

import pytest

from scdsc_core import cli
from scdsc_core import model as model_module
from scdsc_core.errors import ScdscError
from scdsc_core.model import SCDSC
from scdsc_core.params import BY_NAME, MODE_DEFAULT, PARAMS, exposed, problems


def test_the_estimator_takes_exactly_the_spec_in_order_with_its_defaults():
    signature = inspect.signature(SCDSC.__init__).parameters
    assert [name for name in signature if name != "self"] == [p.name for p in PARAMS]
    assert {p.name: signature[p.name].default for p in PARAMS} == {p.name: p.default for p in PARAMS}
    assert SCDSC().get_params() == {p.name: p.default for p in PARAMS}


@pytest.mark.parametrize("mode", ["fast", "paper"])
def test_every_none_default_has_a_value_in_each_mode_and_that_value_is_valid(mode):
    for p in PARAMS:
        if p.optional and p.none == MODE_DEFAULT:
            resolved = SCDSC(mode=mode)._resolved(p.name, n_train=10_000)
            assert resolved is not None and p.check(resolved), (mode, p.name, resolved)


def test_each_rule_accepts_its_default_and_names_itself_when_broken():
    assert problems({p.name: p.default for p in PARAMS}) == []
    for p in PARAMS:
        bad = {"bool": "yes", "choice": "nonsense", "device": "tpu"}.get(p.kind, -5)
        message = problems({**{q.name: q.default for q in PARAMS}, p.name: bad})
        assert message == [f"{p.name} must be {p.rule()}, got {bad!r}"]
        with pytest.raises(ScdscError, match=f"^{p.name} must be "):
            SCDSC(**{p.name: bad}).fit(None)  # the estimator reports the same rule before looking at X


def test_zero_means_one_thing_and_the_rule_says_it():
    assert "0 = every clustered pixel" in BY_NAME["sample_size"].rule()
    assert "0 = no pretraining" in BY_NAME["pretrain_epochs"].rule()
    for p in PARAMS:
        if p.legacy_zero:  # Processing reads 0 as "default" only where 0 is no value of the core
            assert not p.check(0) and p.optional


def test_the_cli_has_one_option_per_exposed_row_and_passes_it_through():
    parser = cli.build_parser()
    sub = parser._subparsers._group_actions[0].choices["cluster"]
    options = {a.option_strings[0]: a for a in sub._actions if a.option_strings}
    argv = ["cluster", "in.tif", "out.tif", "-k", "3"]
    expected = {}
    for p in exposed("cli"):
        action = options[p.cli]
        assert p.name in action.help or p.help.split(" ")[0] in action.help
        if p.kind == "choice":
            assert list(action.choices) == list(p.choices)
            value = p.choices[-1]
        else:
            assert action.type is (int if p.kind == "int" else float)
            value = int(p.minimum or 0) + 1 if p.kind == "int" else 0.5
            if p.odd and value % 2 == 0:
                value += 1
        argv += [p.cli, str(value)]
        expected[p.name] = value
    assert cli._tuning_params(parser.parse_args(argv)) == expected
    assert set(expected) == {p.name for p in PARAMS if p.cli}


def test_the_model_file_loader_checks_the_same_rules():
    # the loader builds SCDSC(**hyperparameters) and runs the estimator's own check
    assert model_module.SCDSC(epochs=0)._check_params() == [f"epochs must be {BY_NAME['epochs'].rule()}, got 0"]


def test_the_mode_defaults_hold_only_rows_of_the_spec():
    for mode, defaults in model_module._MODE_DEFAULTS.items():
        public = {name for name in defaults if not name.startswith("_")}  # "_" = internal, not a hyperparameter
        assert public == {p.name for p in PARAMS if p.optional and p.none == MODE_DEFAULT}, mode
