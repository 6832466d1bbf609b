"""Persistent attributes in DynamoDB, for the skill on Lambda.

One item per user, `{"id": user id, "data": JSON text, "revision": N}`: the same key and the same text as a SQLite
row, so no float needs converting to Decimal and the two stores stay interchangeable; the revision makes a
save conditional on nobody having saved since the turn read (see skill.stores.sqlite). boto3 is imported, and the client
made, on the first request, because Lambda builds the skill at import time and importing must never need an
AWS region or credentials. Every AWS failure becomes ask-sdk's PersistenceException, which the skill answers
with its calm apology, leaving the stored state as it was.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any, Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill.stores.sqlite import REVISION, ConcurrentUpdate, decode_attributes, encode_attributes, user_id_key

KEY_ATTRIBUTE = "id"
DATA_ATTRIBUTE = "data"
REVISION_ATTRIBUTE = "revision"
# The only calls made; the IAM actions below are derived from them so the least-privilege role cannot drift.
_CLIENT_METHODS = {"GetItem": "get_item", "PutItem": "put_item", "DeleteItem": "delete_item"}
DYNAMODB_ACTIONS = tuple(f"dynamodb:{operation}" for operation in _CLIENT_METHODS)
# Alexa gives a whole turn about 8 seconds, and a turn may read and then write: give up early enough that the
# apology is still heard. DynamoDB answers in milliseconds, so these only bite when something is wrong.
_CLIENT_CONFIG = {"connect_timeout": 1, "read_timeout": 1,
                  "retries": {"mode": "standard", "total_max_attempts": 2}}

log = logging.getLogger(__name__)


class DynamoDbPersistenceAdapter(AbstractPersistenceAdapter):
    def __init__(self, table_name: str, region: str | None = None,
                 partition_key: Callable[[RequestEnvelope], str] = user_id_key, client: Any = None):
        """`region` None leaves it to boto3's own configuration; `client` replaces the one made on first use."""
        if not table_name:
            raise ValueError("DynamoDbPersistenceAdapter needs a table name")
        self.table_name = table_name
        self.region = region
        self.partition_key = partition_key
        self._client = client
        self._client_lock = threading.Lock()  # threaded web workers may all make their first call at once

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.partition_key(request_envelope)
        item = self._call("GetItem", Key=self._key(key), ConsistentRead=True).get("Item")
        if item is None:
            return {}
        # A damaged item (no text, text that is not JSON) reads as an empty profile, as a damaged SQLite row does;
        # with the item's revision, so the user's next save overwrites it.
        stored = item.get(DATA_ATTRIBUTE, {}).get("S")
        revision = item.get(REVISION_ATTRIBUTE, {}).get("N")
        return {**decode_attributes(stored), **({REVISION: int(revision)} if revision else {})}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Saved only if the item is still at the revision the caller read (skill.stores.sqlite.REVISION)."""
        key = self.partition_key(request_envelope)
        expected = attributes.get(REVISION)
        data = encode_attributes(attributes)
        # A fresh random revision rather than a counter: PutItem cannot increment, and equality is all we test.
        item = {**self._key(key), DATA_ATTRIBUTE: {"S": data},
                REVISION_ATTRIBUTE: {"N": str(secrets.randbelow(2**62) + 1)}}
        if expected is None:
            self._call("PutItem", Item=item)
        elif expected == 0:
            self._call("PutItem", Item=item, ConditionExpression="attribute_not_exists(#id)",
                       ExpressionAttributeNames={"#id": KEY_ATTRIBUTE})
        else:
            self._call("PutItem", Item=item, ConditionExpression="#revision = :expected",
                       ExpressionAttributeNames={"#revision": REVISION_ATTRIBUTE},
                       ExpressionAttributeValues={":expected": {"N": str(expected)}})

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = self.partition_key(request_envelope)
        self._call("DeleteItem", Key=self._key(key))

    def healthy(self) -> bool:
        """Always True, without a call: a cheap check would be DescribeTable, an IAM action the least-privilege
        role does not grant (DYNAMODB_ACTIONS), and the store is AWS's to keep up. Its failures show per turn, as
        the calm apology and an ERROR line naming the operation."""
        return True

    @staticmethod
    def _key(user_key: str) -> dict[str, Any]:
        return {KEY_ATTRIBUTE: {"S": user_key}}

    def _call(self, operation: str, **parameters: Any) -> dict[str, Any]:
        client = self._dynamodb()
        from botocore.exceptions import BotoCoreError, ClientError  # present: _dynamodb() imported boto3

        try:
            return getattr(client, _CLIENT_METHODS[operation])(TableName=self.table_name, **parameters)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code") or "ClientError"
            if code == "ConditionalCheckFailedException":  # another request saved first: not a failure
                raise ConcurrentUpdate("this user's item changed since it was read") from None
            raise self._failure(operation, code) from None
        except BotoCoreError as error:  # no credentials, no endpoint, timeouts
            raise self._failure(operation, type(error).__name__) from None

    def _dynamodb(self) -> Any:
        with self._client_lock:
            if self._client is None:
                try:
                    import boto3
                    from botocore.config import Config
                    from botocore.exceptions import BotoCoreError
                except ImportError:
                    raise self._failure("import", "boto3 is not installed") from None
                try:
                    # A session of our own: boto3's default session is not safe to share between threads.
                    self._client = boto3.session.Session().client("dynamodb", region_name=self.region,
                                                                  config=Config(**_CLIENT_CONFIG))
                except BotoCoreError as error:  # above all NoRegionError
                    raise self._failure("connect", type(error).__name__) from None
            return self._client

    def _failure(self, operation: str, reason: str) -> PersistenceException:
        # The AWS error's own message can quote the request; the user id and attributes must stay out of logs.
        # The apology handler's log line names only the exception type, so the reason is logged here.
        log.error("dynamodb %s on table %s failed: %s", operation, self.table_name, reason)
        return PersistenceException(f"DynamoDB {operation} on table {self.table_name} failed: {reason}")
