"""E-mail of notices through Django's e-mail backend (console in development, SMTP from the
environment in production: README "Configuration")."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from .choices import MailStatus
from .models import Notice

log = logging.getLogger(__name__)


def _claim(notice_ids: list[int]) -> list[Notice]:
    """Take the queued notices among `notice_ids` for this worker: rows another worker holds are
    skipped, and the claimed ones leave `queued`, so a redelivered task never mails twice."""
    with transaction.atomic():
        claimed = list(
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk__in=notice_ids, mail_status=MailStatus.QUEUED)
        )
        Notice.objects.filter(pk__in=[notice.pk for notice in claimed]).update(mail_status=MailStatus.SENDING)
    return claimed


def _message(notice: Notice, connection) -> EmailMessage:
    body = notice.body
    if notice.url:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notice.url}"
    return EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{notice.title}",
        body=body,
        to=[notice.recipient.email],
        connection=connection,
    )


def notices_mail_send(*, notice_ids: list[int]) -> int:
    """Mail the queued notices among `notice_ids`, one message each over one connection; returns how
    many went. A message the server refuses marks its notice failed and the others still go."""
    claimed = _claim(notice_ids)
    if not claimed:
        return 0
    sent, failed = [], []
    with get_connection() as connection:
        for notice in claimed:
            try:
                _message(notice, connection).send()
                sent.append(notice.pk)
            except Exception:  # any SMTP or address error: this notice failed, the batch goes on
                log.exception("notice %s: e-mail to user %s failed", notice.pk, notice.recipient_id)
                failed.append(notice.pk)
    Notice.objects.filter(pk__in=sent).update(mail_status=MailStatus.SENT)
    Notice.objects.filter(pk__in=failed).update(mail_status=MailStatus.FAILED)
    return len(sent)
