"""A personal trial as a person lives it (issue 19), through the real Application: choosing
an idea, the plan, trial evenings and mornings, missed and unkept evenings, pauses, restarts,
red flags first, stopping early, and the answer at the end."""

from __future__ import annotations

from bot.booking import JobKind
from bot.config import Settings
from bot.context import Services
from bot.fake_telegram import FakeBotAPI, FakeTelegram, Sent
from bot.trial_plan import Arm, Verdict
from tests.conftest import Chat, FakeClock
from tests.harness import fire, job, process

TRIAL = "🔬 Trial evening"


async def start_trial(chat: Chat, length: int = 8) -> str:
    """/trial, the first idea offered, the length stepped to `length`, Start. The idea's title."""
    [listing] = await chat.send("/trial")
    assert "personal trial" in listing.text and listing.buttons
    title = listing.buttons[0][0]
    await chat.press(title, listing)
    offer = chat.api.messages[(chat.user_id, listing.message_id)]
    assert f"Test <b>{title}</b>?" in offer.html
    while (
        f"<b>{length} nights</b>" not in chat.api.messages[(chat.user_id, listing.message_id)].html
    ):
        current = chat.api.messages[(chat.user_id, listing.message_id)]
        [label] = [b for b, _ in current.buttons if b.startswith("Change length to")]
        await chat.press(label, current)
    await chat.press("Start the trial", chat.api.messages[(chat.user_id, listing.message_id)])
    started = chat.api.messages[(chat.user_id, listing.message_id)]
    assert "has begun" in started.text
    return title


async def evening(chat: Chat, clock: FakeClock) -> list[Sent]:
    """Fire the booked evening job; what it sent."""
    before = len(chat.api.history)
    await fire(chat.app, clock, job(chat.app, JobKind.EVENING, chat.user_id))
    return chat.api.history[before:]


async def morning(chat: Chat, clock: FakeClock) -> list[Sent]:
    """Fire the booked morning job; what it sent."""
    before = len(chat.api.history)
    await fire(chat.app, clock, job(chat.app, JobKind.MORNING, chat.user_id))
    return chat.api.history[before:]


async def trial_night(
    chat: Chat, clock: FakeClock, title: str, scores: dict[Arm, int], *, kept: bool = True
) -> tuple[Arm, list[Sent]]:
    """One trial evening and its morning; the evening's kind and what the last answer brought."""
    [check_in] = await evening(chat, clock)
    assert check_in.text.startswith(TRIAL), check_in.text
    arm = Arm.IDEA if "idea evening" in check_in.text.splitlines()[0] else Arm.USUAL
    [reply] = await chat.press("5", check_in)
    if arm is Arm.IDEA:
        assert reply.text.startswith(
            "Thanks, 5/10 noted. Tonight is an idea evening of your trial:"
        )
        assert title in reply.text
        assert [b for b, _ in reply.buttons] == ["I'll do it tonight"]
        await chat.press("I'll do it tonight", reply)
    else:
        assert "usual evening of your trial" in reply.text
        assert [b for b, _ in reply.buttons] == ["Show me an idea anyway"]
    [question] = await morning(chat, clock)
    assert "during the night" in question.text
    await chat.press(str(scores[arm]), question)
    await chat.press("Good", question)
    shown = chat.api.messages[(chat.user_id, question.message_id)]
    assert ("Did you do" if arm is Arm.IDEA else "Was it without") in shown.text
    after = await chat.press("Yes" if kept else "No", question)
    return arm, after


