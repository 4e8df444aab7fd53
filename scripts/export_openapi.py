"""Write the committed OpenAPI schema that the dashboard's types are generated from.

python scripts/export_openapi.py          # rewrite ui/src/lib/api/openapi.json
python scripts/export_openapi.py --check  # fail if it is out of date
"""

import sys
from pathlib import Path

from chancy_web.openapi import openapi_json

TARGET = Path(__file__).resolve().parent.parent / "ui" / "src" / "lib" / "api" / "openapi.json"

if __name__ == "__main__":
    current = openapi_json()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != current:
            sys.exit(f"{TARGET} is out of date: run `python scripts/export_openapi.py`")
    else:
        TARGET.write_text(current)
        print(f"wrote {TARGET}")
