"""Per-row rules of reference data that the services (pages, API, admin) and the bundle import both apply.

- A college's or enterprise's district is one of the bureau's districts (SPEC 2); a bundle without
  districts.csv brings its districts with the names it uses (exchange), otherwise an unknown name is refused.
  A district still named by a college or enterprise can be neither deleted nor renamed (the rows name it).
- Key clusters may not share an industry (SPEC 2): no code of one may match a code of another by prefix.
  The message names both codes and the other cluster by name and code.
"""

from django.utils.translation import gettext as _

from .matching import overlapping_codes

# The models of the floors above that name a district by its name (College, Enterprise). Each adds itself
# in its AppConfig.ready(), so the district services can check them without importing upwards.
DISTRICT_HOLDERS: list = []


def cluster_overlap_error(codes, other_key_clusters) -> str | None:
    """The message for the first key cluster among `other_key_clusters` ((code, name, industry_codes), …)
    that shares an industry with `codes`, or None."""
    for code, name, other_codes in other_key_clusters:
        clash = overlapping_codes(codes, other_codes or [])
        if clash:
            return _("重点集群之间不得共享行业：%(mine)s 与集群「%(other)s」（%(code)s）的 %(theirs)s 重叠。") % {
                "mine": clash[0],
                "other": name,
                "code": code,
                "theirs": clash[1],
            }
    return None


def district_error(name: str) -> str | None:
    """The message for a district name that is not in the bureau's list, or None."""
    from .models import District

    if not name or District.objects.filter(name=name).exists():
        return None
    return _("区县「%(name)s」不在教育局维护的区县列表中。") % {"name": name}


def district_in_use_error(name: str) -> str | None:
    """The message for a district still named by colleges or enterprises (one count per holder), or None."""
    uses = [(m._meta.verbose_name, m._default_manager.filter(district=name).count()) for m in DISTRICT_HOLDERS]
    named = "、".join(_("%(label)s %(count)s 个") % {"label": label, "count": count} for label, count in uses if count)
    if not named:
        return None
    return _("区县「%(name)s」仍被 %(named)s 使用，不能删除或改名；请先把它们改到其他区县。") % {
        "name": name,
        "named": named,
    }