async def test_trial_offers_the_plan_as_a_calendar_and_starts_tonight(chat: Chat) -> None:
    await chat.onboard()
    [listing] = await chat.send("/trial")
    assert "idea evenings" in listing.text and "usual evenings" in listing.text
    title = listing.buttons[0][0]
    await chat.press(title, listing)
    offer = chat.api.messages[(chat.user_id, listing.message_id)]
    assert "The first trial evening is <b>Thu 26 Nov</b>" in offer.html
    assert "<b>14 nights</b>" in offer.html and "2–3 nights" in offer.html
    await chat.press("Change blocks to 3–4 nights", offer)
    offer = chat.api.messages[(chat.user_id, listing.message_id)]
    assert "blocks of <b>3–4 nights</b>" in offer.html
    await chat.press("Start the trial", offer)
    started = chat.api.messages[(chat.user_id, listing.message_id)]
    lines = started.text.splitlines()
    plan = [line for line in lines if line.endswith(("idea evening", "usual evening"))]
    assert len(plan) == 14
    assert plan[0].startswith(("💡 Thu 26 Nov", "▫️ Thu 26 Nov"))
    assert any("idea evening" in p for p in plan) and any("usual evening" in p for p in plan)
    # Pairs of equal blocks of 3-4: the first kind lasts 3 or 4 evenings.
    first = plan[0].endswith("idea evening")
    run = next(i for i, p in enumerate(plan) if p.endswith("idea evening") != first)
    assert run in (3, 4)


