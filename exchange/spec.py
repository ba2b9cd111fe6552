"""The bundle format of SPEC 7: file names, in dependency order, and their canonical columns."""

FILES: dict[str, tuple[str, ...]] = {
    "industries": ("code", "name", "parent_code"),
    "clusters": ("code", "name", "industry_codes", "is_key", "order"),
    "majors": ("code", "name", "level", "industry_codes"),
    "districts": ("code", "name", "order"),
    "priority_majors": ("major_code", "cluster_code", "effective_from", "effective_to"),
    "enterprises": ("uscc", "name", "industry_code", "district", "scale", "tags", "integration_certified_on"),
    "colleges": ("code", "name", "kind", "district"),
    "programs": (
        "college_code",
        "major_code",
        "schooling",
        "established_on",
        "closed_on",
        "enrollment_status",
        "emerging",
    ),
    "program_years": (
        "college_code",
        "major_code",
        "schooling",
        "year",
        "enrolled",
        "admitted",
        "graduates",
        "employed",
        "employed_in_field",
        "employed_locally",
    ),
    "demand_items": (
        "uscc",
        "year",
        "quarter",
        "list_status",
        "kind",
        "title",
        "industry_code",
        "major_code",
        "headcount",
        "due_on",
        "status",
        "fulfilled_on",
        "fulfilled_headcount",
    ),
    "industry_colleges": (
        "code",
        "name",
        "college_code",
        "cluster_code",
        "established_on",
        "partner_usccs",
        "chain_leader_usccs",
    ),
    "training_bases": ("code", "name", "college_code", "uscc", "kind", "certified", "established_on", "closed_on"),
    "order_classes": ("college_code", "major_code", "schooling", "uscc", "year", "name", "seats", "kind"),
    "cooperation_projects": ("code", "name", "college_code", "uscc", "started_on", "ended_on"),
    "training_sessions": ("college_code", "uscc", "title", "held_on", "trainees"),
}

LIST_SEPARATOR = ";"

# A text cell starting with one of these is a formula to a spreadsheet; exports prefix it with an
# apostrophe (OWASP "CSV injection") and imports remove exactly that apostrophe again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The exported form of a text cell."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unneutralise(text: str) -> str:
    """The inverse of neutralise()."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
