import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.countries import UnknownCountry, region_of, resolve_country

COUNTRIES = list(pycountry.countries)


@pytest.mark.parametrize("text,iso2", [
    ("Türkiye", "TR"), ("Turkey", "TR"), ("Russia", "RU"), ("UK", "GB"), ("United Kingdom", "GB"),
    ("UAE", "AE"), ("Hong Kong", "HK"), ("Hong kong", "HK"), ("Kosovo", "XK"), ("XK", "XK"),
    ("Italia", "IT"), ("Norwat", "NO"), ("usa", "US"), ("IRN", "IR"), ("rw", "RW"), ("Viet Nam", "VN"),
    ("Côte d'Ivoire", "CI"), ("  the Netherlands ", "NL"),
])
def test_common_spellings(text, iso2):
    assert resolve_country(text) == iso2


@pytest.mark.parametrize("text", ["", "Atlantis", "QQ", "ZZZ", "Narnia Republic"])
def test_unknown_spellings_are_errors(text):
    with pytest.raises(UnknownCountry):
        resolve_country(text)


@given(st.sampled_from(COUNTRIES), st.sampled_from(["alpha_2", "alpha_3", "name"]), st.booleans())
def test_any_iso_code_or_name_resolves_to_its_alpha2(country, field, upper):
    text = getattr(country, field)
    assert resolve_country(text.upper() if upper else text.lower()) == country.alpha_2


def test_every_iso_country_has_a_region():
    missing = [c.alpha_2 for c in COUNTRIES if region_of(c.alpha_2) is None]
    assert missing == []
