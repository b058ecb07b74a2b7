"""Pages for teachers: their own teaching groups, this term and the ones coming up.

`TeacherMixin` lets only users with a teacher role in (403 for others, such as office staff
who do not teach) and `groups()` holds only the signed-in teacher's groups, so another
teacher's group is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.views.generic import DetailView, ListView

from enrollment import selectors
from enrollment.models import TeachingGroup
from kulturskole.access import TeacherMixin, get_in_scope


class GroupListView(TeacherMixin, ListView):
    template_name = "teaching/groups.html"
    context_object_name = "groups"

    def get_queryset(self) -> QuerySet[TeachingGroup]:
        return selectors.teacher_groups_from(self.groups(), timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # Cards grouped by term; the queryset is ordered by term already.
        terms: list[tuple[Any, list[TeachingGroup]]] = []
        for group in context["groups"]:
            if not terms or terms[-1][0] != group.term:
                terms.append((group.term, []))
            terms[-1][1].append(group)
        context.update(terms=terms, today=today)
        return context


class GroupDetailView(TeacherMixin, DetailView):
    template_name = "teaching/group.html"
    context_object_name = "group"

    def get_object(self, queryset: Any = None) -> TeachingGroup:
        groups = self.groups().select_related(
            "offer__school", "offer__department", "term", "location"
        )
        return get_in_scope(groups, pk=self.kwargs["pk"])
