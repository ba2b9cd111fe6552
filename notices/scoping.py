"""Who sees and changes which notices: everyone, whatever the role, only their own."""

from django.db.models import Q

from portal.scoping import ScopedQuerySet


class NoticeQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        return Q(recipient_id=user.pk)

    def _change_q(self, user, role):
        return Q(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)
