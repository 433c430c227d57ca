package io.basalt.model;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type that crosses layers. It carries the {@link ErrorCode} and the exact message DynamoDB
 * sends, so the server's single error formatter can write it to the wire without interpretation.
 *
 * <p>Errors that need extra response members (the old item of a failed condition, cancellation reasons) subclass
 * this with structured fields.
 */
public class BasaltException extends RuntimeException {
    private final ErrorCode code;

    public BasaltException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = requireNonNull(code, "code is null");
    }

    public BasaltException(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, true);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }

    public static BasaltException validation(String message) {
        return new BasaltException(ErrorCode.VALIDATION, message);
    }

    public static BasaltException resourceNotFound(String message) {
        return new BasaltException(ErrorCode.RESOURCE_NOT_FOUND, message);
    }

    public static BasaltException resourceInUse(String message) {
        return new BasaltException(ErrorCode.RESOURCE_IN_USE, message);
    }
}
