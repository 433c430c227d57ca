package io.basalt.model;

import static java.util.Objects.requireNonNull;

/**
 * Every error Basalt returns to a client, with the wire {@code __type} and HTTP status DynamoDB uses for it.
 *
 * <p>The namespaces differ by error: request validation errors come from the service framework
 * ({@code com.amazon.coral.validate#ValidationException}), protocol errors from {@code com.amazon.coral.service},
 * and DynamoDB's own errors from {@code com.amazonaws.dynamodb.v20120810}. Clients dispatch on the part after
 * {@code #}, but some compare the whole string, so the full value is reproduced exactly.
 */
public enum ErrorCode {
    VALIDATION("com.amazon.coral.validate#ValidationException", 400),
    SERIALIZATION("com.amazon.coral.service#SerializationException", 400),
    UNKNOWN_OPERATION("com.amazon.coral.service#UnknownOperationException", 400),
    MISSING_AUTHENTICATION_TOKEN("com.amazon.coral.service#MissingAuthenticationTokenException", 400),
    INCOMPLETE_SIGNATURE("com.amazon.coral.service#IncompleteSignatureException", 400),
    ACCESS_DENIED("com.amazon.coral.service#AccessDeniedException", 400),
    UNRECOGNIZED_CLIENT("com.amazon.coral.service#UnrecognizedClientException", 400),
    REQUEST_ENTITY_TOO_LARGE("com.amazon.coral.service#RequestEntityTooLargeException", 413),
    THROTTLING("com.amazon.coral.availability#ThrottlingException", 400),
    RESOURCE_NOT_FOUND(dynamo("ResourceNotFoundException"), 400),
    RESOURCE_IN_USE(dynamo("ResourceInUseException"), 400),
    TABLE_NOT_FOUND(dynamo("TableNotFoundException"), 400),
    LIMIT_EXCEEDED(dynamo("LimitExceededException"), 400),
    CONDITIONAL_CHECK_FAILED(dynamo("ConditionalCheckFailedException"), 400),
    PROVISIONED_THROUGHPUT_EXCEEDED(dynamo("ProvisionedThroughputExceededException"), 400),
    REQUEST_LIMIT_EXCEEDED(dynamo("RequestLimitExceeded"), 400),
    ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED(dynamo("ItemCollectionSizeLimitExceededException"), 400),
    TRANSACTION_CONFLICT(dynamo("TransactionConflictException"), 400),
    TRANSACTION_CANCELED(dynamo("TransactionCanceledException"), 400),
    TRANSACTION_IN_PROGRESS(dynamo("TransactionInProgressException"), 400),
    IDEMPOTENT_PARAMETER_MISMATCH(dynamo("IdempotentParameterMismatchException"), 400),
    INTERNAL_SERVER_ERROR(dynamo("InternalServerError"), 500),
    SERVICE_UNAVAILABLE("com.amazon.coral.availability#ServiceUnavailableException", 503);

    private final String wireType;
    private final int httpStatus;

    ErrorCode(String wireType, int httpStatus) {
        this.wireType = requireNonNull(wireType, "wireType is null");
        this.httpStatus = httpStatus;
    }

    private static String dynamo(String name) {
        return "com.amazonaws.dynamodb.v20120810#" + name;
    }

    /** The exact {@code __type} value of the error body. */
    public String wireType() {
        return wireType;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Whether a retry of the same request may succeed (the SDKs decide by type; this is for logs and metrics). */
    public boolean isServerFault() {
        return httpStatus >= 500;
    }
}
