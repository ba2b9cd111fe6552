"""seed_demo is deterministic and --reset replaces rather than duplicates; checked on a small
province (the province generator with every count scaled down) to stay fast."""

import pytest
from django.core.management import call_command

from enterprises import models as em
from exchange import demo_city
from programs import models as prm

SMALL_PROVINCE = demo_city.scaled(demo_city.PROVINCE, 0.004)


def test_same_seed_gives_the_same_rows_and_reset_replaces_them(db):
    first = demo_city.seed(spec=SMALL_PROVINCE, seed=7)
    digest = demo_city.digest()
    assert first["counts"]["college"] == 4
    assert first["counts"]["enterprise"] == 200
    assert em.DemandItem.objects.count() == first["counts"]["demanditem"] > 1000

    again = demo_city.seed(spec=SMALL_PROVINCE, seed=7, reset=True)
    assert again["counts"] == first["counts"]
    assert em.DemandItem.objects.count() == first["counts"]["demanditem"]
    assert demo_city.digest() == digest

    demo_city.seed(spec=SMALL_PROVINCE, seed=8, reset=True)
    assert demo_city.digest() != digest


def test_province_districts_and_names_come_from_the_whole_province(db):
    demo_city.seed(spec=SMALL_PROVINCE)
    districts = set(em.Enterprise.objects.values_list("district", flat=True))
    assert len(districts) > 20
    assert all(d[: d.index("市") + 1] in demo_city.ref.PROVINCE_CITIES for d in districts)
    assert prm.Program.objects.count() >= SMALL_PROVINCE.programs


def test_seed_demo_refuses_to_seed_over_data_and_reset_reseeds(db, capsys):
    demo_city.seed(spec=SMALL_PROVINCE)
    before = em.Enterprise.objects.count()
    with pytest.raises(demo_city.DemoDataExists):
        demo_city.seed(spec=SMALL_PROVINCE)
    assert em.Enterprise.objects.count() == before

    call_command("seed_demo", "--reset", "--seed", "3")
    out = capsys.readouterr().out
    assert em.Enterprise.objects.count() == 800
    assert "Demo@2026portal" in out and "bureau" in out
