"""Pages for teachers: their own teaching groups."""

from django.views.generic import DetailView, ListView

from kulturskole.access import TeacherMixin


class GroupListView(TeacherMixin, ListView):
    template_name = "teaching/groups.html"

    def get_queryset(self):
        return self.groups()


class GroupDetailView(TeacherMixin, DetailView):
    template_name = "teaching/group.html"

    def get_queryset(self):
        return self.groups()
