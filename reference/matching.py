"""The matching vocabulary of SPEC 2, written once: code prefixes, a major serving a cluster, an
industry's key cluster. Pages, the suggestions, the metric engine and the planner all use these."""

from dataclasses import dataclass

OTHER = "other"  # the bucket of everything outside the key clusters


def codes_match(a: str, b: str) -> bool:
    """Two industry codes match when one is a prefix of the other."""
    return a.startswith(b) or b.startswith(a)


def overlapping_codes(codes_a, codes_b) -> tuple[str, str] | None:
    """The first pair (a, b) with a matching b by prefix, or None."""
    for a in codes_a:
        for b in codes_b:
            if codes_match(a, b):
                return (a, b)
    return None


def serves(major_codes, cluster_codes) -> bool:
    """A major serves a cluster when any of its industry codes matches any of the cluster's."""
    return overlapping_codes(major_codes, cluster_codes) is not None


@dataclass
class KeyClusters:
    """The key clusters in display order, with their names and industry codes."""

    codes: list[str]
    names: dict[str, str]
    industry_codes: dict[str, list[str]]

    @classmethod
    def load(cls) -> "KeyClusters":
        from .models import IndustryCluster

        rows = list(
            IndustryCluster.objects.filter(is_key=True)
            .order_by("order", "code")
            .values_list("code", "name", "industry_codes")
        )
        return cls(
            codes=[code for code, _name, _codes in rows],
            names={code: name for code, name, _codes in rows},
            industry_codes={code: list(codes or []) for code, _name, codes in rows},
        )

    def of_industry(self, code: str) -> str:
        """The key cluster an industry belongs to, else OTHER.

        Key clusters may not overlap (IndustryCluster.clean), so the first match is the only one; a
        coarse code such as "C" that spans several clusters goes to the first in order.
        """
        if code:
            for cluster in self.codes:
                if any(codes_match(code, c) for c in self.industry_codes[cluster]):
                    return cluster
        return OTHER

    def served_by(self, major_codes) -> list[str]:
        """The key clusters a major with these industry codes serves, in order."""
        return [cluster for cluster in self.codes if serves(major_codes or [], self.industry_codes[cluster])]
