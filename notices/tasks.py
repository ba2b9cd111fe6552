"""Celery tasks of the notices app (queue `notices`): take ids, call a service."""

from celery import shared_task

from . import mail


@shared_task(acks_late=True)
def send_notice_mail(notice_ids: list[int]) -> int:
    """Mail the given notices (after the commit that created them)."""
    return mail.notices_mail_send(notice_ids=notice_ids)
