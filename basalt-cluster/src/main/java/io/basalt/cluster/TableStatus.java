package io.basalt.cluster;

/** The lifecycle states DynamoDB reports in {@code TableStatus}. */
public enum TableStatus {
    CREATING, UPDATING, DELETING, ACTIVE
}
