"""A supply link that rests only on an in-country detection is shown but does not count as a sale."""

from graph.analysis.complicity import complicity_links, complicity_scores
from graph.queries import run_query
from ingest.pipeline import ingest
from tests.helpers import SAMPLE


def test_detections_are_flagged_and_not_scored(empty_store, tmp_path):
    bundle = tmp_path / "links"
    bundle.mkdir()
    # Invented links for the test: Candiru "supplied" TR (open source) and was "detected" in RW.
    (bundle / "relationships.csv").write_text(
        "type,from_label,from_id,to_label,to_id,basis_kind\n"
        "SUPPLIED,Company,company-candiru,Country,TR,open_source\n"
        "SUPPLIED,Company,company-candiru,Country,RW,in_country_detection\n")
    assert ingest(empty_store, [SAMPLE, bundle]).rejected == 0

    links = run_query(empty_store, "corporate_complicity", {"state": "RW"})
    candiru = links[links.company == "company-candiru"]
    # the detection reaches RW's four incidents (ref-0002, ref-0004, ref-0032, ref-0035)
    assert list(zip(candiru.link, candiru.incidents, candiru.basis_kind)) == [("supplied_state", 4, "in_country_detection")]

    row = complicity_scores(empty_store).set_index("company").loc["company-candiru"]
    # TR's four incidents (ref-0018, ref-0037, ref-0039, ref-0053) are renditions and the link has no
    # documented period: context, not evidence. Candiru facilitated none in the sample: 3*0 + 0 + 0 + 0.
    # The RW detections add nothing either: they are listed, not scored.
    assert row.formula == "3*0 + 0 + 0 + 0 = 0"
    assert row.supply_linked_incidents == []
    assert row.context == 4
    assert row.context_reasons[1:] == [
        "Türkiye: no documented supply period; goods not stated fits none of abduction, deportation, rendition: "
        "ref-0018, ref-0037, ref-0039, ref-0053"]
    assert row.detection_only == 4
    assert row.context_reasons[0] == ("Rwanda: an in-country detection of the vendor's device, not a known sale: "
                                      "ref-0002, ref-0004, ref-0032, ref-0035")
    detection = complicity_links(empty_store, "RW", company="company-candiru")
    assert list(zip(detection.counts_as, detection.incidents)) == [("detection_only", 4)]

    # companies_linked_to_state: a detection is shown as "detected", with its basis, never as "supplied".
    linked = run_query(empty_store, "companies_linked_to_state", {"state": "RW"})
    candiru = linked[linked.company == "company-candiru"]
    assert list(zip(candiru.link, candiru.basis_kind)) == [("detected", "in_country_detection")]
