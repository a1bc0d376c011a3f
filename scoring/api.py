"""One-call entry points that the CLI (and scripts) use."""

from __future__ import annotations

import os

from pydantic import BaseModel

from .loader import load_case
from .models import CaseFile, EvidenceFile, Rubric, ScenariosFile, SourcesFile
from .output import dumps_json
from .result import Result, score

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "rubric": Rubric,
    "case": CaseFile,
    "sources": SourcesFile,
    "evidence": EvidenceFile,
    "scenarios": ScenariosFile,
}


def score_folder(folder: str | os.PathLike[str]) -> Result:
    """Load the case in ``folder`` and score it."""
    return score(load_case(folder))


def json_schema(kind: str) -> str:
    """The JSON Schema of one file format, as text."""
    model = SCHEMA_MODELS[kind]
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"scoring {kind} file"
    return dumps_json(schema)
