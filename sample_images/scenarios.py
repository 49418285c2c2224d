"""The sample cases: which films each has, with fixed seeds, and the clinical record.

Used by ``sample_images.generate`` (pixels, DICOM, PNG, ground truth) and
``sample_images.cases_build`` (the ready ``annotator.model.Case``). Clinical
values follow domain.md (§6 findings, §7 block result, §8 drugs, §9 captions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FilmSpec:
    name: str  # file stem, e.g. "01_ap"
    view: str  # "AP", "lateral", "oblique"
    phase: str  # annotator.model.Phase value
    figure: str  # teaching label, e.g. "1A"
    caption: str
    time: str  # HHMMSS of acquisition
    params: dict[str, Any] = field(default_factory=dict)  # PhantomParams overrides for this film
    cine_frames: int = 0  # > 0: a multi-frame run
    # truth landmarks the user did NOT mark on this film (e.g. ("pedicle_margin",)): they stay in the
    # ground truth but neither the case file nor the intended verdict uses them
    unmarked: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseSpec:
    name: str
    title: str
    level: str
    side: str
    seed: int
    params: dict[str, Any]
    films: tuple[FilmSpec, ...]
    age: int
    sex: str
    symptoms: str
    findings: tuple[dict[str, Any], ...]  # {"code", "site"?, "value"?, "film"? (film name), "at"? (truth key)}
    resistance: str
    block_result: str
    concordance: str
    drugs: tuple[dict[str, Any], ...]
    approach: str = "supraneural"
    notes: str = ""
    date: str = "20260115"


_DRUGS = ({"drug": "lidocaine", "concentration_pct": 0.5, "volume_ml": 2.0}, {"drug": "dexamethasone", "dose_mg": 5.0})

CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        name="right_L5_on_target",
        title="Right L5 selective root study and block (phantom)",
        level="L5", side="right", seed=101, params={},
        films=(
            FilmSpec("01_lateral", "lateral", "after_contrast", "1A",
                     "Fig 1A (intraoperative lateral film): needle tip in the posterior third of the L5/S1 foramen; "
                     "contrast flows along the root sheath", "103200"),
            FilmSpec("02_ap", "AP", "after_contrast", "1B",
                     "Fig 1B (intraoperative AP film): tip just below the 6 o'clock position of the right L5 pedicle; "
                     "contrast outlines the L5 root to its axilla", "103230"),
            # no pedicle margin marked on the oblique film: R-OBL is informational here (domain.md §5). The
            # tip sits in the posterior third of the foramen, ~10 mm behind the pedicle's lowest point, so a
            # 30° oblique projects it ~5 mm from the projected pedicle margin: marking one would give "near".
            FilmSpec("03_oblique", "oblique", "after_contrast", "1C",
                     "Fig 1C (intraoperative oblique film): needle in the foramen below the L5 pedicle; contrast "
                     "along the root sleeve, root outline clear", "103300", unmarked=("pedicle_margin",)),
            FilmSpec("04_ap_after_drug", "AP", "after_drug", "1D",
                     "Fig 1D (intraoperative AP film after the drug): the diluted contrast spreads further along "
                     "the root", "103700", params={"contrast": 0.55, "contrast_length_mm": 55.0, "noise_seed": 4}),
        ),
        age=70, sex="M", symptoms="Right L5 radicular pain (lateral leg, dorsum of foot); L4/5 and L5/S1 stenosis on MRI",
        findings=({"code": "tip_in_sheath"}, {"code": "root_to_axilla"}, {"code": "distal_spread"},
                  {"code": "injection_resistance", "value": "none"}),
        resistance="none", block_result="complete", concordance="yes", drugs=_DRUGS,
    ),
    CaseSpec(
        name="left_L5_cutoff",
        title="Left L5 root study: contrast cutoff at the pedicle (phantom of seed case 2)",
        level="L5", side="left", seed=202, params={"cutoff_mm": 9.0, "pooling": 0.7, "proximal_mm": 4.0},
        films=(
            FilmSpec("01_lateral", "lateral", "after_contrast", "2A",
                     "Fig 2A (intraoperative lateral film): tip in the posterior foramen; contrast stops abruptly "
                     "after a short distance with marked resistance", "111500"),
            FilmSpec("02_ap", "AP", "after_contrast", "2B",
                     "Fig 2B (intraoperative AP film): contrast cut off at the level of the left L5 pedicle "
                     "(lateral recess)", "111530"),
        ),
        age=64, sex="F", symptoms="Left L5 radicular pain; multilevel degenerative change on MRI",
        findings=({"code": "contrast_cutoff", "site": "lateral_recess", "film": "02_ap", "at": "cutoff"},
                  {"code": "injection_resistance", "value": "marked"}),
        resistance="marked", block_result="partial", concordance="yes", drugs=_DRUGS,
        notes="Block gave temporary relief.",
    ),
    CaseSpec(
        name="right_S1",
        title="Right S1 selective root block through the first dorsal sacral foramen (phantom)",
        level="S1", side="right", seed=303, params={"medial_deg": 8.0, "caudal_deg": 12.0, "contrast_length_mm": 40.0},
        films=(
            FilmSpec("01_ap", "AP", "after_contrast", "3A",
                     "Fig 3A (intraoperative AP film): tip in the right first dorsal sacral foramen; contrast "
                     "along the S1 root", "140500"),
            FilmSpec("02_lateral", "lateral", "after_contrast", "3B",
                     "Fig 3B (intraoperative lateral film): needle in the sacral canal at S1", "140530"),
        ),
        age=58, sex="M", symptoms="Right S1 radicular pain (posterior calf, lateral foot)",
        findings=({"code": "tip_in_sheath"}, {"code": "distal_spread"}, {"code": "injection_resistance", "value": "none"}),
        resistance="none", block_result="complete", concordance="yes", drugs=_DRUGS, approach="s1_medial",
    ),
    CaseSpec(
        name="L4_bench_sign",
        title="Right L4 root study: bench sign (root pushed up) (phantom)",
        level="L4", side="right", seed=404,
        params={"bench_mm": 7.0, "tip_offset_mm": (4.3, 1.2, 0.0)},
        films=(
            FilmSpec("01_lateral", "lateral", "after_contrast", "4A",
                     "Fig 4A (intraoperative lateral film): tip in the posterior third of the L4/5 foramen", "091000"),
            FilmSpec("02_ap", "AP", "after_contrast", "4B",
                     "Fig 4B (intraoperative AP film): tip a few millimetres lateral of the L4 pedicle target; "
                     "the root is lifted upward like a bench", "091030"),
        ),
        age=52, sex="M", symptoms="Right L4 radicular pain (anterior thigh, medial leg); far-lateral L4/5 disc herniation",
        findings=({"code": "bench_sign", "film": "02_ap", "at": "bench"}, {"code": "tip_in_sheath"},
                  {"code": "injection_resistance", "value": "mild"}),
        resistance="mild", block_result="complete", concordance="yes", drugs=_DRUGS,
    ),
    CaseSpec(
        name="cine_venous_blush",
        title="Left L5 contrast run with transient venous uptake (phantom)",
        level="L5", side="left", seed=505, params={"venous_blush": 1.0, "size": 512, "noise": 1.2},
        films=(
            FilmSpec("01_ap_run", "AP", "after_contrast", "5A",
                     "Fig 5A (live AP run): contrast along the left L5 root with a transient venous blush; "
                     "reposition before injecting any drug", "151000", cine_frames=24),
        ),
        age=77, sex="F", symptoms="Left L5 radicular pain",
        findings=({"code": "intravascular", "value": "venous", "film": "01_ap_run"},
                  {"code": "injection_resistance", "value": "none"}),
        resistance="none", block_result="not_assessed", concordance="not_assessed", drugs=(),
        notes="Venous uptake seen on the live run; the needle was repositioned before any drug.",
    ),
)

CASE_BY_NAME = {c.name: c for c in CASES}
BLUSH_FRAMES = tuple(range(9, 14))
