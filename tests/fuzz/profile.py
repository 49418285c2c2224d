"""Fuzz profiles: how many inputs each fuzz test feeds through the CLI.

``fast`` (the default) runs inside the normal test run (``make test``) in well under two
minutes on two cores; ``long`` (``make fuzz``, or ``FUZZ_PROFILE=long``, or pytest's
``--fuzz-profile long``) feeds at least 10 000 inputs in all. ``FUZZ_SEED`` moves the
seeded mutation fuzzer to other inputs (default 0: the same inputs every run).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    dicom_mutations: int  # mutated DICOM files (sample films and pydicom's test files)
    case_files: int  # hypothesis examples: valid and broken case files
    rule_files: int
    cli_arguments: int

    @property
    def total(self) -> int:
        return self.dicom_mutations + self.case_files + self.rule_files + self.cli_arguments


PROFILES = {
    "fast": Profile("fast", dicom_mutations=150, case_files=60, rule_files=40, cli_arguments=60),
    "long": Profile("long", dicom_mutations=6000, case_files=2500, rule_files=800, cli_arguments=700),
}


def current() -> Profile:
    name = os.environ.get("FUZZ_PROFILE", "fast")
    if name not in PROFILES:
        raise SystemExit(f"FUZZ_PROFILE={name!r}: choose one of {', '.join(PROFILES)}")
    return PROFILES[name]


def seed() -> int:
    return int(os.environ.get("FUZZ_SEED", "0"))
