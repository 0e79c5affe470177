"""Red flags said the plain way people write them (stop 35): a child's own words reported by a
parent, an age given on its own, a teen's exams, a dopamine medicine that now starts its
symptoms in the day or at once, dozing at a stop while driving for work, a pregnancy told by
its weeks, a night feed, waking up choking, an overdose told as done. And the same words that
must stay quiet. These sentences were written for this test, not taken from any corpus."""

from __future__ import annotations

import pytest

from bot.red_flags import load_red_flags
from tests.conftest import CONTENT

FLAGS = load_red_flags(CONTENT.parent / "red_flags.toml")

RAISED = [
    ("child", "my youngest (7) woke up crying, mummy my legs feel like ants inside"),
    ("child", "our grandson stayed over tonight. he is 6. kept rubbing his legs till gone eleven"),
    ("child", "legs fizzing all evening and my maths test tomorrow, cant sit still to revise"),
    ("augmentation", "its 3pm and legs already going, on ropinirole 4 yrs, never used to"),
    ("augmentation", "the moment i sit down now it starts, used to take an hour. pramipexole"),
    ("drowsy_driving", "nodded off at a red light on my delivery route, horn behind me woke me"),
    ("drowsy_driving", "came to with the van on the hard shoulder, no idea how i got there"),
    ("pregnancy", "31 weeks now, heartburn every night and the legs just wont settle"),
    ("pregnancy", "expecting again, due in spring, legs crawling like last time"),
    ("sleep_apnoea", "woke up at 2 choking and gasping, third night running, legs after that"),
    ("new_medicine", "started melatonin on saturday from the chemist, dropping off a bit quicker"),
    ("self_harm", "took all my ropinirole at once an hour ago"),
    ("self_harm", "i took 30 of my sleeping pills tonight"),
]
QUIET = [
    "my son says my legs kick him when he climbs into our bed",
    "took the grandkids to the park, legs ok tonight",
    "22 weeks since i started the stretches and the legs are calmer",
    "woke myself up with a snort lol, legs fine",
    "going to ask the gp about melatonin next week",
    "took all my ropinirole at once at 9pm as usual",
    "took 10 of the iron tablets over the fortnight",
    "nodded off on the bus home and missed my stop",
]


@pytest.mark.parametrize(("flag", "note"), RAISED)
def test_plain_words_raise_the_flag(flag: str, note: str) -> None:
    assert flag in {f.id for f in FLAGS.scan(note)}


@pytest.mark.parametrize("note", QUIET)
def test_the_same_words_without_the_risk_stay_quiet(note: str) -> None:
    assert FLAGS.scan(note) == []
