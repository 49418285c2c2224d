"""A child process that saves a case the way the GUI does, over and over, until it is killed.

``python -m tests.kill.saver CASE_FILE N`` loads the case, then N times: changes the title
(``"version k"``), writes the recovery file (autosave: ``save_recovery``), then saves
(``save_case``, what File > Save calls through ui/case_files.py). Prints ``saved k`` after each.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from annotator.io.casefile import load_case, save_case, save_recovery


def main() -> None:
    path, n = sys.argv[1], int(sys.argv[2])
    case = load_case(path)
    for k in range(1, n + 1):
        case = replace(case, title=f"version {k}", notes="x" * (2000 * k))  # growing: writes take longer
        save_recovery(case, path)
        save_case(case, path)
        print(f"saved {k}", flush=True)


if __name__ == "__main__":
    main()
