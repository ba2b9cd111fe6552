"""seed_demo is deterministic and --reset replaces rather than duplicates; checked on a small
province (the province generator with every count scaled down) to stay fast."""

from demand import models as dm
from enterprises import models as em
from exchange import demo_city

SMALL_PROVINCE = demo_city.scaled(demo_city.PROVINCE, 0.004)


def test_same_seed_gives_the_same_rows_and_reset_replaces_them(db):
    first = demo_city.seed(spec=SMALL_PROVINCE, seed=7)
    digest = demo_city.digest()
    assert first["counts"]["college"] == 4
    assert first["counts"]["enterprise"] == 200
    assert dm.DemandItem.objects.count() == first["counts"]["demanditem"] > 1000
    districts = set(em.Enterprise.objects.values_list("district", flat=True))
    assert len(districts) > 20
    assert all(d[: d.index("市") + 1] in demo_city.ref.PROVINCE_CITIES for d in districts)

    again = demo_city.seed(spec=SMALL_PROVINCE, seed=7, reset=True)
    assert again["counts"] == first["counts"]
    assert dm.DemandItem.objects.count() == first["counts"]["demanditem"]
    assert demo_city.digest() == digest

    demo_city.seed(spec=SMALL_PROVINCE, seed=8, reset=True)
    assert demo_city.digest() != digest
