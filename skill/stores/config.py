"""Which store keeps users' progress, chosen by environment variables so one build runs anywhere.

SPINE_COACH_STORE is `sqlite` (the default) or `dynamodb`; SPINE_COACH_TABLE names the DynamoDB table and, set
on its own, means DynamoDB; SPINE_COACH_DB is the SQLite file. The region is the one Lambda sets (AWS_REGION),
or AWS_DEFAULT_REGION. A misconfiguration fails when the skill is built, naming the variable to fix, rather than
on a user's first request.

Each store's module is imported only when it is the one chosen: the DynamoDB adapter brings `secrets` (hmac,
OpenSSL's hashlib) and, later, boto3; the SQLite one brings `sqlite3`. A cold start pays only for its own store.
"""

from __future__ import annotations

import os
from typing import Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

STORE_ENV = "SPINE_COACH_STORE"
TABLE_ENV = "SPINE_COACH_TABLE"
REGION_ENVS = ("AWS_REGION", "AWS_DEFAULT_REGION")
STORES = ("sqlite", "dynamodb")


def persistence_from_environment(environ: Mapping[str, str] = os.environ) -> AbstractPersistenceAdapter:
    table = environ.get(TABLE_ENV, "").strip()
    store = environ.get(STORE_ENV, "").strip().lower() or ("dynamodb" if table else "sqlite")
    if store not in STORES:
        raise ValueError(f"{STORE_ENV} must be one of {', '.join(STORES)}, not {environ[STORE_ENV]!r}")
    if store == "sqlite":
        from skill.stores.sqlite import SQLitePersistenceAdapter, default_db_path
        return SQLitePersistenceAdapter(default_db_path(environ))
    if not table:
        raise ValueError(f"{STORE_ENV}=dynamodb needs {TABLE_ENV}, the name of the DynamoDB table")
    region = next((environ[name] for name in REGION_ENVS if environ.get(name)), None)
    from skill.stores.dynamodb import DynamoDbPersistenceAdapter
    return DynamoDbPersistenceAdapter(table, region=region)
