"""Red flags: how notes are read (word forms, typos, text-speak, negation, someone else, the
past, idioms), the curated file's checks, crisis lines, and the rule language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.models import Night
from bot.red_flags import Severity, country_of_zone, load_crisis, load_red_flags, normalize
from tests.conftest import CONTENT

FLAGS = load_red_flags(CONTENT.parent / "red_flags.toml")
CRISIS = load_crisis(CONTENT.parent / "crisis.toml")
IDS = {
    "self_harm", "clot", "stroke", "pregnancy", "new_medicine", "augmentation",
    "impulse_control", "drowsy_driving", "kidney_disease", "child", "sleep_apnoea",
}  # fmt: skip


def detected(text: str) -> list[str]:
    return [f.id for f in FLAGS.scan(text)]


def by_rules(text: str) -> list[str]:
    """The rules alone: for what a rule guard lets pass (the learned reader still reads it)."""
    return [f.id for f in FLAGS.scan(text, learned=False)]


def test_the_file_has_exactly_the_eleven_flags() -> None:
    assert set(FLAGS.ids) == IDS


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # word forms and plurals
        ("my left calf swelled up and is really tender", "clot"),
        ("my ankle is swelling and very tender", "clot"),
        # misspellings
        ("pregnent 18 weeks", "pregnancy"),
        ("sucidal again tonight", "self_harm"),
        ("my calf is swolen and hot", "clot"),
        ("on dialisis three times a week", "kidney_disease"),
        # text-speak and repeated letters
        ("legs are unbearable honestly wanna kms", "self_harm"),
        ("i want to dieeeee", "self_harm"),
        ("im preggo and legs are awful", "pregnancy"),
        # indirect wording
        ("everyone would be better off without me", "self_harm"),
        ("been saving up my sleeping tablets just in case", "self_harm"),
        ("sometimes i wish i wouldn't wake up", "self_harm"),
        ("i want to go to sleep and never wake up", "self_harm"),
        # the four situations that had no flag
        ("nodded off at the wheel on the way home", "drowsy_driving"),
        ("on haemodialysis, legs awful on dialysis days", "kidney_disease"),
        ("my 8 year old says his legs feel funny at night", "child"),
        ("my wife says i stop breathing in my sleep", "sleep_apnoea"),
        # stroke signs
        ("the left side of my face is drooping", "stroke"),
        ("my words are coming out slurred", "stroke"),
        ("suddenly i can't lift my right arm", "stroke"),
    ],
)
def test_what_people_write_at_night_raises_its_flag(text: str, flag: str) -> None:
    assert flag in detected(text)


@pytest.mark.parametrize(
    "text",
    [
        # idioms
        "my legs are killing me tonight",
        "dying to try the stretches you suggested",
        "killing time on my phone until i feel sleepy",
        "i could kill for a full night's sleep",
        # someone else
        "my sister is pregnant and keeps me up with calls",
        "my brother gambles, it stresses me out",
        "my husband snores and keeps me awake",
        "my dad is on dialysis",
        # the past
        "i had a clot in 2015, all fine now",
        "rls first started in my last pregnancy back in 2010",
        # effort, not illness
        "breathless after running for the bus, legs ok tonight",
        # negation close by
        "no swelling, just the creepy crawly feeling",
        "not pregnant, just tired",
        "no new medicine, just a bad night",
        # near misses
        "fell asleep on the sofa watching tv",
        "my son is 35 and drove me to the doctor",
        "kidney beans for dinner",
        "cut my toenails and had a bath",
    ],
)
def test_harmless_notes_and_near_misses_raise_nothing(text: str) -> None:
    assert detected(text) == []


def test_a_negation_in_an_earlier_sentence_does_not_cancel_a_flag() -> None:
    assert detected("Not great tonight. Pregnant 20 weeks") == ["pregnancy"]
    assert detected("no sleep at all, calf swollen and sore") == ["clot"]


def test_for_self_harm_a_negation_does_not_cancel_the_crisis_lines() -> None:
    assert detected("I'm not suicidal") == ["self_harm"]
    assert detected("i'm not going to do anything but i want to die") == ["self_harm"]


def test_an_emphatic_denial_of_suicide_is_believed_but_a_hedge_or_what_follows_is_not() -> None:
    assert (
        by_rules("not suicidal or anything before anyone panics, just fed up with my legs") == []
    )
    assert detected("not suicidal or anything, just tired of being alive") == ["self_harm"]
    assert detected("not suicidal exactly, just wouldn't mind not waking up") == ["self_harm"]
    assert by_rules("no thoughts of harming myself, just logging like my therapist asked") == []


def test_a_story_guard_never_hides_a_crisis_told_in_the_same_sentence() -> None:
    assert by_rules("the crisis team came, i took an overdose at work tonight") == ["self_harm"]
    assert by_rules("watched the news then took an overdose") == ["self_harm"]
    assert by_rules("she said no and now i want to kill myself") == ["self_harm"]


def test_an_everyday_accident_is_not_self_harm_unless_the_note_says_it_was_no_accident() -> None:
    assert by_rules("cut myself shaving my legs, rushed it cos the urge to move was so bad") == []
    assert detected("burnt my arm on the oven door tonight and it wasnt an accident") == [
        "self_harm"
    ]
    assert by_rules("put up a rope swing in the garden for the kids today") == []
    assert detected("bought rope today. we dont have a shed") == ["self_harm"]


def test_a_childs_symptoms_are_read_past_clock_times_and_hours_of_kicking() -> None:
    assert detected("my 8yo says her legs feel fizzy at bedtime and she kicks for hours") == [
        "child"
    ]
    assert detected("13 yo up again walking round at 1am, legs itchy inside he says") == ["child"]
    assert detected("son has growing pains in his knees after football, gp says normal") == []


def test_weeks_plus_days_of_a_pregnancy_are_not_two_clock_times() -> None:
    assert detected("33+2 today and the legs are unreal") == ["pregnancy"]
    assert detected("legs awful, 28 + 5") == ["pregnancy"]
    assert by_rules("woke at 1:20 and 4:45 with the legs, back to sleep by 5") == []
    assert by_rules("bed 23:00, woke 01:30 and 04:00. legs 5/10") == []


def test_sleepy_on_the_road_but_stopped_to_nap_is_safe_but_nodding_off_is_not() -> None:
    assert by_rules("felt sleepy driving back so pulled in at the services and napped") == []
    assert by_rules("nearly fell asleep at my desk, not driving today, got a lift") == []
    assert detected("felt sleepy driving back and drifted into the next lane") == [
        "drowsy_driving"
    ]
    assert detected("nodded off at the wheel, then pulled into a layby") == ["drowsy_driving"]


def test_a_doze_in_a_meeting_is_not_dangerous_but_at_the_wheel_in_the_same_breath_is() -> None:
    assert by_rules("nearly nodded off in the budget meeting, a colleague nudged me") == []
    assert detected("falling asleep at work constantly, even at my desk") == ["drowsy_driving"]
    assert detected("nodded off in the meeting and again at the wheel on the way home") == [
        "drowsy_driving"
    ]


def test_a_patients_wish_to_die_is_their_story_but_the_writers_own_wish_is_not() -> None:
    assert by_rules("my patient said she would rather die than go into a home. long shift") == []
    assert detected("she said she is leaving me and i want to die") == ["self_harm"]
    assert by_rules("unalived the whole squad in warzone at 2am, legs wont settle") == []


def test_a_denial_of_dark_thoughts_is_believed_only_for_the_words_it_denies() -> None:
    assert by_rules("gp asked about dark thoughts, none thankfully, just worn out") == []
    assert by_rules("im not suicidal just shattered after three bad nights") == []
    assert detected("no dark thoughts tonight but i want to die") == ["self_harm"]


def test_ordinary_reasons_keep_near_misses_quiet_without_hiding_the_flag() -> None:
    assert by_rules("binged a whole series on netflix, legs fine on the sofa") == []
    assert by_rules("cramp in my left calf at 3am, stretched it out and it went") == []
    assert detected("left calf swollen and painful since the flight") == ["clot"]
    assert by_rules("the vet says my cat has kidney failure, cried all evening") == []
    assert detected("im on dialysis, the nurse visits tomorrow") == ["kidney_disease"]
    assert by_rules("woke up gasping from a nightmare about drowning") == []
    assert detected("woke up gasping for air again") == ["sleep_apnoea"]
    assert by_rules("gp wanted to change my tablets but i said no, same dose for years") == []
    assert detected("started sertraline last week, pharmacist said avoid alcohol") == [
        "new_medicine"
    ]
    assert by_rules("stopped breastfeeding last month and the legs are calmer") == []


def test_stop_25_guards_keep_everyday_lines_quiet_next_to_the_real_flag() -> None:
    assert by_rules("cut my own fringe at 2am, looks terrible, legs still going") == []
    assert by_rules("punched my own thighs till they bruised, it was that or scream") == [
        "self_harm"
    ]
    assert by_rules("smacked my knee off the dresser on purpose, the pain helps") == ["self_harm"]
    assert by_rules("been keeping back my gabapentin in a drawer, nearly enough") == ["self_harm"]
    assert by_rules("binged a podcast in the bath to take my mind off my legs") == []
    assert by_rules("walked to the shops and back at 1am to tire the legs out") == []
    assert by_rules("my son is getting married in june, legs wild tonight") == []
    assert by_rules("my son is 9 and has restless legs like me") == ["child"]
    assert by_rules("her new tablets seem to suit her, my legs were bad though") == []
    assert by_rules("the gp put my sertraline up on monday, legs twitchier") == ["new_medicine"]
    assert by_rules("midwife asked when the legs started, 28 weeks pregnant") == ["pregnancy"]
    assert by_rules("it eased when i walked, which a clot would not do") == []
    assert by_rules("my left calf is swollen, hot and red since the flight") == ["clot"]
    assert by_rules("she says i snore, go quiet, then snort like a pig") == ["sleep_apnoea"]
    assert by_rules("the kids have gone to bed and the legs have started") == []
    assert by_rules("my son has it too, he is 8") == ["child"]
    # A cramp that eased is no excuse for a swollen calf: the clot rules keep reading it.
    assert by_rules("left calf swollen with a hard knot in it") == ["clot"]
    assert by_rules("calf cramp went after a minute but now its swollen and red") == ["clot"]
    assert by_rules("gp checked my kidneys with the bloods, all normal") == []


def test_a_bare_no_answering_a_screening_question_is_a_denial_unless_taken_back() -> None:
    assert by_rules("nurse asked if i ever think about hurting myself. No. legs 6") == []
    assert by_rules("any thoughts of suicide? nope. low mood? a bit") == []
    assert by_rules("nurse asked if i ever think about hurting myself. No. I lied.") == [
        "self_harm"
    ]
    assert by_rules("the rope at 2? no. not yet") == ["self_harm"]
    assert by_rules("i want to kill myself. no.") == ["self_harm"]  # no question before it
    assert by_rules("my mate asked if i was ok and i said i want to die") == ["self_harm"]


def test_stop_25_round_3_words_and_guards() -> None:
    assert by_rules("stubbed a cigarette out on my arm, the pain helps") == ["self_harm"]
    assert by_rules("used to cut back in school and im close to it again") == ["self_harm"]
    assert by_rules("dying sounds like a holiday honestly") == ["self_harm"]
    assert by_rules("the ER episode had a self harm storyline, well done") == []
    # "out of character" is no story: the crisis still counts
    assert by_rules("out of character for me but i keep thinking of ending my life") == [
        "self_harm"
    ]
    assert by_rules("legs were weirdly calm after the long walk") == []
    assert by_rules("picked a day. feel weirdly calm about it") == ["self_harm"]
    assert by_rules("Maisie (8) up again crying that her legs feel fizzy") == ["child"]
    assert by_rules("dad has been on ropinirole for his legs 10 yrs") == []
    assert by_rules("the ropinirole used to last all night, now it wears off by 1am") == [
        "augmentation"
    ]
    assert by_rules("partner snores, i nudge him and he stops") == []
    assert by_rules("drove home after nights and dont remember the last 3 miles") == [
        "drowsy_driving"
    ]


def test_stop_25_round_4_guards_leave_the_real_flag_standing() -> None:
    assert by_rules("the kids were kicking each other in the car, legs awful after") == []
    assert by_rules("my son is 9 and kicks all night, says his legs feel fizzy") == ["child"]
    assert by_rules("the consultant warned us about gambling on these tablets") == []
    assert "impulse_control" in by_rules("gambling online every night since the ropinirole")
    assert by_rules("antihistamine cream on the bite, legs 6") == []
    assert by_rules("waiting for my dialysis slot, legs bad") == ["kidney_disease"]
    assert by_rules("started sertraline last week, pharmacist said avoid alcohol") == [
        "new_medicine"
    ]
    assert by_rules("pregnant? nope. just bloated from the pizza") == []
    assert by_rules("pregnant? no. actually yes, 8 weeks") == ["pregnancy"]
    assert by_rules("the nurse asked if i could be pregnant. no. legs 5") == []


def test_stop_26_words_for_a_crisis_and_the_idioms_that_stay_quiet() -> None:
    assert "self_harm" in by_rules("called the samaritans again and hung up before they answered")
    assert by_rules("she volunteers for the samaritans on tuesdays, legs 4") == []
    assert "self_harm" in by_rules("think im checking out for good soon")
    assert by_rules("checking out of the hotel at ten, legs restless in the car") == []
    assert "self_harm" in by_rules("keep wanting to stay asleep. forever ideally")
    assert by_rules("just want to fall asleep and stay asleep till morning") == []
    assert "self_harm" in by_rules("cannot face another day of this life")
    assert "self_harm" in by_rules("id rather be six feet under than live like this")
    assert "self_harm" in by_rules("scared im going to do something stupid tonight")
    assert "self_harm" in by_rules("waited at the platform edge far too long tonight")


def test_stop_26_urgent_signs_are_not_hidden_by_an_idiom_or_by_whom_the_writer_was_with() -> None:
    # "my face dropped" is an idiom only about news, never about the face itself
    assert by_rules("the left side of my face dropped at dinner, words all slurry") == ["stroke"]
    assert by_rules("my face dropped when i saw the gas bill") == []
    assert by_rules("my face dropped when the gp said six more months") == []
    # "face" as a verb is no face for the stroke rules, and hides no self-harm words
    assert by_rules("cant face another night of this, legs numb and aching") == []
    assert by_rules("face numb after the dentist, talking funny all afternoon") == []
    assert by_rules("talking funny since lunch and my right arm is numb") == ["stroke"]
    # someone the writer was with, or drove to, is not who fell asleep
    assert by_rules("drove to my sisters with the kids and woke up on the rumble strip") == [
        "drowsy_driving"
    ]
    assert by_rules("my husband nodded off at the wheel on the way back, scary") == []
    assert by_rules("spent the day with my sister who is pregnant, legs awful") == []
    assert by_rules("kept drifting over the white line coming home from nights") == [
        "drowsy_driving"
    ]


def test_stop_27_someone_who_says_it_of_themself_and_a_breath_that_is_not_a_drink() -> None:
    # "says he" is the other person speaking of themself; "says I" is still the writer
    assert by_rules("my mate drives lorries and says he nods off at the wheel sometimes") == []
    assert by_rules("my sister says she is pregnant again, so happy for her") == []
    assert by_rules("my wife says i nod off at the wheel on the way home") == ["drowsy_driving"]
    assert by_rules("my husband says he can hear me stop breathing at night") == ["sleep_apnoea"]
    # thirst is masked, a breath is not
    assert by_rules("woke up gasping for a breath, heart pounding, third time this week") == [
        "sleep_apnoea"
    ]
    assert by_rules("woke up gasping for a cup of tea, legs 4") == []


def test_stop_27_self_injury_in_everyday_words_and_the_near_misses_it_must_leave() -> None:
    for note in (
        "headbutted the bathroom mirror till it cracked",
        "bit my own arm till it bled so i wouldnt scream",
        "kept pressing the cigarette into my ankle, hurts less than the itch",
        "bought a hose that fits the car exhaust today",
        "sat in the bath thinking about staying under",
        "dug my nails into my thighs till they bled",
    ):
        assert "self_harm" in by_rules(note), note
    assert by_rules("thinking about going under for the knee op next week") == []
    assert by_rules("the cat kept biting my feet under the duvet") == []
    assert by_rules("pressed the iron onto my work shirt, legs 5") == []
    assert by_rules("the night nurse gave dad a warm drink, his legs 5") == []
    assert by_rules("took night nurse for my cold and the legs went mad") == ["new_medicine"]


def test_stop_28_an_answer_that_goes_on_and_someone_elses_wish_to_die() -> None:
    # a "no" that opens the next sentence answers the question; "but" takes it back
    assert by_rules("gp asked about dark thoughts at my review. none thankfully, just tired") == []
    assert by_rules("gp asked about dark thoughts. no, but honestly some nights yes") == [
        "self_harm"
    ]
    assert by_rules("gp asked about dark thoughts. none. i lied") == ["self_harm"]
    # her wish in the past, told by the writer; since stop 30 a wish said now by someone the
    # writer looks after counts (the crisis lines serve them both); the writer's own still counts
    assert by_rules("my aunt had it so bad she used to say she wanted to die") == []
    assert by_rules("mum keeps saying she wants to die, i listen") == ["self_harm"]
    assert by_rules("mum keeps saying she wants to die. honestly i want to die too") == [
        "self_harm"
    ]
    for note in (
        "put my dressing gown cord round my neck tonight just to see how it felt",
        "tbh i hope i dont see christmas",
        "smashed my leg against the bedframe over and over until it went numb",
    ):
        assert "self_harm" in by_rules(note), note
    assert by_rules("wrapped my scarf round my neck and walked the legs off") == []
    assert by_rules("hope i dont see him at christmas, legs 5") == []
    assert by_rules("she recorded me snoring, long gaps and then a massive snort") == [
        "sleep_apnoea"
    ]


def test_stop_28_round_2_a_time_mask_that_hid_a_wish_and_guards_for_looking_things_up() -> None:
    # "wake up at" is an alarm only before a time: "not to wake up at all" is a wish
    assert by_rules("wished id drunk enough not to wake up at all") == ["self_harm"]
    assert by_rules("had to wake up at 6 for work, legs 5") == []
    for note in (
        "tried to strangle myself with my headphone cable earlier",
        "the bridge on the way to the clinic keeps calling me lately",
        "sat holding the belt for an hour, legs jumping",
        "why bother waking up",
        "my mum died of an overdose and i think i understand her now",
    ):
        assert "self_harm" in by_rules(note), note
    # looked up, not lived: the same words said of the writer still count
    assert by_rules("googled dvt because my calf aches after the gym, both legs the same") == []
    assert by_rules("googling apnoea again at 2am, just anxiety brain") == []
    assert by_rules("my calf is swollen hot and red since the flight") == ["clot"]
    # a pain that lasted a minute; "for a minute" had never matched (one-word slots)
    assert by_rules("ache in the left calf for a minute, then nothing") == []
    assert by_rules("ache in the left calf all day, worse tonight") == ["clot"]
    assert by_rules("a mate from rehab passed away from an od last month, funeral today") == []
    assert by_rules("eleven year old daughter up again at 1am rubbing her calves") == ["child"]
    assert by_rules("my sisters twelve year old is fidgety, my legs bad tonight") == []


def test_stop_29_words_that_were_never_read_as_meant_and_new_ways_to_say_it() -> None:
    # multi-word alternatives written as one-word slots had never matched as meant
    assert by_rules("way too sleepy to drive home so i got a taxi, legs wrecked") == []
    assert by_rules("ready to go out at last, legs behaving") == []
    assert by_rules("honestly i cant see a future with these legs or with anything") == [
        "self_harm"
    ]
    assert by_rules("scored myself tonight: will to carry on about zero") == ["self_harm"]
    for note in (
        "lay down in the cold and let it take me, thats the dream now",
        "i would welcome the endless sleep tonight",
        "keep the rifle loaded now, by my bed",
        "stabbed my thigh with a pen till the crawling stopped",
        "up at 4 thinking about jumping again",
        "gave my dog to my brother today. he thinks its a holiday. its for good",
    ):
        assert "self_harm" in by_rules(note), note
    # and what those words must leave alone
    for note in (
        "stabbing pains in my legs again tonight",
        "thinking about jumping in the pool first thing, legs loved it last time",
        "gave the dog to my mum for the weekend while we are away",
        "an inmate self harmed on the wing, long shift, legs wrecked",
        "money is tight but we have a plan now",
    ):
        assert "self_harm" not in by_rules(note), note
    # other flags: new wordings, and the ordinary lines next to them
    assert by_rules("urges for sex through the roof since the ropinirole") == ["impulse_control"]
    assert by_rules("at the bookies every day since the patch, cant stop") == ["impulse_control"]
    assert by_rules("two years free from the bookies today, legs 3") == []
    assert by_rules("ordered way too much pizza tonight, legs ok") == []
    assert by_rules("kidneys at 12% now and the legs are awful") == ["kidney_disease"]
    assert by_rules("words all jumbled this morning, i was half asleep") == []
    assert by_rules("face numb from the dentist and slurring my words at tea") == []
    assert by_rules("slept awkwardly on my arm and woke with it numb") == []
    assert by_rules("stiff neck now from the chair") == []
    assert by_rules("pharmacist said antihistamines can make it worse, i dont take any") == []
    assert by_rules("my wife says no, i dont stop breathing, just kick") == []


def test_stop_29_round_2_dialect_someone_elses_attempt_and_a_machine_that_is_no_sign() -> None:
    for note in (
        "if a had the guts a'd dae masel in",
        "feart ah might do something to myself the night",
        "just waiting to die now, legs or no legs",
        "talked myself down from the pills again",
        "took the dog round to my sisters, said its for a fortnight. it is not for a fortnight",
    ):
        assert "self_harm" in by_rules(note), note
    # someone else's attempt, told: the writer's own words still count
    assert by_rules("my brother tried to end things in march, he is doing well now") == []
    assert by_rules("if i had the nerve id have ended things years ago") == ["self_harm"]
    # a machine that treats apnoea is no sign of it; the signs still are
    assert by_rules("cpap pressure fine, 3 events an hour, clinic happy") == []
    assert by_rules("cpap mask off in the night and i woke up gasping for air") == ["sleep_apnoea"]
    assert by_rules("heart pumping away the same as last year, legs twitchy") == []
    assert by_rules("pumping every three hours and the legs are wild") == ["pregnancy"]
    assert by_rules("slurring a bit after 3 proseccos at the party lol") == []
    assert by_rules("they put my pregabalin up to twice a day since monday") == ["new_medicine"]
    assert by_rules("creatinine is normal on the kidney bloods, one less thing") == []
    assert by_rules("my daughters friend asked if rls is contagious lol") == []
    # a passive "got caught" is said of the one named before it
    assert by_rules("her lad got caught nodding off at work again") == []
    assert by_rules("my boss caught me nodding off at work again") == ["drowsy_driving"]


def test_stop_30_palliative_wishes_hopeless_sums_and_the_near_misses_beside_them() -> None:
    for note in (
        "ran the numbers again tonight, its not worth continuing",
        "my existence is a net negative and i know it",
        "lay in the bath and tried to stay under for as long as i could",
        "taking every single one tonight. bye",
        "on the drive home i nearly turned the wheel into the bridge",
        "begged the nurse to help me die tonight",
        "he keeps asking me to put a pillow over my face",
        "thinking of stopping dialysis so its over quicker",
        "the hospice is kind but i wish they would speed it up",
        "every night i ask god why he keeps waking me up",
        "i hope one night i just dont start breathing again",
        "bought another box today, i have 7 boxes now. they are not for pain",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "ended it with my girlfriend last week, feel lighter, legs still bad",
        "mood question tonight: no thoughts of ending my life, just tired legs",
        "nan died peacefully at 97 on sunday, legs restless after the funeral",
        "put a pillow over my face to block the light from the street",
    ):
        assert "self_harm" not in by_rules(note), note
    assert by_rules("nearly went into the back of a lorry, eyes just shut for a second") == [
        "drowsy_driving"
    ]
    assert by_rules("cant stop online shopping at night, been on the patch 2 years") == [
        "impulse_control"
    ]
    assert (
        by_rules("sat in the car waiting for my daughters swim lesson to finish, legs started")
        == []
    )
    assert by_rules("pregnancy test says no again, legs bad") == []


def test_stop_30_round_2_a_diary_typed_for_someone_else_is_theirs() -> None:
    # "typing for my wife": what the note says of her is hers, not someone else's
    assert by_rules("typing for my wife tonight, she is 28 weeks pregnant now") == ["pregnancy"]
    assert by_rules("my wife is 28 weeks pregnant now, my legs are bad") == []
    assert "clot" in by_rules("typed by me for mum. her left calf is swollen, red and hot")
    assert by_rules("my mums left calf is swollen, red and hot") == []
    # wishes said by the person cared for, in words and in gestures
    for note in (
        "he asked if i would help him finish it when it gets worse",
        "she keeps asking for a pillow over her face",
        "says she wishes the stroke had finished her off",
        "he wants to stop going to dialysis so he can die",
        "every night he says just let me go",
        "he made a gun with his fingers at his head, he is no joker",
        "she keeps bringing up dignitas and asked me to find out the cost",
        "one day you will find me face down in the river he said",
        "sat with the pistol on the kitchen table for an hour",
        "ive got my own exit plan now",
        "what dose of my tablets would stop my heart",
        "id like to just fade out slowly, stopped eating on purpose",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "he wants to die at home, in his own bed, the hospice nurse agreed",
        "cleaning the rifle on the kitchen table before deer season",
        "roped a calf for tagging today and got dragged, legs fine",
        "tied the bales down with rope and ratchet straps",
        "counted my pills for the repeat prescription, ordered on the app",
        "missed my exit on the motorway, legs twitchy the whole way",
        "if you find me face down on the sofa its because i finally fell asleep lol",
    ):
        assert "self_harm" not in by_rules(note), note
    # breathlessness said with "not", and in another sentence than the sore calf
    assert "clot" in by_rules("cant catch my breath tonight. calf sore and hard for two days")
    assert by_rules("my husband says he watched me quit breathing then snort awake") == [
        "sleep_apnoea"
    ]
    assert by_rules("doc bumped my ropinirole up on friday") == ["new_medicine"]
    assert by_rules("sorted the pill organiser, 7 days x 4 slots") == []
    assert by_rules("typing for my son, he is 40, legs twitchy tonight") == []


def test_stop_31_slang_burdens_and_buried_wishes_with_the_near_misses_beside_them() -> None:
    for note in (
        "honestly not sure i want to see 50",
        "wish i had never woken up after the surgery",
        "pretty sure i have outstayed my welcome in this world",
        "about time i stopped being a problem for everyone",
        "if a lorry ran me over on the way to work i would be grateful",
        "keep thinking about the gas oven and not for cooking",
        "im deceased lol but i want to make it literal",
        "the dream is not waking up tomorrow",
        "i want to uninstall myself",
        "been googling the tallest multi storey car parks near me",
        "hate my body so much i want to hurt it",
        "six feet under sounds peaceful right now",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "cant do this anymore, the no caffeine thing i mean",
        "not giving up on life, just giving up on that heat pad",
        "a fly in my room and i will unalive him before bed",
        "hope dies last, trying the magnesium again",
        "had a bad patch years ago where i did not want to be here, fine now",
        "a patient on my ward was talking about suicide, we called the team",
        "delete myself from the group chat, too many messages at 2am",
    ):
        assert "self_harm" not in by_rules(note), note
    assert by_rules("fell asleep at the red lights on the way home from nights") == [
        "drowsy_driving"
    ]
    assert by_rules("dozed on the train home, nearly missed my stop") == []
    assert by_rules("gp asked if i nod off driving. no, i gave up driving years ago") == []
    assert "impulse_control" in by_rules("since the ropinirole my sexual urges are out of control")
    assert by_rules("first night of gabapentin tonight, wish me luck") == ["new_medicine"]
    assert by_rules("leg cramp at 3am, calf rock hard for a minute then it went") == []
    assert by_rules("my egfr is 90 so no kidney worries") == []
    assert by_rules("asked my wife to watch if i stop breathing, she says i dont") == []
    assert "child" in by_rules("legs ache every night, mum says it is growing pains but it is not")


def test_stop_31_round_2_flat_goodbyes_clock_times_and_guards_for_older_writers() -> None:
    # a dot between digits is a time or a decimal, not the end of a sentence
    assert by_rules("still up, its 1.15 and i am wide awake, legs buzzing") == []
    assert by_rules("took 2.5 of the melatonin then slept") == []
    for note in (
        "wish someone would just ctrl alt delete me",
        "thinking about rage quitting life, not just the game",
        "honestly fed up of living, 91 years is plenty for anyone",
        "i am the heavy stone around his neck",
        "you can stop sending the reminders after this week",
        "some nights i wish i was not going to wake up",
        "ive picked a date. legs terrible",
        "wrote a note addressed to mum, it is in my drafts, not sent",
        "crossing roads without looking, half hoping",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "if these legs dont stop ill saw them off myself. joking",
        "feel like im walking to my own funeral when the legs start",
        "the vicar asked what hymns i would like at my funeral, all very jolly",
        "ill be dead before the hospital sends that letter, we both laughed",
        "not going to top myself over restless legs, just grumpy",
        "you can stop sending the reminders after this week, i am on holiday till the 20th",
        "picked a date for the wedding at last",
    ):
        assert "self_harm" not in by_rules(note), note
    assert by_rules("dad had a stroke at 70, i am 72 now so i watch my blood pressure") == []
    assert by_rules("words come out wrong when i am overtired, always been like that") == []
    assert by_rules("right hand wont do what i tell it since 8, speech a bit thick") == ["stroke"]
    assert by_rules("swelling on my ankle? no, just the sock line") == []
    assert by_rules("calf went rock hard for a minute then eased off, cramp") == []
    assert by_rules("the cardiologist upped my water tablets last week") == ["new_medicine"]
    assert by_rules("ropinirole only works a few hours now") == ["augmentation"]
    assert by_rules("hi this is tom typing for alice, she is 33 weeks and cant sit still") == [
        "pregnancy"
    ]
    assert by_rules("my milk dried up this week so formula from now on") == []


def test_stop_31_round_3_dialect_faith_words_and_anxious_checks() -> None:
    # Scots negations and words: "dinnae" negates, "aw ma tablets at wance" is all at once
    assert "self_harm" in by_rules("been thinkin aboot takin aw ma tablets at wance")
    assert by_rules("the wife says i snore but i dinnae stop breathin, she checked") == []
    for note in (
        "a dirt nap sounds pretty good tonight",
        "held my hand on the hob to snap out of it, its blistered",
        "i have a quiet plan for after christmas so they get one last nice one",
        "told him to bury me in the garden, we laughed, but ive been thinking about it since",
        "gave my cat to my sister today, said its for a while. it is not",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "grandad went peacefully in his sleep, thats the way i would like to go one day",
        "im tired of fighting the council over the parking permit",
        "started new tablets for my bp, hope they work",
        "cant do this anymore, going to ask for days instead of nights",
    ):
        assert "self_harm" not in by_rules(note), note
    assert by_rules("our ruby is 11 and she is up walking the landing, her legs itch inside") == [
        "child"
    ]
    assert "stroke" in by_rules("drooling out of one side of my mouth and it came on suddenly")
    assert "stroke" in by_rules("my left arm wont lift above my shoulder since teatime")
    assert by_rules("face felt tingly so i checked, smile even, it was cold air") == []
    assert by_rules(
        "pramipexole 3 years, used to start at 10pm and now its 2 in the afternoon"
    ) == ["augmentation"]
    assert "impulse_control" in by_rules(
        "ordering takeaways twice a night, like a switch flipped, on ropinirole for a year"
    )
    assert by_rules("heat wave, legs hot and jumpy, fan on all night") == []
    # someone else asking is no sign; the person checking their own calf still is one
    assert by_rules("mum keeps asking if my legs are swollen. no, just restless") == []
    assert "clot" in by_rules("rang 111 to see if my swollen red left calf needs looking at")
    assert by_rules("had a small crash, moved the car out of the way, legs shaky") == []


def test_stop_32_carers_pills_heights_and_the_guards_for_health_workers() -> None:
    for note in (
        "she told me tonight she has thoughts of hurting herself, i am scared",
        "he keeps asking where the old rifle went and if it still works",
        "sat in the car by the bridge for an hour again, just sitting there",
        "the railway line at the end of the street keeps crossing my mind",
        "spent an hour googling ways to do it instead of sleeping",
        "asked the chemist how many of my pills it would take to be dangerous",
        "burned my shin with a lighter again, it drowns out the crawling",
        "cut deeper than last time and hid the plasters",
        "every night i ask him to come and fetch me, 3 years since he passed",
        "not planning on coming back from the walk tomorrow",
        "fed up, told god to fix my legs or take me",
        "woke up disappointed i am still here",
        "left the car idling in the shut garage for a bit with me in it",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "patched up a lad who had cut himself badly, long night on the ambulance",
        "nurse asked mum about thoughts of harming herself, all no, she is doing well",
        "suicidal patient on the ward, one to one all night, he is safe now",
        "one more email and i will throw myself out the window lol",
        "this heat is going to finish me off, 33 degrees",
        "phone fell in the sink, its dead, rest in peace",
        "watched a documentary about the suicide rates in farmers, heavy",
        "nodded off myself on the sofa after tea",
    ):
        assert "self_harm" not in by_rules(note), note
    assert by_rules("my 9 yr old has started getting what i get, her legs jump at bedtime") == [
        "child"
    ]
    assert "drowsy_driving" in by_rules("nearly nodded off on the forklift twice today")
    assert "impulse_control" in by_rules("ordering stuff every night at 3am, cant stop myself")
    assert by_rules("tablets used to see me through the night, now they have worn off by 1") == [
        "augmentation"
    ]
    assert by_rules("cramp in my right calf, the cramp kind, stood on the cold floor") == []
    assert by_rules("covered the dialysis unit on the porter rota tonight") == []
    assert by_rules("my speech was slurred alright, four margaritas at the party") == []


def test_stop_32_round_3_short_notes_dictation_and_pill_routines() -> None:
    # punctuation spoken to a phone's dictation is punctuation
    said = "counsellor asked if i ever think about ending it full stop honestly no full stop"
    assert by_rules(said) == []
    for note in (
        "too tired to live",
        "tonight might be it",
        "sat with all my pills for an hour",
        "every skipped tablet goes in the tin, my escape hatch",
        "thinking about taking all of the tablets i have left in one go",
        "been buying paracetamol at different chemists so nobody asks",
        "cut my leg again to feel something else than the crawling",
        "my uncle took his own life, now im starting to understand",
    ):
        assert "self_harm" in by_rules(note), note
    for note in (
        "count my pills every sunday so i know i have not doubled up",
        "ate the whole packet of biscuits at 3am, oops",
        "wish i was dead asleep right now",
        "someone on the facebook group posted about suicide, so sad for them",
    ):
        assert "self_harm" not in by_rules(note), note
    assert by_rules("calf huge and hot, left side only") == ["clot"]
    assert by_rules("legs going from lunchtime now, on ropinirole two years") == ["augmentation"]
    assert "new_medicine" in by_rules("day 3 of pregabalin, bit dizzy")
    assert by_rules("my daughter is nine and her legs feel fizzy at bedtime") == ["child"]
    assert by_rules("partner timed me and counted long pauses in my breathing") == ["sleep_apnoea"]
    assert by_rules("arm went dead because i lay on it, fine after a minute") == []
    assert by_rules("nodded off in the cinema, my husband drove us home") == []


def _raise_self_harm(*notes: str) -> None:
    for note in notes:
        assert "self_harm" in by_rules(note), note


def _leave_self_harm_quiet(*notes: str) -> None:
    for note in notes:
        assert "self_harm" not in by_rules(note), note


def test_stop_33_games_dialect_dropped_gs_and_a_street_named_after_a_bridge() -> None:
    # "unalived" with something else after it is a game or a joke; "unalived myself" is not
    assert by_rules("unalived three bosses in a row at 2am, legs buzzing") == []
    assert "self_harm" in by_rules("unalived myself in my head again tonight")
    # the dropped g and Scots words read as the words they are
    assert "self_harm" in by_rules("been thinkin bout endin it, legs at it again")
    assert "self_harm" in by_rules("the bairns are better aff wioot me")
    assert "self_harm" in by_rules("bangin ma heid aff the wall tae feel a different pain")
    # a street is a place, and getting water is not an eye watering
    assert by_rules("drove onto the bridge road to get milk") == []
    assert "stroke" in by_rules("got up to get water, the side of my mouth is drooping")
    _raise_self_harm(
        "my head keeps telling me to jump",
        "whacked my own shin with a hammer to make the feeling stop",
        "neighbour died peacefully in his sleep, i wish it had been me",
        "id swap places with my brother in the hospice tomorrow",
        "been reading up on methods half the night",
        "whatever i have to do, one day this ends",
        "stockpiling my zopiclone, a few from every repeat",
        "after this weekend nothing will matter, legs or otherwise",
        "stood at the edge of the platform, stepped back at the last second",
        "held a lit match to my arm till it blistered",
        "gave my daughter my wedding ring, told her i will not need it",
    )
    _leave_self_harm_quiet(
        "if i dont sleep tonight ill die lol",
        "this job will be the death of me",
        "read an article about suicide in older men, rang my brother",
        "went to the last post at the cenotaph, legs stiff after",
        "want to fling myself out of bed when the legs start, so i get up and walk",
        "told the gp certainly not when she asked about dark thoughts",
        "marking essays on suicide in hamlet, legs fidgeting",
    )
    assert "drowsy_driving" in by_rules("woke up at a red light with the car creeping forward")
    assert "drowsy_driving" in by_rules("head dropping on the m6 in the lorry this afternoon")
    assert "new_medicine" in by_rules("took my first gabapentin tonight")
    assert "new_medicine" in by_rules("cut the ropinirole from 1mg down to half on monday")
    assert "stroke" in by_rules("my right arm just went dead, could not lift my cup")
    assert "impulse_control" in by_rules("since startin ropinirole i think about sex all day")
    assert "pregnancy" in by_rules("pumping at work, still exclusively bf")
    assert "child" in by_rules("my grandson (8) is up at night. his legs feel fizzy he says")
    assert by_rules("girl on my course has dialysis twice a week") == []
    assert by_rules("tested for apnoea last year, normal breathing, just leg kicks") == []


def test_stop_33_round_3_answers_to_questions_and_wishes_said_in_passing() -> None:
    # a question answered with a bare no is a no, for the flags that read negations...
    assert by_rules("the midwife asked if i was breastfeeding. no, mine are 9 and 12") == []
    assert by_rules("gp asked if my legs start earlier now. told her no") == []
    assert by_rules("nurse asked if i had ever cut myself. never have. legs 6 tonight") == []
    # ... but a wish the question carries stays a wish, and a yes is a yes
    asked = "dad asked me to get him enough tablets not to wake up. i said no"
    assert "self_harm" in by_rules(asked)
    assert "self_harm" in by_rules("she asked about thoughts of ending my life and i said yes")
    _raise_self_harm(
        "scan results tomorrow and part of me is hoping its bad news",
        "i am scared of what i might do tonight",
        "some nights i wonder if its worth waking up at all",
        "tied a scarf to the ceiling fan and sat there an hour",
        "dug at my shin with a compass until it bled",
        "when i am gone at least nobody has to hear me pacing",
        "wearing long trousers in this heat to hide the cuts",
        "its not just the legs, i want to die",
    )
    _leave_self_harm_quiet(
        "the aisle seat was the way to go, walked the plane twice",
        "i would walk into the sea for one proper nights sleep",
        "my funeral playlist is sorted, not planning on using it anytime soon",
        "i am not in that place at all, just tired",
    )
    assert "pregnancy" in by_rules("told the gp i am 9 weeks pregnant and asked about my tablets")
    assert "clot" in by_rules("my left calf is way bigger than the other one and hard")
    assert "new_medicine" in by_rules("endo put my estradiol up last week")
    assert "drowsy_driving" in by_rules("dozed off on my scooter at the signal")
    assert by_rules("someone in the facebook group said her meds stopped working") == []
    assert by_rules("leg cramp in my right calf at 3am, had to pull my toes back") == []


def test_someone_at_my_place_is_still_someone_else() -> None:
    # "my" after "on", "in", "at"... says whose course or church, not who fell asleep
    assert by_rules("lad on my course fell asleep at the wheel and wrote his car off") == []
    assert by_rules("a lady at my church on dialysis says her legs are worse") == []
    # the writer still counts when "my" is the writer's own
    assert by_rules("my mate at work says i nod off at the wheel") == ["drowsy_driving"]
    assert by_rules("a friend at my work says i stop breathing at night") == ["sleep_apnoea"]


def test_stop_26_guards_for_adverts_thirst_and_a_dose_that_went_up() -> None:
    assert by_rules("the betting ads during the match are relentless, legs 5") == []
    assert "impulse_control" in by_rules("betting every night since the ropinirole, cant stop")
    assert by_rules("woke up gasping for a drink, the heating is too high") == []
    assert by_rules("woke up gasping, wife says i stop breathing") == ["sleep_apnoea"]
    assert by_rules("upped the gabapentin to 600 on friday, dizzy") == ["new_medicine"]
    assert by_rules("picked up my gabapentin from the chemist") == []
    assert by_rules("ropinirole only lasting a couple of hours now") == ["augmentation"]
    assert by_rules("my grandson (9) sleeps over with us and his legs kick all night") == ["child"]


def test_stop_26_round_2_guards_hide_only_the_words_they_are_about() -> None:
    # an advert is masked, not the sentence: a real bet beside it still counts
    assert by_rules("saw an advert for the casino and thought nope, legs 4") == []
    assert by_rules("betting ads on the telly got me again, lost 200 betting tonight") == [
        "impulse_control"
    ]
    # an old stroke's lasting signs, but never "since the stroke this morning"
    assert by_rules("his speech has been slurred since his stroke last year") == []
    assert by_rules("my speech has been slurred since the stroke this morning") == ["stroke"]
    assert by_rules("my face is drooping on the left and i cant face going to a&e") == ["stroke"]
    # a medicine kept as it is, but a new start beside it is still new
    assert by_rules("asked if my sertraline could be the cause, we are keeping it as is") == []
    assert by_rules("started sertraline last week, doc says keep it as is for now") == [
        "new_medicine"
    ]
    # someone else's relapse is theirs; the writer's own, told to someone, is not
    assert by_rules("told my therapist i relapsed on the cutting, she was kind") == ["self_harm"]
    assert "self_harm" in by_rules("lads joke about topping themselves, i laugh but im not joking")
    assert "self_harm" in by_rules("my uncle took his own life and lately i understand why")
    # a clock time is no age; a teen's age still is
    assert by_rules("its 1:17 and im wide awake counting ceiling tiles") == []
    assert by_rules("toddler up at 5 again, legs only calmed down at 1") == []
    assert by_rules("im 15 and i cant sleep with these legs") == ["child"]
    assert by_rules("my sister and my son both have rls, he is 9 and kicks all night") == ["child"]
    assert by_rules("my 9 yr old keeps telling me her legs feel fizzy at night") == ["child"]


def test_stop_26_round_4_a_repaired_stroke_rule_and_words_said_in_few_words() -> None:
    # "[...|mixed|mixed up]" had made the whole list need "up" after it: the rule never fired
    assert by_rules("my words came out wrong all of a sudden") == ["stroke"]
    assert by_rules("my words came out wrong all of a sudden, slurred like id been drinking") == [
        "stroke"
    ]
    assert by_rules("slurring my words after 4 pints lol") == []
    # a recovery milestone is no guard: the relapse beside it still counts
    assert "self_harm" in by_rules("900 days clean from self harm and i will break it tonight")
    assert "self_harm" in by_rules("used a lighter on my arm again tonight")
    assert "self_harm" in by_rules("bought paracetamol from two different chemists today")
    assert "self_harm" in by_rules("drove home thinking about steering into a tree")
    assert "self_harm" in by_rules("heaven has to be better than this")
    assert by_rules("hope heaven has quiet legs but im in no hurry") == []
    assert by_rules("keep nearly dropping off driving to school") == ["drowsy_driving"]
    assert by_rules("pulled into a layby, nodded off for 20 mins, fine after") == []
    assert by_rules("spent 300 on scratch cards this week, never used to gamble") == [
        "impulse_control"
    ]
    assert by_rules("niece and nephew visiting, legs 7 lol") == []
    assert by_rules("nephro says kidneys at 15%. rls brutal") == ["kidney_disease"]
    assert by_rules("passed a kidney stone at 3am, agony") == []


def test_a_phrase_among_one_word_alternatives_is_refused_not_silently_split() -> None:
    from bot.red_flags.rules import RuleError, compile_term

    with pytest.raises(RuleError, match="repeats a word"):
        compile_term("funny|mixed|mixed up", FLAGS.lexicon)


def test_a_harmless_reason_said_with_not_in_front_is_no_reason() -> None:
    assert by_rules("arms restless too tonight, normal for me") == []
    assert detected("my arms are restless now too, not normal for me") == ["augmentation"]
    assert detected("ate a whole packet of biscuits again, not normal for me at all") == [
        "impulse_control"
    ]


def test_a_crisis_written_in_another_language_raises_self_harm_but_an_idiom_does_not() -> None:
    assert detected("quiero morir, las piernas no paran") == ["self_harm"]
    assert detected("ich will nicht mehr leben, beine die ganze nacht") == ["self_harm"]
    assert by_rules("me muero de risa con este video, legs ok") == []


def test_someone_else_reporting_what_they_saw_is_still_about_the_writer() -> None:
    assert detected("husband says my mouth is drooping and i sound drunk") == ["stroke"]


def test_the_most_urgent_flag_comes_first() -> None:
    assert detected("I'm pregnant and I want to die") == ["self_harm", "pregnancy"]
    assert [f.severity for f in FLAGS.scan("pregnant and my calf is swollen and red")] == [
        Severity.URGENT,
        Severity.DOCTOR,
    ]


def test_urgent_flags_are_clot_stroke_and_drowsy_driving_and_they_block_the_remedy() -> None:
    urgent = {f.id for f in FLAGS.flags if f.severity is Severity.URGENT}
    assert urgent == {"clot", "stroke", "drowsy_driving"}
    blocking = {f.id for f in FLAGS.flags if f.blocks_remedy}
    assert {"self_harm", "clot", "stroke", "drowsy_driving"} <= blocking


def test_crisis_and_urgent_messages_name_the_emergency_number_and_say_nobody_reads() -> None:
    for flag in FLAGS.flags:
        if flag.urgent:
            assert "{emergency}" in flag.message
            assert "No person reads this chat" in flag.message
    clot = FLAGS.get("clot")
    assert clot is not None
    assert "Short of breath or chest pain: call emergency services now" in clot.message
    assert "see a doctor today" in clot.message


def test_an_old_one_sided_weakness_id_reads_as_stroke() -> None:
    night = Night.model_validate(
        {"night": "2026-11-20", "tz": "UTC", "red_flags": ["one_sided_weakness", "stroke"]}
    )
    assert night.red_flags == ("stroke",)
    old = FLAGS.get("one_sided_weakness")
    assert old is not None and old.id == "stroke"
    assert FLAGS.titles()["one_sided_weakness"] == FLAGS.titles()["stroke"]


def test_matching_ignores_case_accents_and_apostrophes() -> None:
    assert normalize("DON’T Stop — Café!") == "dont stop cafe"
    assert detected("JE SUIS PRÉGNANT? no: I’M PREGNANT, 12 WEEKS") == ["pregnancy"]


def test_an_empty_or_hostile_note_raises_nothing_and_does_not_fail() -> None:
    assert detected("") == []
    assert detected("   \n\t ") == []
    assert detected("<b>&amp;</b>" * 500) == []
    assert detected("\u0000\u202e😀" * 100) == []


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (CONTENT.parent / "red_flags.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "red_flags.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_example_that_does_not_match_is_a_content_error(tmp_path: Path) -> None:
    path = _variant(tmp_path, '"I\'m pregnant, 30 weeks",', '"I am going on a trip",')
    with pytest.raises(ContentError, match=r"flag 'pregnancy': field 'must_match': 'I am going"):
        load_red_flags(path)


def test_a_message_with_unsupported_markup_is_a_content_error(tmp_path: Path) -> None:
    path = _variant(tmp_path, "<b>This could be a blood clot.", "<u>This could be a blood clot.")
    with pytest.raises(ContentError, match="flag 'clot': field 'message': only <b> and <i>"):
        load_red_flags(path)


def test_an_urgent_message_without_the_emergency_number_is_a_content_error(
    tmp_path: Path,
) -> None:
    path = _variant(tmp_path, "call emergency services now ({emergency})", "call for help now")
    with pytest.raises(ContentError, match=r"flag 'clot': field 'message': .*'\{emergency\}'"):
        load_red_flags(path)


def test_a_rule_naming_an_unknown_concept_is_a_content_error(tmp_path: Path) -> None:
    rule = '"leg_part ~8 red_hot ~6 leg_pain unless both_sides",'
    path = _variant(tmp_path, rule, '"leg_part ~8 puffy",')
    with pytest.raises(ContentError, match="unknown concept 'puffy'"):
        load_red_flags(path)


def test_a_rule_with_a_dangling_operator_is_a_content_error(tmp_path: Path) -> None:
    path = _variant(tmp_path, '"clot_word unless all_clear clot_idea",', '"clot_word ~",')
    with pytest.raises(ContentError, match=r"flag 'clot': field 'rules': .*both sides"):
        load_red_flags(path)


@pytest.mark.parametrize(
    ("tz", "language", "country"),
    [
        ("America/Chicago", None, "United States"),
        ("Europe/London", "de", "United Kingdom"),
        ("America/Toronto", None, "Canada"),
        ("Australia/Sydney", None, "Australia"),
        ("Europe/Berlin", "en", "Germany"),
        (None, "en-GB", "United Kingdom"),
        ("Asia/Tokyo", "ja", "your country"),
    ],
)
def test_crisis_lines_follow_the_time_zone_then_the_language(
    tz: str | None, language: str | None, country: str
) -> None:
    assert CRISIS.for_person(tz, language).name == country


def test_zone_countries_come_from_tzdata() -> None:
    assert country_of_zone("Europe/Vienna") == "AT"
    assert country_of_zone("Mars/Base") is None
