"""Per-row rules of college rows that the services and the bundle import both apply.

- Partners of an industry college: chain leaders (链主) are partners too. A chain leader not named
  among the partners is added to them, on the pages, in the API and in imports alike.
"""


def partner_flags(partners, chain_leaders) -> dict:
    """The partners (chain leaders added) → whether each is a chain leader, in the order first named."""
    flags = dict.fromkeys(partners, False)
    for leader in chain_leaders:
        flags[leader] = True
    return flags
