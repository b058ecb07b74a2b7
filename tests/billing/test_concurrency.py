"""Two invoice runs for the same term at once, on PostgreSQL: one invoice per household.

The office may press the button while the command runs from cron, or a task may be retried
while the first attempt still runs. The runs take turns on the school's invoice counter row,
and the unique constraint on (household, term) stands behind that.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from billing import invoicing
from billing.models import Invoice
from tests import factories
from tests.waitlist.test_concurrency import postgres_only, together, unexpected

ITERATIONS = 5


def school_with_households(count: int) -> tuple[Any, Any]:
    school = factories.SchoolFactory()
    factories.FeeScheduleFactory(school=school, school_year=2026)
    term = factories.TermFactory(school=school)
    for _ in range(count):
        household = factories.HouseholdFactory(school=school)
        for _ in range(2):
            pupil = factories.PupilFactory(household=household)
            factories.PlacementFactory(
                pupil=pupil, offer=factories.OfferFactory(school=school), starts_term=term
            )
    return school, term


@postgres_only
def test_two_invoice_runs_at_once_create_one_invoice_per_household(transactional_db, monkeypatch):
    monkeypatch.setattr(invoicing, "CHUNK", 7)  # several chunks, so the runs interleave
    monkeypatch.setattr("billing.tasks.queue_sending", lambda ids: None)
    for _ in range(ITERATIONS):
        school, term = school_with_households(20)

        def run(school: Any = school, term: Any = term) -> invoicing.RunResult:
            return invoicing.invoices_create(school=school, term=term)

        outcomes = together(run, run, run)
        assert not unexpected(outcomes)
        assert sum(result.invoices for result in outcomes) == 20
        per_household = (
            Invoice.objects.filter(term=term).values("household").annotate(n=Count("pk"))
        )
        assert {row["n"] for row in per_household} == {1}
        numbers = list(Invoice.objects.filter(school=school).values_list("number", flat=True))
        assert sorted(numbers) == list(range(1, 21))
