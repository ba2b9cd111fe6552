"""seed_demo is deterministic and --reset replaces rather than duplicates; checked on a small
province (the province generator with every count scaled down) to stay fast."""

from demand import models as dm
from enterprises import models as em
from exchange import demo_city
from programs import models as prm
from reference import models as rm

SMALL_PROVINCE = demo_city.scaled(demo_city.PROVINCE, 0.004)


def test_same_seed_gives_the_same_rows_and_reset_replaces_them(db):
    rm.District.objects.all().delete()  # the test city's districts (conftest): the digest covers the province's only
    first = demo_city.seed(spec=SMALL_PROVINCE, seed=7)
    digest = demo_city.digest()
    assert first["counts"]["college"] == 4
    assert first["counts"]["enterprise"] == 200
    assert dm.DemandItem.objects.count() == first["counts"]["demanditem"] > 1000
    districts = set(em.Enterprise.objects.values_list("district", flat=True))
    assert len(districts) > 20
    assert all(d[: d.index("市") + 1] in demo_city.ref.PROVINCE_CITIES for d in districts)
    # Every district of the province with its GB/T 2260 code, a directory, cohorts still in school.
    codes = dict(rm.District.objects.filter(name__in=districts).values_list("name", "code"))
    assert set(codes) == districts and all(len(code) == 6 for code in codes.values())
    assert rm.PriorityMajor.objects.exclude(cluster=None).exists()
    assert prm.ProgramYear.objects.filter(year__gt=2026, graduates=0, enrolled__gt=0).exists()

    again = demo_city.seed(spec=SMALL_PROVINCE, seed=7, reset=True)
    assert again["counts"] == first["counts"]
    assert dm.DemandItem.objects.count() == first["counts"]["demanditem"]
    assert demo_city.digest() == digest

    demo_city.seed(spec=SMALL_PROVINCE, seed=8, reset=True)
    assert demo_city.digest() != digest
