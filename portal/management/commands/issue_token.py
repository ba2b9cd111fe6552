"""manage.py issue_token USERNAME [--agency] [--revoke]: API tokens for other agencies' systems."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.roles import role_of
from portal.tokens import token_issue, token_revoke


class Command(BaseCommand):
    help = "Issue (or with --revoke, revoke) the API token of USERNAME; --agency creates a missing agency user."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--agency", action="store_true", help="create USERNAME as an agency user if missing")
        parser.add_argument("--revoke", action="store_true", help="delete the user's token instead")
        parser.add_argument(
            "--owner-account", action="store_true", help="confirm issuing to an enterprise or college account"
        )

    def handle(self, *args, username, agency, revoke, owner_account, **options):
        if revoke:
            if not token_revoke(username=username, by=None):
                raise CommandError(f"{username} has no token.")
            self.stdout.write(f"Revoked the token of {username}.")
            return
        try:
            token = token_issue(username=username, by=None, create_agency=agency, owner_confirmed=owner_account)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        if role_of(token.user) is None:
            self.stderr.write(f"Warning: {username} has no role; the API will refuse this token until it has one.")
        # The key alone on stdout, so scripts can capture it.
        self.stdout.write(token.key)
