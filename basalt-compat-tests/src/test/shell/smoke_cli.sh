#!/usr/bin/env bash
# Cross-client smoke test: the AWS CLI (v1 or v2) against a DynamoDB-compatible endpoint.
#
# Usage: smoke_cli.sh ENDPOINT          e.g. smoke_cli.sh http://127.0.0.1:8000
#
# Every check asserts what Amazon DynamoDB itself does (see docs/design/wire-reference.md), so the script can be
# pointed at real DynamoDB or DynamoDB Local as well as at Basalt. JSON output is checked with python3 (no jq
# needed). Tables get a unique suffix and are deleted at the end. Exits 0 only when no check failed; the last line
# is always "aws cli smoke: N passed, M failed".
#
# A check named in KNOWN_ISSUES still runs; if it fails it is reported as a known issue and not counted as a
# failure (if it passes it counts as passed and is flagged, so the entry can be removed).
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: smoke_cli.sh ENDPOINT" >&2
    exit 2
fi
ENDPOINT="$1"

# Check name -> description of the server incompatibility it exposes. Keep empty when all is well.
declare -A KNOWN_ISSUES=()

# Isolation: never read the user's ~/.aws, never call the instance metadata service, never page, never retry.
export AWS_ACCESS_KEY_ID=x
export AWS_SECRET_ACCESS_KEY=y
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER=""
export AWS_EC2_METADATA_DISABLED=true
export AWS_MAX_ATTEMPTS=1
export AWS_RETRY_MODE=standard
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
    AWS_ENDPOINT_URL_DYNAMODB AWS_CA_BUNDLE 2>/dev/null || true

if ! command -v aws >/dev/null 2>&1; then
    echo "smoke_cli.sh: 'aws' (the AWS CLI) is not on the PATH" >&2
    echo "aws cli smoke: 0 passed, 1 failed"
    exit 1
fi
CLI_VERSION="$(aws --version 2>&1)"
# Both CLI majors then take blob values in JSON as raw text and print blobs base64-encoded.
BINARY_ARGS=()
case "$CLI_VERSION" in
    aws-cli/1.*) ;;
    *) BINARY_ARGS=(--cli-binary-format raw-in-base64-out) ;;
esac

RUN="$(python3 -c 'import uuid; print(uuid.uuid4().hex[:8])')"
TABLE="cli-orders-$RUN"
MISSING="cli-missing-$RUN"
WORK="$(mktemp -d)"
trap 'aws dynamodb delete-table --table-name "$TABLE" --endpoint-url "$ENDPOINT" >/dev/null 2>&1 || true;
      aws dynamodb delete-table --table-name "cli-indexed-$RUN" --endpoint-url "$ENDPOINT" >/dev/null 2>&1 || true;
      rm -rf "$WORK"' EXIT

passed=0
failed=0
known=0

# ddb OPERATION ARGS... : aws dynamodb with the endpoint and JSON output; stdout to $WORK/out, stderr to $WORK/err.
ddb() {
    local op="$1"
    shift
    aws dynamodb "$op" "$@" --endpoint-url "$ENDPOINT" --output json >"$WORK/out" 2>"$WORK/err"
}

# ddb_ok OPERATION ARGS... : as ddb, and the command must succeed; prints stdout of the command.
ddb_ok() {
    if ! ddb "$@"; then
        echo "command failed: aws dynamodb $*" >&2
        cat "$WORK/err" >&2
        return 1
    fi
    cat "$WORK/out"
}

# expect_json JSON PYTHON_EXPRESSION : evaluates the expression with the parsed document bound to d.
expect_json() {
    python3 -c '
import json, sys
text, expression = sys.argv[1], sys.argv[2]
try:
    d = json.loads(text) if text.strip() else {}
except ValueError as e:
    sys.exit("not JSON (%s): %r" % (e, text))
try:
    ok = eval(expression, {"d": d})
except Exception as e:
    ok = False
    expression += "  (raised %s: %s)" % (type(e).__name__, e)
if not ok:
    sys.exit("expected: %s\n  document: %s" % (expression, json.dumps(d, sort_keys=True)))
' "$1" "$2"
}

