"""Campaigns: expansion into tasks, stable keys, and the parsing of the bench options."""

import pytest

from lawfinder.benchmarks.campaign import (Campaign, campaign_from_options, parse_datasets,
                                           parse_noises, parse_seeds, select_problems)
from lawfinder.benchmarks.feynman import FEYNMAN
from lawfinder.benchmarks.tasks import Task
from lawfinder.errors import LawfinderError


def test_expansion_is_the_full_product_seed_by_seed():
    campaign = Campaign("feynman", ("I.12.1", "I.14.4"), methods=("lawfinder", "physo"),
                        noises=(0.0, 0.01), seeds=(0, 1), time_limit=60, max_evals=5000,
                        n_points=500)
    tasks = campaign.tasks()
    assert len(tasks) == 2 * 2 * 2 * 2 == len({t.key for t in tasks})
    assert [t.seed for t in tasks] == [0] * 8 + [1] * 8
    assert tasks[0] == Task("lawfinder", "feynman", "I.12.1", 0.0, 0, 60, 5000, 500)


def test_key_is_stable_and_spells_every_field():
    task = Task("lawfinder", "feynman", "I.6.2a", 0, 3, 600, 1_000_000)
    assert task.key == ("lawfinder/feynman/I.6.2a/noise=0.0/seed=3/time=600.0/"
                        "evals=1000000/n=10000")
    assert task.key == Task("lawfinder", "feynman", "I.6.2a", 0.0, 3, 600.0, 1_000_000).key
    assert Task("physo", "demos", "newton", 0.001, 0, 1, None, 50).key.endswith(
        "noise=0.001/seed=0/time=1.0/evals=none/n=50")


def test_class_keys_spell_datasets_and_units_and_leave_the_other_suites_alone():
    base = ("lawfinder", "class", "Free Fall", 0.0, 0, 30.0, 200_000, 100)
    assert Task(*base, n_datasets=10).key == ("lawfinder/class/Free Fall/noise=0.0/seed=0/"
                                              "time=30.0/evals=200000/n=100/datasets=10")
    assert Task(*base, n_datasets=1, class_units=True).key.endswith("/datasets=1/units")
    assert Task("lawfinder", "feynman", "I.6.2a", 0, 3, 600, 1_000_000).key.endswith("/n=10000")


def test_a_class_campaign_runs_each_number_of_datasets_with_100_points_each():
    campaign = campaign_from_options("class", problems="Free Fall,Radioactive Decay",
                                     noise="0,0.1", datasets="1,10", time_limit=30,
                                     max_evals=200_000)
    tasks = campaign.tasks()
    assert len(tasks) == 2 * 2 * 2 == len({t.key for t in tasks})
    assert {t.n_datasets for t in tasks} == {1, 10} and {t.n_points for t in tasks} == {100}
    assert not any(t.class_units for t in tasks)
    assert campaign_from_options("class", with_units=True).tasks()[0].class_units
    assert campaign_from_options("feynman", problems="I.12.1").n_points == 10_000


def test_datasets():
    assert parse_datasets("1,10") == (1, 10) and parse_datasets("10,10") == (10,)


@pytest.mark.parametrize("text, seeds", [("0-4", (0, 1, 2, 3, 4)), ("0,2,5", (0, 2, 5)),
                                         ("0-2,7", (0, 1, 2, 7)), ("3", (3,)), ("1,1", (1,))])
def test_seeds(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["a", "3-1", "-2", "0-", "1,,2", "0-1-2"])
def test_bad_seeds_name_the_option(text):
    with pytest.raises(LawfinderError, match="--seeds"):
        parse_seeds(text)


def test_noises():
    assert parse_noises("0, 0.001,0.01,0.1") == (0.0, 0.001, 0.01, 0.1)


@pytest.mark.parametrize("text", ["0,x", "-0.1", "nan", "inf", "0,"])
def test_bad_noises_name_the_option(text):
    with pytest.raises(LawfinderError, match="--noise"):
        parse_noises(text)


def test_whole_feynman_suite_leaves_out_the_excluded_problems():
    assert select_problems("feynman") == tuple(p.name for p in FEYNMAN)
    assert "I.26.2" not in select_problems("feynman")
    assert select_problems("demos") == ("oscillator", "einstein", "newton")


def test_sample_is_seeded_and_in_registry_order():
    first = select_problems("feynman", sample=20)
    assert len(first) == 20 == len(set(first))
    assert first == select_problems("feynman", sample=20)
    assert first != select_problems("feynman", sample=20, sample_seed=1)
    order = [p.name for p in FEYNMAN]
    assert list(first) == sorted(first, key=order.index)


def test_sample_of_a_named_subset():
    assert set(select_problems("feynman", "I.12.1,I.14.4,I.25.13", sample=2)) < {
        "I.12.1", "I.14.4", "I.25.13"}


@pytest.mark.parametrize("options, words", [
    ({"suite": None}, "--suite feynman"),
    ({"suite": "srbench"}, "unknown benchmark suite 'srbench'; choose from feynman, demos"),
    ({"suite": "feynman", "problems": "I.6.2z"}, "did you mean I.6.2"),
    ({"suite": "demos", "problems": "pendulum"}, "unknown demo law 'pendulum'"),
    ({"suite": "feynman", "sample": 0}, "--sample"),
    ({"suite": "feynman", "sample": 98}, "from 1 to 97"),
    ({"suite": "feynman", "methods": "lawfinder,pysr"}, "unknown method(s) pysr"),
    ({"suite": "feynman", "time_limit": 0}, "time limit"),
    ({"suite": "feynman", "max_evals": 0}, "max_evals"),
    ({"suite": "feynman", "n_points": 0}, "data point"),
    ({"suite": "feynman", "datasets": "1,10"}, "--datasets and --with-units are for --suite class"),
    ({"suite": "demos", "with_units": True}, "are for --suite class"),
    ({"suite": "class", "datasets": "0"}, "--datasets"),
    ({"suite": "class", "datasets": "ten"}, "--datasets"),
    ({"suite": "class", "methods": "lawfinder,physo"}, "does not run the class suite"),
])
def test_bad_options_raise_clear_errors(options, words):
    with pytest.raises(LawfinderError) as error:
        campaign_from_options(**options)
    assert words in str(error.value)
