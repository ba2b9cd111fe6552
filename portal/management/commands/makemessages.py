"""Django's makemessages with the project's defaults, so `manage.py makemessages -l en` (or `make messages`)
always writes the same catalogues: the Chinese source strings of our apps and templates, nothing from the
virtualenv, generated or vendored folders, file-only locations (line numbers would make every merge of
two branches conflict in the .po) and no obsolete entries (README "Translations")."""

from django.core.management.commands import makemessages

IGNORED = ["staticfiles", "test-artifacts", "bench-results", "bench", "tests", "var", "node_modules"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options["add_location"] = options["add_location"] or "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)