# expect_error CODE MESSAGE OPERATION ARGS... : the command must fail and stderr must carry exactly this error.
expect_error() {
    local code="$1" message="$2" op="$3"
    shift 3
    if ddb "$op" "$@"; then
        echo "expected $code but aws dynamodb $op succeeded: $(cat "$WORK/out")" >&2
        return 1
    fi
    local operation
    operation="$(python3 -c 'import sys; print("".join(p.capitalize() for p in sys.argv[1].split("-")))' "$op")"
    # The CLI adds " (reached max retries: N)" after the operation name when the error was retryable.
    if ! python3 -c '
import re, sys
code, operation, message, stderr = sys.argv[1:5]
pattern = (r"An error occurred \(%s\) when calling the %s operation(?: \(reached max retries: \d+\))?: %s"
           % (re.escape(code), re.escape(operation), re.escape(message)))
if not any(re.fullmatch(pattern, line) for line in stderr.splitlines()):
    sys.exit("stderr does not contain the expected error line\n  expected: An error occurred (%s) when calling "
             "the %s operation: %s\n  stderr:   %s" % (code, operation, message, stderr.strip()))
' "$code" "$operation" "$message" "$(cat "$WORK/err")"; then
        return 1
    fi
}

# check NAME FUNCTION : runs the function in a subshell with errexit, records and prints the outcome.
check() {
    local name="$1" fn="$2" rc started took
    started=$SECONDS
    set +e
    (set -e; "$fn") >"$WORK/check.log" 2>&1
    rc=$?
    set -e
    took="($((SECONDS - started)) s)"
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        if [ -n "${KNOWN_ISSUES[$name]+set}" ]; then
            echo "ok    $name $took  (listed as a known issue but passes now: remove it from KNOWN_ISSUES)"
        else
            echo "ok    $name $took"
        fi
    else
        if [ -n "${KNOWN_ISSUES[$name]+set}" ]; then
            known=$((known + 1))
            echo "KNOWN ISSUE  $name $took: ${KNOWN_ISSUES[$name]}"
        else
            failed=$((failed + 1))
            echo "FAIL  $name $took"
        fi
        sed 's/^/    /' "$WORK/check.log"
    fi
}

echo "$CLI_VERSION against $ENDPOINT"

# ------------------------------------------------------------------------------------------------ tables

t_create_table() {
    local out
    out="$(ddb_ok create-table --table-name "$TABLE" \
        --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
        --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
        --billing-mode PAY_PER_REQUEST --tags Key=owner,Value=cli-smoke)"
    expect_json "$out" "d['TableDescription']['TableName'] == '$TABLE'"
    expect_json "$out" "d['TableDescription']['TableStatus'] in ('CREATING', 'ACTIVE')"
    expect_json "$out" "d['TableDescription']['KeySchema'] == [{'AttributeName': 'pk', 'KeyType': 'HASH'},
                                                              {'AttributeName': 'sk', 'KeyType': 'RANGE'}]"
    expect_json "$out" "d['TableDescription']['BillingModeSummary']['BillingMode'] == 'PAY_PER_REQUEST'"
}
check "create-table (PAY_PER_REQUEST, hash+range, tags)" t_create_table

t_wait_exists() {
    ddb_ok wait table-exists --table-name "$TABLE" >/dev/null
}
check "wait table-exists" t_wait_exists

t_describe_table() {
    local out
    out="$(ddb_ok describe-table --table-name "$TABLE")"
    expect_json "$out" "d['Table']['TableStatus'] == 'ACTIVE'"
    expect_json "$out" "d['Table']['TableName'] == '$TABLE'"
    expect_json "$out" "d['Table']['AttributeDefinitions'] == [{'AttributeName': 'pk', 'AttributeType': 'S'},
                                                              {'AttributeName': 'sk', 'AttributeType': 'S'}]"
    expect_json "$out" "__import__('re').fullmatch(r'arn:aws:dynamodb:us-east-1:\d{12}:table/$TABLE',
                                                    d['Table']['TableArn'])"
    expect_json "$out" "d['Table']['ItemCount'] == 0 and d['Table']['TableSizeBytes'] == 0"
    expect_json "$out" "d['Table']['ProvisionedThroughput']['ReadCapacityUnits'] == 0"
    expect_json "$out" "isinstance(d['Table']['CreationDateTime'], (str, int, float))"
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Table"]["TableArn"])' <<<"$out" >"$WORK/arn"
}
check "describe-table" t_describe_table
ARN="$(cat "$WORK/arn" 2>/dev/null || echo "arn:aws:dynamodb:us-east-1:000000000000:table/$TABLE")"

