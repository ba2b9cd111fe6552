"""Per-row rules of enterprises that the services and the bundle import both apply.

- Tags are a list of the four known values (SPEC 3); the message names the unknown ones and the options.
"""

from django.utils.translation import gettext as _

from .choices import EnterpriseTag


def unknown_tags_error(tags) -> str | None:
    """The message for tags outside EnterpriseTag, or None."""
    unknown = [tag for tag in tags if tag not in EnterpriseTag.values]
    if not unknown:
        return None
    options = "、".join(f"{value}（{label}）" for value, label in EnterpriseTag.choices)
    return _("未知的企业标签：%(tags)s；可选值：%(options)s。") % {"tags": "、".join(unknown), "options": options}
