"""The invoice rules as plain functions, rule by rule, with no database (§6, §8b, §9, §12, §13)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing import rules
from billing.rules import (
    Billing,
    EndReason,
    HouseholdFacts,
    LineKind,
    PlaceFacts,
    Policy,
    Reduction,
    ReminderStep,
    TermFacts,
)

AUTUMN = TermFacts(starts_on=dt.date(2026, 8, 24), ends_on=dt.date(2026, 12, 18), teaching_weeks=16)
POLICY = Policy()
FEE = Decimal("1850.00")


def place(pid: int = 1, pupil: int = 1, **values: object) -> PlaceFacts:
    defaults: dict[str, object] = {
        "placement_id": pid,
        "pupil_id": pupil,
        "pupil_name": f"Pupil {pupil}",
        "offer_name": f"Offer {pid}",
        "is_course": False,
        "starts_on": dt.date(2026, 1, 5),
        "fee": FEE,
    }
    defaults.update(values)
    return PlaceFacts(**defaults)  # type: ignore[arg-type]


def bill(*places: PlaceFacts, policy: Policy = POLICY, **household: object) -> list[rules.Line]:
    facts = HouseholdFacts(term=AUTUMN, places=places, **household)  # type: ignore[arg-type]
    return rules.invoice_lines(facts, policy)


def amounts(lines: list[rules.Line]) -> list[tuple[str, int | None, Decimal]]:
    return [(line.kind.value, line.placement_id, line.amount) for line in lines]


# --- §12a–b fees --------------------------------------------------------------------------------


def test_s12a_one_place_pays_the_fee_for_the_term():
    lines = bill(place())
    assert amounts(lines) == [("place_fee", 1, FEE)]
    assert lines[0].rule == "§12a"


def test_s12a_instrument_rental_and_extras_are_added_per_term():
    lines = bill(place(rental=Decimal("400"), extras=(("Materials", Decimal("150")),)))
    assert amounts(lines) == [
        ("place_fee", 1, FEE),
        ("rental", 1, Decimal("400.00")),
        ("extra", 1, Decimal("150.00")),
    ]
    assert rules.total(lines) == Decimal("2400.00")


def test_s12b_a_course_is_billed_once_with_its_own_price_in_the_term_it_starts():
    course = place(is_course=True, fee=Decimal("900"), course_starts_on=dt.date(2026, 9, 1))
    assert amounts(bill(course)) == [("course", 1, Decimal("900.00"))]
    spring = TermFacts(dt.date(2027, 1, 4), dt.date(2027, 6, 18), 18)
    assert rules.billing_of(course, spring) == Billing.COURSE_BILLED_ELSEWHERE


# --- §12c sibling discount ----------------------------------------------------------------------


def test_s12c_the_second_sibling_gets_25_percent_on_one_place():
    lines = bill(place(1, pupil=1), place(2, pupil=2))
    discounts = [line for line in lines if line.kind == LineKind.SIBLING_DISCOUNT]
    assert [(d.placement_id, d.amount) for d in discounts] == [(2, Decimal("-462.50"))]


def test_s12c_the_first_sibling_is_the_one_whose_place_costs_most_and_pays_in_full():
    cheap = place(1, pupil=1, fee=Decimal("1000"))
    dear = place(2, pupil=2, fee=Decimal("2000"))
    discounts = [line for line in bill(cheap, dear) if line.kind == LineKind.SIBLING_DISCOUNT]
    assert [(d.placement_id, d.amount) for d in discounts] == [(1, Decimal("-250.00"))]


def test_s12c_a_sibling_with_two_places_gets_the_discount_on_one_of_them_only():
    lines = bill(place(1, pupil=1), place(2, pupil=2), place(3, pupil=2))
    discounts = [line for line in lines if line.kind == LineKind.SIBLING_DISCOUNT]
    assert len(discounts) == 1


def test_s12c_the_first_sibling_with_two_places_pays_both_in_full():
    lines = bill(place(1, pupil=1), place(2, pupil=1), place(3, pupil=2, fee=Decimal("1000")))
    discounts = [line.placement_id for line in lines if line.kind == LineKind.SIBLING_DISCOUNT]
    assert discounts == [3]


def test_s12c_three_siblings_give_two_discounts():
    lines = bill(place(1, pupil=1), place(2, pupil=2), place(3, pupil=3))
    assert sum(line.kind == LineKind.SIBLING_DISCOUNT for line in lines) == 2


def test_s12c_one_child_alone_gets_no_sibling_discount():
    assert all(line.kind != LineKind.SIBLING_DISCOUNT for line in bill(place(1), place(2)))


def test_s12c_rental_and_courses_are_not_discounted_unless_the_policy_says_so():
    first = place(1, pupil=1)
    renting = place(2, pupil=2, fee=Decimal("0"), rental=Decimal("400"))
    course = place(3, pupil=3, is_course=True, fee=Decimal("900"), starts_on=dt.date(2026, 9, 1))
    assert all(line.kind != LineKind.SIBLING_DISCOUNT for line in bill(first, renting, course))
    generous = Policy(sibling_discount_on_rental=True, sibling_discount_on_courses=True)
    discounts = {
        line.placement_id: line.amount
        for line in bill(first, renting, course, policy=generous)
        if line.kind == LineKind.SIBLING_DISCOUNT
    }
    assert discounts == {2: Decimal("-100.00"), 3: Decimal("-225.00")}


def test_s12c_the_discount_does_not_depend_on_the_order_of_the_places():
    places = [place(1, pupil=1), place(2, pupil=2), place(3, pupil=3, fee=Decimal("2000"))]
    assert rules.total(bill(*places)) == rules.total(bill(*reversed(places)))


# --- §12d free place ----------------------------------------------------------------------------


def test_s12d_a_free_place_zeroes_the_place_fee_but_not_the_rental():
    lines = bill(place(rental=Decimal("400")), free_place=True)
    assert amounts(lines) == [
        ("place_fee", 1, FEE),
        ("free_place", 1, -FEE),
        ("rental", 1, Decimal("400.00")),
    ]
    assert rules.total(lines) == Decimal("400.00")


def test_s12d_a_free_place_leaves_no_sibling_discount_to_give():
    lines = bill(place(1, pupil=1), place(2, pupil=2), free_place=True)
    assert rules.total(lines) == Decimal("0.00")
    assert all(line.kind != LineKind.SIBLING_DISCOUNT for line in lines)


# --- §6, §9 which terms are billed --------------------------------------------------------------


def test_s6_a_withdrawal_in_the_trial_costs_nothing():
    withdrawn = place(
        starts_on=dt.date(2026, 8, 24),
        ends_on=dt.date(2026, 9, 1),
        end_reason=EndReason.TRIAL_WITHDRAWAL,
    )
    assert bill(withdrawn) == []


def test_s9a_a_place_ended_during_the_term_pays_the_whole_term():
    ended = place(ends_on=dt.date(2026, 10, 1), end_reason=EndReason.OTHER)
    assert rules.total(bill(ended)) == FEE


def test_s9c_late_notice_binds_the_next_term_in_full():
    # Notice on 2 December 2026 ends the place after the spring term 2027 (enrollment rules).
    bound = place(ends_on=dt.date(2027, 6, 18), end_reason=EndReason.OTHER)
    spring = TermFacts(dt.date(2027, 1, 4), dt.date(2027, 6, 18), 18)
    assert rules.billing_of(bound, spring) == Billing.BILLED


def test_s9b_a_place_that_ended_before_the_term_is_not_billed():
    ended = place(ends_on=dt.date(2026, 6, 19), end_reason=EndReason.OTHER)
    assert rules.billing_of(ended, AUTUMN) == Billing.ENDED_BEFORE


def test_a_place_starting_after_the_term_is_not_billed():
    assert rules.billing_of(place(starts_on=dt.date(2027, 1, 4)), AUTUMN) == Billing.NOT_STARTED


def test_s11_a_place_left_for_a_switch_during_the_term_is_not_billed_beside_the_new_one():
    old = place(ends_on=dt.date(2026, 9, 30), end_reason=EndReason.SWITCH)
    assert rules.billing_of(old, AUTUMN) == Billing.SWITCHED


def test_s9e_no_reduction_when_the_school_terminates_the_place():
    terminated = place(
        ends_on=dt.date(2026, 10, 15),
        end_reason=EndReason.TERMINATION,
        cancelled_weeks=4,
        reductions=(Reduction(LineKind.MOVING, weeks=10),),
    )
    assert amounts(bill(terminated)) == [("place_fee", 1, FEE)]


# --- §8b cancelled lessons ----------------------------------------------------------------------


def test_s8b_two_cancelled_lessons_give_no_reduction():
    assert rules.total(bill(place(cancelled_weeks=2))) == FEE


def test_s8b_three_cancelled_lessons_reduce_50_kr_per_cancelled_week():
    lines = bill(place(cancelled_weeks=3))
    assert amounts(lines)[-1] == ("cancelled_lessons", 1, Decimal("-150.00"))
    assert lines[-1].rule == "§8b"


def test_s8b_policy_may_count_only_the_weeks_beyond_the_threshold():
    policy = Policy(cancellation_only_weeks_beyond_threshold=True)
    assert amounts(bill(place(cancelled_weeks=3), policy=policy))[-1][2] == Decimal("-50.00")


# --- §13 reductions -----------------------------------------------------------------------------


def test_s13a_i_illness_over_4_weeks_with_a_doctors_note_reduces_50_kr_per_week():
    sick = place(reductions=(Reduction(LineKind.ILLNESS, weeks=6, doctors_note=True),))
    assert amounts(bill(sick))[-1] == ("illness", 1, Decimal("-300.00"))


def test_s13a_i_illness_without_a_doctors_note_gives_no_reduction():
    sick = place(reductions=(Reduction(LineKind.ILLNESS, weeks=6, doctors_note=False),))
    assert rules.total(bill(sick)) == FEE


def test_s13a_i_illness_of_exactly_4_weeks_gives_no_reduction():
    assert rules.s13_illness_weeks(4, doctors_note=True, policy=POLICY) == 0
    assert rules.s13_illness_weeks(5, doctors_note=True, policy=POLICY) == 5


def test_s13a_ii_moving_with_more_than_8_weeks_left_reduces_per_unused_week():
    moving = place(reductions=(Reduction(LineKind.MOVING, weeks=9),))
    assert amounts(bill(moving))[-1] == ("moving", 1, Decimal("-450.00"))
    assert rules.s13_moving_weeks(8, POLICY) == 0


def test_s13a_iii_a_place_offered_after_more_than_4_lessons_is_reduced_per_week_missed():
    late = place(starts_on=dt.date(2026, 9, 28), lessons_before_start=5, weeks_before_start=5)
    assert amounts(bill(late))[-1] == ("late_start", 1, Decimal("-250.00"))


def test_s13a_iii_a_place_offered_after_4_lessons_is_not_reduced():
    late = place(starts_on=dt.date(2026, 9, 21), lessons_before_start=4, weeks_before_start=4)
    assert rules.total(bill(late)) == FEE


def test_s13b_reductions_never_take_a_place_below_zero():
    cheap = place(
        fee=Decimal("100"),
        cancelled_weeks=10,
        reductions=(Reduction(LineKind.MOVING, weeks=12),),
    )
    lines = bill(cheap)
    assert rules.total(lines) == Decimal("0.00")


def test_s13b_reductions_count_at_most_the_terms_teaching_weeks():
    sick = place(reductions=(Reduction(LineKind.ILLNESS, weeks=30, doctors_note=True),))
    assert amounts(bill(sick))[-1][2] == Decimal("-800.00")  # 16 weeks at 50 kr


# --- Corrections --------------------------------------------------------------------------------


def test_a_change_after_invoicing_becomes_correction_lines_not_an_edit():
    before = bill(place(1, pupil=1), place(2, pupil=2))
    invoiced = {line.key: line.amount for line in before}
    after = bill(place(1, pupil=1), place(2, pupil=2, cancelled_weeks=3))
    changes = rules.differences(invoiced, after)
    assert [(c.kind.value, c.amount) for c in changes] == [
        ("cancelled_lessons", Decimal("-150.00"))
    ]


def test_a_place_withdrawn_after_invoicing_is_credited_in_full():
    before = bill(place(1, pupil=1), place(2, pupil=2))
    invoiced = {line.key: line.amount for line in before}
    after = bill(place(1, pupil=1), place(2, pupil=2, end_reason=EndReason.TRIAL_WITHDRAWAL))
    changes = rules.differences(invoiced, after)
    assert sum(c.amount for c in changes) == -(FEE - Decimal("462.50"))
    assert all(c.line is None for c in changes)


def test_nothing_changed_gives_no_differences():
    lines = bill(place(1), place(2, pupil=2))
    assert rules.differences({line.key: line.amount for line in lines}, lines) == []


# --- Reminders and §9d i ------------------------------------------------------------------------


def step(today: dt.date, **dates: dt.date | None) -> ReminderStep | None:
    values: dict[str, dt.date | None] = {
        "first_reminder_on": None,
        "second_reminder_on": None,
        "flagged_on": None,
    }
    values.update(dates)
    return rules.reminder_step(
        due_on=dt.date(2026, 9, 30),
        today=today,
        reminder_after_days=14,
        second_reminder_after_days=14,
        flag_after_days=14,
        **values,  # type: ignore[arg-type]
    )


def test_the_first_reminder_comes_the_policy_days_after_the_due_date():
    assert step(dt.date(2026, 10, 13)) is None
    assert step(dt.date(2026, 10, 14)) == ReminderStep.FIRST


def test_the_second_reminder_follows_the_first():
    first = dt.date(2026, 10, 14)
    assert step(dt.date(2026, 10, 27), first_reminder_on=first) is None
    assert step(dt.date(2026, 10, 28), first_reminder_on=first) == ReminderStep.SECOND


def test_s9d_i_after_the_second_reminder_the_invoice_is_flagged_for_termination():
    first, second = dt.date(2026, 10, 14), dt.date(2026, 10, 28)
    dates = {"first_reminder_on": first, "second_reminder_on": second}
    assert step(dt.date(2026, 11, 11), **dates) == ReminderStep.FLAG
    assert step(dt.date(2026, 11, 12), **dates, flagged_on=dt.date(2026, 11, 11)) is None


# --- Properties ---------------------------------------------------------------------------------

MONEY = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def households(draw: st.DrawFn) -> HouseholdFacts:
    count = draw(st.integers(min_value=0, max_value=7))
    places = []
    for pid in range(1, count + 1):
        is_course = draw(st.booleans())
        places.append(
            place(
                pid,
                pupil=draw(st.integers(min_value=1, max_value=4)),
                is_course=is_course,
                fee=draw(MONEY),
                rental=Decimal(0) if is_course else draw(MONEY),
                extras=tuple((f"extra {n}", draw(MONEY)) for n in range(draw(st.integers(0, 2)))),
                starts_on=draw(
                    st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 2, 1))
                ),
                end_reason=draw(st.sampled_from(list(EndReason))),
                cancelled_weeks=draw(st.integers(0, 20)),
                lessons_before_start=draw(st.integers(0, 12)),
                weeks_before_start=draw(st.integers(0, 16)),
                reductions=tuple(
                    Reduction(
                        kind, weeks=draw(st.integers(0, 30)), doctors_note=draw(st.booleans())
                    )
                    for kind in draw(
                        st.lists(st.sampled_from([LineKind.ILLNESS, LineKind.MOVING]), max_size=2)
                    )
                ),
            )
        )
    return HouseholdFacts(term=AUTUMN, places=tuple(places), free_place=draw(st.booleans()))


POLICIES = st.builds(
    Policy,
    sibling_discount_percent=st.decimals(0, 100, places=2),
    sibling_discount_places_per_sibling=st.integers(0, 3),
    sibling_discount_on_rental=st.booleans(),
    sibling_discount_on_courses=st.booleans(),
    cancellation_only_weeks_beyond_threshold=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(households(), POLICIES)
def test_property_total_is_the_sum_of_lines_never_negative_discount_once_per_sibling(
    household, policy
):
    lines = rules.invoice_lines(household, policy)
    total = rules.total(lines)
    assert total == sum((line.amount for line in lines), Decimal(0))
    assert total >= 0
    # Each place on its own is never below zero either.
    for pid in {line.placement_id for line in lines}:
        assert sum(line.amount for line in lines if line.placement_id == pid) >= 0
    # The sibling discount: at most the policy's number per sibling, never for the first.
    discounted = [line.pupil_id for line in lines if line.kind == LineKind.SIBLING_DISCOUNT]
    for pupil in set(discounted):
        assert discounted.count(pupil) <= policy.sibling_discount_places_per_sibling
    pupils_billed = {line.pupil_id for line in lines}
    assert len(set(discounted)) <= max(len(pupils_billed) - 1, 0)
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in lines)


@settings(max_examples=100, deadline=None)
@given(households(), POLICIES)
def test_property_the_bill_does_not_depend_on_the_order_of_the_places(household, policy):
    reversed_household = replace(household, places=tuple(reversed(household.places)))
    assert rules.total(rules.invoice_lines(household, policy)) == rules.total(
        rules.invoice_lines(reversed_household, policy)
    )


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        (dt.date(2026, 8, 24), dt.date(2026, 8, 24), 0),
        (dt.date(2026, 8, 24), dt.date(2026, 9, 21), 4),
        (dt.date(2026, 8, 24), dt.date(2026, 9, 20), 3),
        (dt.date(2026, 9, 1), dt.date(2026, 8, 24), 0),
    ],
)
def test_teaching_weeks_between_counts_whole_weeks(start, end, weeks):
    assert rules.teaching_weeks_between(start, end) == weeks