t_list_tables() {
    local out
    out="$(ddb_ok list-tables --page-size 1)"
    expect_json "$out" "'$TABLE' in d['TableNames']"
    expect_json "$out" "d['TableNames'] == sorted(d['TableNames'])"
    expect_json "$out" "'NextToken' not in d"
    out="$(ddb_ok list-tables --max-items 1)"
    expect_json "$out" "len(d['TableNames']) == 1"
}
check "list-tables (auto-paginated with --page-size 1, and --max-items)" t_list_tables

# ------------------------------------------------------------------------------------------------ items

ITEM='{"pk": {"S": "CUSTOMER#1042"}, "sk": {"S": "ORDER#2026-04-21#A-482"}, "total": {"N": "129.95"},
       "status": {"S": "SHIPPED"}, "paid": {"BOOL": true}, "note": {"NULL": true}, "raw": {"B": "hello"},
       "lines": {"L": [{"S": "widget"}, {"N": "2"}]}, "addr": {"M": {"city": {"S": "Lyon"}}},
       "tags": {"SS": ["a", "b"]}, "sizes": {"NS": ["1", "2.5"]}}'
KEY='{"pk": {"S": "CUSTOMER#1042"}, "sk": {"S": "ORDER#2026-04-21#A-482"}}'

t_put_item() {
    local out
    out="$(ddb_ok put-item --table-name "$TABLE" --item "$ITEM" ${BINARY_ARGS[@]+"${BINARY_ARGS[@]}"})"
    expect_json "$out" "d == {}"
}
check "put-item (S, N, B, BOOL, NULL, L, M, SS, NS)" t_put_item

t_get_item() {
    local out
    out="$(ddb_ok get-item --table-name "$TABLE" --key "$KEY" --consistent-read)"
    expect_json "$out" "d['Item']['total'] == {'N': '129.95'} and d['Item']['status'] == {'S': 'SHIPPED'}"
    expect_json "$out" "d['Item']['paid'] == {'BOOL': True} and d['Item']['note'] == {'NULL': True}"
    expect_json "$out" "d['Item']['raw'] == {'B': 'aGVsbG8='}"
    expect_json "$out" "d['Item']['lines'] == {'L': [{'S': 'widget'}, {'N': '2'}]}"
    expect_json "$out" "d['Item']['addr'] == {'M': {'city': {'S': 'Lyon'}}}"
    expect_json "$out" "sorted(d['Item']['tags']['SS']) == ['a', 'b']"
    expect_json "$out" "sorted(d['Item']['sizes']['NS'], key=float) == ['1', '2.5']"
    expect_json "$out" "len(d['Item']) == 11"
}
check "get-item --consistent-read returns the item exactly" t_get_item

t_get_missing() {
    local out
    out="$(ddb_ok get-item --table-name "$TABLE" --key '{"pk": {"S": "nobody"}, "sk": {"S": "none"}}')"
    expect_json "$out" "'Item' not in d"
}
check "get-item of a missing item has no Item" t_get_missing

t_put_all_old() {
    local out
    out="$(ddb_ok put-item --table-name "$TABLE" --return-values ALL_OLD --return-consumed-capacity TOTAL \
        --item '{"pk": {"S": "CUSTOMER#1042"}, "sk": {"S": "ORDER#2026-04-21#A-482"}, "total": {"N": "99"}}')"
    expect_json "$out" "d['Attributes']['total'] == {'N': '129.95'} and len(d['Attributes']) == 11"
    expect_json "$out" "d['ConsumedCapacity'] == {'TableName': '$TABLE', 'CapacityUnits': 1.0}"
}
check "put-item --return-values ALL_OLD --return-consumed-capacity TOTAL" t_put_all_old

