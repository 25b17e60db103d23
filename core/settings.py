"""Per-workstation settings (which database to open, scanner set-up) in a small JSON
file in the user's config folder. Never holds passwords."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs


@dataclass
class WorkstationSettings:
    database_url: str = ""
    # What this workstation's scanner sends instead of ASCII 29 (GS), e.g. "<GS>" or "^".
    gs_replacement: str = ""
    # Largest supplier EPCIS file accepted, in MiB (a file is refused before parsing).
    epcis_max_mb: int = 1024


def settings_path() -> Path:
    override = os.environ.get("RXDESK_CONFIG_DIR")
    folder = Path(override) if override else Path(platformdirs.user_config_dir("RxDesk", False))
    return folder / "workstation.json"


def load() -> WorkstationSettings:
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return WorkstationSettings()
    known = {k: v for k, v in data.items() if k in WorkstationSettings.__dataclass_fields__}
    return WorkstationSettings(**known)


def save(values: WorkstationSettings) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(values), indent=2), encoding="utf-8")
    tmp.replace(path)
