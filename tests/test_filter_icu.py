"""scripts/filter_icu.py (run by scripts/build.sh on the Linux bundle): which ICU data items go,
and reading a data symbol out of a shared library."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "filter_icu.py"
spec = importlib.util.spec_from_file_location("filter_icu", SCRIPT)
assert spec is not None and spec.loader is not None
filter_icu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(filter_icu)


@pytest.mark.parametrize(
    "item",
    [
        "de.res",
        "coll/de.res",
        "coll/de__PHONEBOOK.res",
        "zone/ja.res",
        "rbnf/es_419.res",
        "lang/sr_Latn_BA.res",
        "unit/en_GB.res",
        "brkitr/fi.res",
        "brkitr/thaidict.dict",
        "brkitr/khmerdict.dict",
        "translit/root.res",
        "ibm-37_P100-1995.cnv",
        "euc-jp-2007.cnv",
    ],
)
def test_other_locales_converters_dictionaries_and_transliteration_go(item: str) -> None:
    assert filter_icu.removed(item)


@pytest.mark.parametrize(
    "item",
    [
        "root.res",
        "en.res",
        "en_US_POSIX.res",
        "zh_CN.res",
        "coll/zh.res",
        "coll/zh_Hant_HK.res",
        "coll/ucadata.icu",
        "zone/zh_Hans_CN.res",
        "curr/en_001.res",
        "pool.res",
        "res_index.res",
        "coll/res_index.res",
        "supplementalData.res",
        "likelySubtags.res",
        "zoneinfo64.res",
        "metaZones.res",
        "windowsZones.res",
        "zone/tzdbNames.res",
        "cnvalias.icu",
        "unames.icu",
        "nfkc.nrm",
        "confusables.cfu",
        "rfc3491.spp",
        "brkitr/word.brk",
        "brkitr/line_cj.brk",
        "brkitr/cjdict.dict",
        "gb18030.cnv",
        "windows-936-2000.cnv",
        "windows-950-2000.cnv",
    ],
)
def test_english_chinese_and_everything_not_locale_data_stays(item: str) -> None:
    assert not filter_icu.removed(item)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_a_data_symbol_is_read_out_of_a_shared_library(tmp_path: Path) -> None:
    source = tmp_path / "data.c"
    source.write_text(
        'const char other[] = "not this";\n'
        'const unsigned char icudt99_dat[] = "the data\\0\\1\\2";\n',
        encoding="ascii",
    )
    library = tmp_path / "libicudata.so.99"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True, timeout=60
    )
    assert filter_icu.elf_symbol(library, "icudt99_dat") == b"the data\0\1\2\0"
    with pytest.raises(ValueError, match="no symbol"):
        filter_icu.elf_symbol(library, "icudt98_dat")