t_update_item() {
    local out
    out="$(ddb_ok update-item --table-name "$TABLE" --key "$KEY" --return-values ALL_NEW)"
    expect_json "$out" "d['Attributes'] == {'pk': {'S': 'CUSTOMER#1042'}, 'sk': {'S': 'ORDER#2026-04-21#A-482'},
                                            'total': {'N': '99'}}"
    out="$(ddb_ok update-item --table-name "$TABLE" --key '{"pk": {"S": "NEW"}, "sk": {"S": "1"}}' \
        --return-values ALL_OLD)"
    expect_json "$out" "'Attributes' not in d"
    out="$(ddb_ok get-item --table-name "$TABLE" --key '{"pk": {"S": "NEW"}, "sk": {"S": "1"}}')"
    expect_json "$out" "d['Item'] == {'pk': {'S': 'NEW'}, 'sk': {'S': '1'}}"
}
check "update-item with only a key (ALL_NEW on existing, creates a key-only item)" t_update_item

t_delete_item() {
    local out
    out="$(ddb_ok delete-item --table-name "$TABLE" --key "$KEY" --return-values ALL_OLD)"
    expect_json "$out" "d['Attributes']['total'] == {'N': '99'}"
    out="$(ddb_ok get-item --table-name "$TABLE" --key "$KEY" --consistent-read)"
    expect_json "$out" "'Item' not in d"
    out="$(ddb_ok delete-item --table-name "$TABLE" --key "$KEY" --return-values ALL_OLD)"
    expect_json "$out" "'Attributes' not in d"
}
check "delete-item --return-values ALL_OLD, then the item is gone" t_delete_item

# ------------------------------------------------------------------------------------------------ tags, TTL, backups

t_tags() {
    local out
    out="$(ddb_ok list-tags-of-resource --resource-arn "$ARN")"
    expect_json "$out" "d['Tags'] == [{'Key': 'owner', 'Value': 'cli-smoke'}]"
    ddb_ok tag-resource --resource-arn "$ARN" --tags Key=env,Value=test Key=owner,Value=someone >/dev/null
    out="$(ddb_ok list-tags-of-resource --resource-arn "$ARN")"
    expect_json "$out" "{t['Key']: t['Value'] for t in d['Tags']} == {'env': 'test', 'owner': 'someone'}"
    ddb_ok untag-resource --resource-arn "$ARN" --tag-keys owner >/dev/null
    out="$(ddb_ok list-tags-of-resource --resource-arn "$ARN")"
    expect_json "$out" "d['Tags'] == [{'Key': 'env', 'Value': 'test'}]"
}
check "tag-resource / list-tags-of-resource / untag-resource" t_tags

t_ttl() {
    local out
    out="$(ddb_ok describe-time-to-live --table-name "$TABLE")"
    expect_json "$out" "d == {'TimeToLiveDescription': {'TimeToLiveStatus': 'DISABLED'}}"
}
check "describe-time-to-live" t_ttl

t_backups() {
    local out
    out="$(ddb_ok describe-continuous-backups --table-name "$TABLE")"
    expect_json "$out" "d['ContinuousBackupsDescription']['ContinuousBackupsStatus'] in ('ENABLED', 'DISABLED')"
    expect_json "$out" "(d['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']
                         ['PointInTimeRecoveryStatus'] == 'DISABLED')"
}
check "describe-continuous-backups" t_backups

# ------------------------------------------------------------------------------------------------ errors

t_err_describe_missing() {
    expect_error ResourceNotFoundException "Requested resource not found: Table: $MISSING not found" \
        describe-table --table-name "$MISSING"
}
check "error: describe-table of a missing table" t_err_describe_missing

t_err_get_missing_table() {
    expect_error ResourceNotFoundException "Requested resource not found" \
        get-item --table-name "$MISSING" --key '{"pk": {"S": "a"}}'
}
check "error: get-item on a missing table" t_err_get_missing_table