async def test_a_full_trial_says_in_plain_words_how_likely_the_idea_helps(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    title = await start_trial(chat, length=8)
    scores = {Arm.IDEA: 2, Arm.USUAL: 7}
    arms = []
    last: list[Sent] = []
    for _ in range(8):
        arm, last = await trial_night(chat, clock, title, scores)
        arms.append(arm)
    assert set(arms) == {Arm.IDEA, Arm.USUAL}
    # The answer comes first (a doctor prompt may follow: these nights were all bothered).
    done = last[0]
    assert f"Your trial of {title} is complete" in done.text
    assert f"About 9 in 10 chance that {title} makes your nights better" in done.text
    assert "by about 5 points out of 10 (8 nights, 8 as planned)" in done.text
    assert "not proof of cause" in done.text
    person = services.diary.require(chat.user_id)
    assert person.trial is None
    [outcome] = person.trials
    assert outcome.verdict is Verdict.BETTER and outcome.kept == 8
    # The next evening is an ordinary one again.
    [check_in] = await evening(chat, clock)
    assert not check_in.text.startswith(TRIAL)


async def test_an_evening_not_kept_as_planned_or_missed_is_added_at_the_end(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    title = await start_trial(chat, length=8)
    arm, _ = await trial_night(chat, clock, title, {Arm.IDEA: 3, Arm.USUAL: 5}, kept=False)
    [history] = await chat.send("/history")
    kind = "idea" if arm is Arm.IDEA else "usual"
    assert (
        f"🔬 {kind} evening (not as planned) · in the night {3 if kind == 'idea' else 5}/10"
        in (history.text)
    )
    # The next evening's check-in goes unanswered (no rating, no morning question).
    [unanswered] = await evening(chat, clock)
    assert "Trial evening 2" in unanswered.text
    assert await morning(chat, clock) == []
    [status] = await chat.send("/trial")
    assert "0 of 8 nights kept as planned" in status.text
    assert status.text.count("(not counted)") == 1
    plan = [line for line in status.text.splitlines() if line.endswith("evening")]
    # Besides the one not counted: one waiting for its answer and seven more to come.
    assert len(plan) == 1 + 7
    [check_in] = await evening(chat, clock)
    assert "Trial evening 3" in check_in.text


async def test_a_pause_holds_the_trial_and_it_goes_on_after(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.onboard()
    title = await start_trial(chat)
    await trial_night(chat, clock, title, {Arm.IDEA: 3, Arm.USUAL: 5})
    await chat.send("/pause 2")
    assert await evening(chat, clock) == []  # paused: no check-in and no trial evening
    assert await evening(chat, clock) == []
    [check_in] = await evening(chat, clock)
    assert "Trial evening 2" in check_in.text
    trial = services.diary.require(chat.user_id).trial
    assert trial is not None and trial.used == 2


async def test_the_trial_survives_a_restart(
    settings: Settings, clock: FakeClock, api: FakeBotAPI
) -> None:
    async with process(settings, clock, FakeTelegram(api), seed=7) as (app, _, errors):
        first = Chat(app, api, 4242)
        await first.onboard()
        title = await start_trial(first)
        await trial_night(first, clock, title, {Arm.IDEA: 3, Arm.USUAL: 5})
        assert errors == []
    async with process(settings, clock, FakeTelegram(api), seed=8) as (app, services, errors):
        second = Chat(app, api, 4242)
        [check_in] = await evening(second, clock)
        assert "Trial evening 2" in check_in.text
        trial = services.diary.require(4242).trial
        assert trial is not None and trial.used == 2
        assert errors == []


async def test_one_trial_at_a_time_and_stop_says_what_can_be_said(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    title = await start_trial(chat)
    [listing] = await chat.send("/remedies")
    other = next(label for label, _ in listing.buttons if label != title)
    [card] = await chat.press(other, listing)
    assert card.buttons == []  # no "Test it in a trial" while one runs
    [status] = await chat.send("/trial")
    assert f"Your trial of <b>{title}</b>" in status.html
    await chat.press("Stop the trial", status)
    asked = chat.api.messages[(chat.user_id, status.message_id)]
    assert "I'll tell you what can be said so far" in asked.text
    await chat.press("Stop it", asked)
    stopped = chat.api.messages[(chat.user_id, status.message_id)]
    assert f"Too few nights kept as planned to say anything about {title} yet" in stopped.text
    assert "(0 nights, 0 as planned)" in stopped.text
    [again] = await chat.send("/trial stop")
    assert "No trial is running" in again.text


async def test_a_red_flag_comes_before_the_idea_on_an_idea_evening(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    title = await start_trial(chat)
    while True:
        [check_in] = await evening(chat, clock)
        if "idea evening" in check_in.text.splitlines()[0]:
            break
        await chat.press("3", check_in)
        await morning(chat, clock)
    replies = await chat.send("My left calf is swollen, red and hot since this afternoon")
    assert "Saved your note" not in replies[0].text
    [reply] = await chat.press("6", check_in)
    assert title not in reply.text and "Evidence:" not in reply.text


async def test_trial_settings_take_sensible_limits_and_bad_words_get_help(chat: Chat) -> None:
    await chat.onboard()
    [wrong] = await chat.send("/trial length 50")
    assert "8 to 28 nights" in wrong.text
    [ok] = await chat.send("/trial length 21")
    assert "21 nights" in ok.text
    [blocks] = await chat.send("/trial blocks 2-2")
    assert "blocks of 2 nights" in blocks.text
    [nonsense] = await chat.send("/trial banana")
    assert "/trial length 14" in nonsense.text
    [listing] = await chat.send("/trial")
    assert "<b>21 nights</b>" in listing.html and "<b>2 nights</b>" in listing.html
    settings = (await chat.send("/settings"))[0]
    assert "Personal trials: 21 nights kept as planned, blocks of 2 nights" in settings.text


async def test_a_chosen_idea_can_be_tested_from_its_card(chat: Chat) -> None:
    await chat.onboard()
    await chat.send("/checkin")
    [card] = await chat.press("6")
    title = card.text.split("💡 ", 1)[1].splitlines()[0]
    await chat.press("I'll try it", card)
    [offer] = await chat.press(
        "🔬 Test it in a trial", chat.api.messages[(chat.user_id, card.message_id)]
    )
    assert f"Test <b>{title}</b>?" in offer.html
    # Tonight was already rated: the trial starts tomorrow.
    assert "The first trial evening is <b>Fri 27 Nov</b>" in offer.html


async def test_after_a_stop_the_evening_it_claimed_is_not_claimed_again(
    chat: Chat, clock: FakeClock
) -> None:
    await chat.onboard()
    await start_trial(chat)
    [check_in] = await evening(chat, clock)
    assert "Trial evening 1" in check_in.text
    await chat.send("/trial stop")
    [listing] = await chat.send("/trial")
    await chat.press(listing.buttons[0][0], listing)
    offer = chat.api.messages[(chat.user_id, listing.message_id)]
    # Tonight's evening belonged to the stopped trial: a new one would start tomorrow.
    assert "The first trial evening is <b>Fri 27 Nov</b>" in offer.html
    [reply] = await chat.press("4", check_in)
    assert "trial" not in reply.text.lower()
    [question] = await morning(chat, clock)
    assert "during the night" not in question.text and "How did you sleep" in question.text
