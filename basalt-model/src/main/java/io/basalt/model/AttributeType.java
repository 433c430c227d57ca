package io.basalt.model;

/**
 * The ten DynamoDB attribute types, named by their wire descriptors.
 *
 * <p>The order of constants is not part of any format; persisted forms use their own explicit tags.
 */
public enum AttributeType {
    S, N, B, BOOL, NULL, L, M, SS, NS, BS;

    /** The descriptor as it appears on the wire and in error messages ({@code "S"}, {@code "NULL"}, ...). */
    public String descriptor() {
        return name();
    }

    /** Whether values of this type may be used as a key attribute (DynamoDB: S, N or B only). */
    public boolean isScalarKeyType() {
        return this == S || this == N || this == B;
    }

    public boolean isSet() {
        return this == SS || this == NS || this == BS;
    }

    /** Looks a wire descriptor up; returns null when it names no type. */
    public static AttributeType fromDescriptor(String descriptor) {
        switch (descriptor) {
            case "S":
                return S;
            case "N":
                return N;
            case "B":
                return B;
            case "BOOL":
                return BOOL;
            case "NULL":
                return NULL;
            case "L":
                return L;
            case "M":
                return M;
            case "SS":
                return SS;
            case "NS":
                return NS;
            case "BS":
                return BS;
            default:
                return null;
        }
    }
}