t_err_create_existing() {
    expect_error ResourceInUseException "Table already exists: $TABLE" \
        create-table --table-name "$TABLE" --attribute-definitions AttributeName=pk,AttributeType=S \
        --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST
}
check "error: create-table of an existing table" t_err_create_existing

t_err_missing_key() {
    expect_error ValidationException "One or more parameter values were invalid: Missing the key sk in the item" \
        put-item --table-name "$TABLE" --item '{"pk": {"S": "a"}}'
}
check "error: put-item without the range key" t_err_missing_key

t_err_key_schema() {
    expect_error ValidationException "The provided key element does not match the schema" \
        get-item --table-name "$TABLE" --key '{"pk": {"S": "a"}}'
}
check "error: get-item with an incomplete key" t_err_key_schema

t_err_bad_number() {
    expect_error ValidationException \
        "1 validation error detected: The parameter cannot be converted to a numeric value: twelve" \
        put-item --table-name "$TABLE" --item '{"pk": {"S": "a"}, "sk": {"S": "b"}, "n": {"N": "twelve"}}'
}
check "error: put-item with a malformed number" t_err_bad_number

# ------------------------------------------------------------------------------------------------ indexes

INDEXED="cli-indexed-$RUN"

t_index_table() {
    local out
    out="$(ddb_ok create-table --table-name "$INDEXED" --billing-mode PAY_PER_REQUEST \
        --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
            AttributeName=status,AttributeType=S \
        --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
        --global-secondary-indexes \
            'IndexName=ByStatus,KeySchema=[{AttributeName=status,KeyType=HASH}],Projection={ProjectionType=ALL}')"
    expect_json "$out" "d['TableDescription']['GlobalSecondaryIndexes'][0]['IndexName'] == 'ByStatus'"
    ddb_ok wait table-exists --table-name "$INDEXED" >/dev/null
    ddb_ok put-item --table-name "$INDEXED" \
        --item '{"pk": {"S": "o1"}, "sk": {"S": "1"}, "status": {"S": "open"}}' >/dev/null
    ddb_ok put-item --table-name "$INDEXED" --item '{"pk": {"S": "o2"}, "sk": {"S": "1"}}' >/dev/null
    # Global indexes are eventually consistent: poll briefly.
    for _ in $(seq 1 100); do
        out="$(ddb_ok query --table-name "$INDEXED" --index-name ByStatus \
            --key-condition-expression '#s = :s' --expression-attribute-names '{"#s": "status"}' \
            --expression-attribute-values '{":s": {"S": "open"}}')"
        if python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["Count"] == 1 else 1)' <<<"$out"; then
            break
        fi
        sleep 0.1
    done
    expect_json "$out" "d['Count'] == 1 and d['Items'][0]['pk'] == {'S': 'o1'}"
    expect_error ValidationException "Consistent reads are not supported on global secondary indexes" \
        query --table-name "$INDEXED" --index-name ByStatus --consistent-read \
        --key-condition-expression '#s = :s' --expression-attribute-names '{"#s": "status"}' \
        --expression-attribute-values '{":s": {"S": "open"}}'
    ddb_ok delete-table --table-name "$INDEXED" >/dev/null
}
check "create-table with a global index, query it with --index-name" t_index_table

# ------------------------------------------------------------------------------------------------ deletion

t_delete_table() {
    local out
    out="$(ddb_ok delete-table --table-name "$TABLE")"
    expect_json "$out" "d['TableDescription']['TableName'] == '$TABLE'"
    expect_json "$out" "d['TableDescription']['TableStatus'] == 'DELETING'"
    ddb_ok wait table-not-exists --table-name "$TABLE" >/dev/null
    out="$(ddb_ok list-tables)"
    expect_json "$out" "'$TABLE' not in d['TableNames']"
    expect_error ResourceNotFoundException "Requested resource not found: Table: $TABLE not found" \
        describe-table --table-name "$TABLE"
}
check "delete-table, wait table-not-exists, table is gone" t_delete_table

if [ "$known" -gt 0 ]; then
    echo "($known known issue(s) reported above, not counted as failures)"
fi
echo "aws cli smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
