"""``fluoro-annotator-cli check``: in-process through ``annotator.cli.main``."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.io.casefile import save_case
from annotator.model import BlockResult, Case, DrugDose, Finding, Side, View
from tests.unit.test_rules_builders import FORAMEN, L5_MARGIN, film, root, sheath, tip


def write_case(tmp_path, ap_tip=(120, 204), **root_kw):
    ap = film(View.AP, tip(*ap_tip), L5_MARGIN, figure_label="7C")
    lat = film(View.LATERAL, tip(175, 120), FORAMEN, figure_label="7A")
    kw = {"findings": [sheath()], "block_result": BlockResult.COMPLETE} | root_kw
    case = Case(title="teaching case", roots=[root("L5", Side.RIGHT, ap, lat, **kw)])
    folder = tmp_path / "case1"
    folder.mkdir()
    save_case(case, folder / "case.json")
    return folder


def test_all_on_target_exits_0_and_prints_verdicts_and_summary(tmp_path, capsys):
    folder = write_case(tmp_path)
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Root right L5" in out
    assert "Fig 7C (AP): R-AP on_target, 2.0 mm" in out
    assert "Fig 7A (lateral): R-LAT on_target" in out
    assert "needle position confirmed" in out
    assert "right L5: complete block → responsible root confirmed" in out
    assert out.rstrip().endswith("Responsible level(s): right L5.")


def test_case_file_path_works_too(tmp_path, capsys):
    folder = write_case(tmp_path)
    assert main(["check", str(folder / "case.json")]) == 0


def test_near_film_exits_1_with_offsets_and_warnings(tmp_path, capsys):
    folder = write_case(tmp_path, ap_tip=(126, 208), drugs=[DrugDose("bupivacaine", concentration_pct=0.2)],
                        findings=[Finding("intravascular")])
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "R-AP near, 5.0 mm" in out and "4.0 mm caudal" in out and "3.0 mm medial" in out
    assert "!!! [W3 danger]" in out and "[DRUG_MAX strong]" in out
    assert "needle position not confirmed" in out


def test_json_output(tmp_path, capsys):
    folder = write_case(tmp_path, ap_tip=(126, 208))
    assert main(["check", str(folder), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["all_on_target"] is False and data["responsible"] == ["right L5"]
    (r,) = data["roots"]
    ap, lat = r["films"]
    assert ap["verdict"]["status"] == "near" and ap["verdict"]["unit"] == "mm"
    assert ap["verdict"]["distance"] == pytest.approx(5.0)
    assert {o["direction"] for o in ap["verdict"]["offsets"]} == {"caudal", "medial"}
    assert ap["verdict"]["zone"]["center"] == [120.0, 200.0]
    assert lat["verdict"]["rule"] == "R-LAT" and lat["verdict"]["cranial_half"] is True
    assert r["conclusion"] == "responsible" and r["position_confirmed"] is False


def test_chinese_output(tmp_path, capsys):
    folder = write_case(tmp_path, concordance="no")
    assert main(["check", str(folder), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "神经根 右 L5" in out and "针尖到位" in out
    assert "请核对节段" in out and "责任节段：右 L5。" in out
    main(["check", str(folder), "--lang", "zh", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == "责任节段：右 L5。" and data["lang"] == "zh"


def test_department_rules_file(tmp_path, capsys):
    folder = write_case(tmp_path)
    rules = tmp_path / "dept.json"
    rules.write_text(json.dumps({"tolerances": {"r_on_mm": 1.0, "r_near_mm": 2.5}}), "utf-8")
    assert main(["check", str(folder), "--rules", str(rules)]) == 1  # 2 mm is now only near
    out = capsys.readouterr().out
    assert out.startswith("Rules: dept.json + defaults") and "R-AP near, 2.0 mm" in out
    rules.write_text(json.dumps({"tolerances": {"r_on": 1.0}}), "utf-8")
    assert main(["check", str(folder), "--rules", str(rules)]) == 2
    assert "dept.json: tolerances.r_on" in capsys.readouterr().err


@pytest.mark.parametrize("make", ["missing", "empty_folder", "broken"])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, make):
    if make == "missing":
        target = tmp_path / "nope.json"
    elif make == "empty_folder":
        target = tmp_path / "empty"
        target.mkdir()
    else:
        target = tmp_path / "case.json"
        target.write_text("{broken", "utf-8")
    assert main(["check", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_bad_lang_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", str(tmp_path), "--lang", "fr"])
    assert info.value.code == 2


def test_check_on_the_sample_cases_matches_their_scenarios(sample_copy, capsys):
    # exit 0 exactly when every film's intended verdict (ground truth) is on target or has no rule
    folders = sorted(p.parent for p in sample_copy.glob("*/case.json"))
    assert len(folders) >= 5, "the sample cases ship a case.json each"
    for folder in folders:
        truths = [json.loads(t.read_text("utf-8")) for t in folder.glob("*.truth.json")]
        # a film several roots use (bilateral_L5) states each root's intended verdict under "roots"
        statuses = [e.get("status") for t in truths
                    for e in ([r["expected"] for r in t["roots"].values()] if "roots" in t else [t["expected"]])]
        expected_exit = 0 if all(s in (None, "on_target") for s in statuses) else 1
        assert main(["check", str(folder), "--lang", "zh"]) == expected_exit, folder.name
        out = capsys.readouterr().out
        assert "结论" in out and "PHANTOM" not in out and "FAKE-0001" not in out


def test_nothing_judged_is_not_all_on_target(tmp_path, capsys):
    # only an oblique film (no rule) and a case with no roots: exit 1 with a note, not 0
    folder = tmp_path / "oblique_only"
    folder.mkdir()
    case = Case(roots=[root("L5", Side.RIGHT, film(View.OBLIQUE, tip(1, 1)), findings=[sheath()])])
    save_case(case, folder / "case.json")
    assert main(["check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "nothing was judged" in err and len(err.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    save_case(Case(), empty / "case.json")
    assert main(["check", str(empty)]) == 1
