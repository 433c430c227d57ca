package io.basalt.embedded;

import static java.util.Objects.requireNonNull;

/**
 * A DynamoDB error answered to a request made through {@link EmbeddedBasalt#call}: the error's type (the
 * {@code __type} after its {@code #}, e.g. {@code ResourceInUseException}), its message and the HTTP status.
 */
public final class EmbeddedBasaltException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorType;
    private final int statusCode;

    public EmbeddedBasaltException(String errorType, String message, int statusCode) {
        super(requireNonNull(errorType, "errorType is null") + ": " + message + " (HTTP " + statusCode + ")");
        this.errorType = errorType;
        this.statusCode = statusCode;
    }

    public String errorType() {
        return errorType;
    }

    public int statusCode() {
        return statusCode;
    }
}
