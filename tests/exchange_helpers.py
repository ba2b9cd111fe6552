"""Shared helpers of the exchange tests: bundles written to disk and a count of every table."""

import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings

from tests.factories import make_uscc

SMALL_CITY = Path(settings.BASE_DIR).parent / "shared" / "examples" / "small-city"

U1, U2, U3 = make_uscc(1), make_uscc(2), make_uscc(3)

# A tiny valid city the bad bundles are checked against (imported first, then left untouched).
BASE = {
    "industries": "code,name,parent_code\nC,制造业,\nC36,汽车制造业,C\nC3670,汽车零部件及配件制造,C36\n",
    "clusters": "code,name,industry_codes,is_key,order\nNEV,新能源汽车,C36,1,1\n",
    "majors": "code,name,level,industry_codes\n460701,汽车制造与试验技术,higher,C36\n",
    "enterprises": (
        "uscc,name,industry_code,district,scale,tags,integration_certified_on\n"
        f"{U1},淮安甲公司,C36,清江浦区,large,chain_leader,2024-01-01\n"
        f"{U2},淮安乙公司,C3670,淮阴区,small,,\n"
    ),
    "colleges": "code,name,kind,district\n13200,淮安第1职业技术学院,higher,清江浦区\n",
    "programs": (
        "college_code,major_code,schooling,established_on,closed_on,enrollment_status,emerging\n"
        "13200,460701,3yr_higher,2020-09-01,,normal,0\n"
    ),
}


def write_bundle(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write {file name: text or bytes} as a folder of CSV files (names without .csv get it added)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        filename = name if "." in name else f"{name}.csv"
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / filename).write_bytes(data)
    return folder


def small_city_copy(folder: Path) -> Path:
    """A scratch copy of the shared small city that a test may change."""
    shutil.copytree(SMALL_CITY, folder)
    return folder


DATA_APPS = ("reference", "enterprises", "colleges", "programs", "demand")


def table_counts() -> dict[str, int]:
    """Rows of every table the import may touch, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in DATA_APPS
        for model in apps.get_app_config(app).get_models()
    }
